import { expect } from 'chai';
import * as t from 'io-ts/lib/index.js';
import { contactsAnswer, threadsAnswer } from '../../../src/adapters/backend/backend-answers.js';
import { CreateThreadRequestCodec } from '../../../src/application/requests.js';
import { ThreadMessageCodec } from '../../../src/domain/message.js';
import { ThreadAndMessagesCodec, ThreadCodec } from '../../../src/domain/thread.js';
import { UserCodec } from '../../../src/domain/user.js';
import { jsonSchemaOf } from '../../../src/openapi/json-schema.js';
import { codecAccepts, schemaAccepts } from './schema-agreement.js';

const user = { userId: 'alice', displayName: 'Alice' };
const message = { messageId: 'm1', fromUserId: 'alice', creationTime: 1700000000.25, type: 'text', data: { messageText: 'hi' } };
const thread = { threadId: 't1', threadToken: 'jwt', members: [{ userId: 'alice' }, { userId: 'bob', displayName: 'Bob' }], lastMessageTime: 1700000000 };
const page = (items: unknown[]) => ({ pageStartIndex: 0, pageSize: items.length, items, previousPage: null, nextPage: { pageStartIndex: 1, pageSize: 1 } });

/** Samples ECB's decoders accept and refuse; the generated schema must agree on every one. */
const CASES: ReadonlyArray<[string, string, (v: unknown) => t.Validation<unknown>, unknown[]]> = [
  ['User', 'UserCodec', (v) => UserCodec.decode(v), [user, { ...user, data: { x: 1 } }, { userId: 'a' }, { userId: 1, displayName: 'x' }, null, []]],
  ['ThreadMessage', 'ThreadMessageCodec', (v) => ThreadMessageCodec.decode(v), [message, { ...message, creationTime: '2024-01-01' }, { ...message, messageId: undefined }, 'x']],
  ['Thread', 'ThreadCodec', (v) => ThreadCodec.decode(v), [thread, { ...thread, data: [1] }, { ...thread, members: [{}] }, { ...thread, lastMessageTime: 'now' }, { ...thread, threadToken: undefined }]],
  ['ThreadAndMessages', 'ThreadAndMessagesCodec', (v) => ThreadAndMessagesCodec.decode(v), [{ thread, messages: [message] }, { thread, messages: [{}] }, { thread }, { messages: [] }]],
  ['CreateThreadRequest', 'CreateThreadRequestCodec', (v) => CreateThreadRequestCodec.decode(v), [
    { memberIds: ['bob'], message: { type: 'text', data: {} } },
    { memberIds: ['bob'], message: { type: 'text', data: {} }, clientMessageId: 'c1' },
    { memberIds: ['bob'], message: { type: 'text', data: {} }, clientMessageId: '' },
    { memberIds: ['x'.repeat(300)], message: { type: 'text', data: {} } },
    { memberIds: [], message: { type: 'text', data: {} } },
    { memberIds: 'bob', message: { type: 'text', data: {} } },
    { memberIds: ['bob'] },
  ]],
];

describe('the JSON Schemas generated from the io-ts codecs', () => {
  for (const [schema, codecName, decode, samples] of CASES) {
    it(`${schema} accepts exactly what ${codecName} accepts`, () => {
      for (const sample of samples) {
        expect(schemaAccepts(schema, sample), JSON.stringify(sample)).to.equal(codecAccepts(decode, sample));
      }
    });
  }

  it('a backend list is a bare array or a paged object, exactly as ECB decodes backend answers', () => {
    const samples = [[user], [], page([user]), { ...page([user]), previousPage: undefined }, { users: [user] }, { ...page([user]), pageSize: -1 }];
    for (const sample of samples) {
      const bySchema = Array.isArray(sample) ? sample.every((u) => schemaAccepts('User', u)) : schemaAccepts('PagedContacts', sample);
      expect(bySchema, JSON.stringify(sample)).to.equal(codecAccepts(contactsAnswer, sample));
    }
    const threads = [[thread], page([thread]), page([{ threadId: 't' }])];
    for (const sample of threads) {
      const bySchema = Array.isArray(sample) ? sample.every((x) => schemaAccepts('Thread', x)) : schemaAccepts('PagedThreads', sample);
      expect(bySchema, JSON.stringify(sample)).to.equal(codecAccepts(threadsAnswer, sample));
    }
  });

  it('refuses to guess for a codec kind it does not know', () => {
    expect(() => jsonSchemaOf(t.record(t.string, t.string))).to.throw(/DictionaryType/);
  });
});
