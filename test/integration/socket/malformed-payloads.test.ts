import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { request, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * Untrusted payloads (ECB-SPEC §3): whatever a client emits, the answer is a
 * BAD_REQUEST ack (nothing reaches the backend) and the server keeps serving.
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
/** JSON with an own `__proto__` key, as a hostile client would send it. */
const withProto = (json: string): unknown => JSON.parse(json);

describe('socket: malformed payloads', () => {
  let world: EcbWorld;
  let alice: ClientSocket;
  let threadToken: string;

  beforeEach(async () => {
    world = await startEcbWorld();
    alice = await world.connect('alice');
    threadToken = await world.threadToken(PEER_THREAD_ID);
  });
  afterEach(async () => world.close());

  const cases = (): Array<[string, string, unknown]> => [
    ['createThread', 'no payload', undefined],
    ['createThread', 'null', null],
    ['createThread', 'a string', 'hello'],
    ['createThread', 'a number', 42],
    ['createThread', 'an array', [['bob'], text('hi')]],
    ['createThread', 'no memberIds', { message: text('hi') }],
    ['createThread', 'memberIds not an array', { memberIds: 'bob', message: text('hi') }],
    ['createThread', 'an empty memberIds', { memberIds: [], message: text('hi') }],
    ['createThread', 'a memberId that is not a string', { memberIds: [7], message: text('hi') }],
    ['createThread', 'no message', { memberIds: ['bob'] }],
    ['createThread', 'a message without type', { memberIds: ['bob'], message: { data: { messageText: 'hi' } } }],
    ['createThread', 'a text message without messageText', { memberIds: ['bob'], message: { type: 'text', data: { body: 'hi' } } }],
    ['createThread', 'a typing message', { memberIds: ['bob'], message: { type: 'typing', data: true } }],
    ['createThread', 'a clientMessageId that is not a string', { memberIds: ['bob'], message: text('hi'), clientMessageId: 5 }],
    ['createThread', 'fields only under __proto__', withProto(`{"__proto__":{"memberIds":["bob"],"message":${JSON.stringify(text('hi'))}}}`)],
    ['getThread', 'no payload', undefined],
    ['getThread', 'a string', threadToken],
    ['getThread', 'no threadToken', { since: 1 }],
    ['getThread', 'a threadToken that is not a string', { threadToken: 12 }],
    ['getThread', 'a since that is not a number', { threadToken, since: 'yesterday' }],
    ['getThread', 'the threadToken only under __proto__', withProto(`{"__proto__":{"threadToken":${JSON.stringify(threadToken)}}}`)],
    ['leaveThread', 'no payload', undefined],
    ['leaveThread', 'no threadToken', {}],
    ['sendMessage', 'no payload', undefined],
    ['sendMessage', 'an array', [threadToken, text('hi')]],
    ['sendMessage', 'no threadToken', { message: text('hi') }],
    ['sendMessage', 'no message', { threadToken }],
    ['sendMessage', 'a message that is a string', { threadToken, message: 'hi' }],
    ['sendMessage', 'an empty type', { threadToken, message: { type: '', data: {} } }],
    ['sendMessage', 'a message without data', { threadToken, message: { type: 'custom' } }],
    ['sendMessage', 'a typing message whose data is not a boolean', { threadToken, message: { type: 'typing', data: 'yes' } }],
    ['sendMessage', 'a text message whose messageText is a number', { threadToken, message: { type: 'text', data: { messageText: 1 } } }],
    ['sendMessage', 'an over-long clientMessageId', { threadToken, message: text('hi'), clientMessageId: 'x'.repeat(300) }],
    // it travels as the Idempotency-Key header, which carries visible ASCII only
    ['sendMessage', 'a clientMessageId with CJK characters', { threadToken, message: text('hi'), clientMessageId: '消息-1' }],
    ['sendMessage', 'a clientMessageId with an emoji', { threadToken, message: text('hi'), clientMessageId: 'm-😀' }],
    ['sendMessage', 'a clientMessageId with a line break', { threadToken, message: text('hi'), clientMessageId: 'm-1\r\nX-Evil: 1' }],
    ['sendMessage', 'a clientMessageId with a space', { threadToken, message: text('hi'), clientMessageId: 'm 1' }],
    ['createThread', 'a clientMessageId with a non-ASCII letter', { memberIds: ['bob'], message: text('hi'), clientMessageId: 'café-1' }],
    ['sendMessage', 'the message only under __proto__', withProto(`{"threadToken":${JSON.stringify(threadToken)},"__proto__":{"message":${JSON.stringify(text('hi'))}}}`)],
    ['sendMessage', 'the message fields only under its __proto__', withProto(`{"threadToken":${JSON.stringify(threadToken)},"message":{"__proto__":${JSON.stringify(text('hi'))}}}`)],
  ];

  it('answers every malformed payload with BAD_REQUEST, calls no backend, and keeps serving', async () => {
    for (const [event, name, payload] of cases()) {
      const ack = payload === undefined ? await alice.timeout(5_000).emitWithAck(event) : await request(alice, event, payload);
      expect(ack, `${event} with ${name}`).to.deep.include({ ok: false });
      expect(ack.error.code, `${event} with ${name}`).to.equal('BAD_REQUEST');
      expect(ack.error.retryable).to.equal(false);
      expect(ack.error.message, `${event} with ${name}`).not.to.include(threadToken);
    }
    expect(world.stub.requests).to.deep.equal([]);
    expect(alice.connected).to.equal(true);
    await requestOk(alice, 'getThread', { threadToken });
  });

  it('is not polluted by a __proto__ key in a payload', async () => {
    await requestOk(alice, 'getContacts', withProto('{"pageSize":5,"__proto__":{"polluted":true,"pageSize":1}}'));
    await request(alice, 'sendMessage', withProto(`{"threadToken":${JSON.stringify(threadToken)},"message":{"type":"text","data":{"messageText":"x","__proto__":{"polluted":true}}}}`));
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('polluted');
    const page = await requestOk<{ pageSize: number }>(alice, 'getContacts', withProto('{"__proto__":{"pageSize":1}}'));
    expect(page.pageSize).to.equal(3); // the default 20, not the inherited 1: alice has 3 contacts
  });

  it('ignores an event sent without an ack, and keeps serving', async () => {
    alice.emit('sendMessage', { threadToken, message: text('no ack') });
    alice.emit('getContacts');
    alice.emit('createThread', 'garbage');
    await requestOk(alice, 'getContacts', {});
    expect(alice.connected).to.equal(true);
  });

  it('answers an unknown event sent with an ack BAD_REQUEST (its name not echoed), ignores one without, and keeps serving', async () => {
    alice.emit('deleteEverything', { all: true });
    const answer = await request(alice, 'dropDatabase', {});
    expect(answer.ok).to.equal(false);
    if (answer.ok) throw new Error('unreachable');
    expect(answer.error.code).to.equal('BAD_REQUEST');
    expect(answer.error.retryable).to.equal(false);
    expect(answer.error.message).to.include('sendMessage').and.not.include('dropDatabase');
    for (const odd of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect((await request(alice, odd, {})).ok, odd).to.equal(false);
    }
    await requestOk(alice, 'getContacts', {});
    expect(alice.connected).to.equal(true);
    expect(world.stub.requests.map((r) => r.operation)).to.deep.equal(['getContacts']);
  });

  it('keeps serving other sockets after a flood of malformed events', async () => {
    const bob = await world.connect('bob');
    await Promise.all(Array.from({ length: 30 }, (_, i) => request(alice, i % 2 === 0 ? 'sendMessage' : 'getThread', i)));
    await requestOk(bob, 'getThread', { threadToken });
    await requestOk(alice, 'getThread', { threadToken });
  });
});
