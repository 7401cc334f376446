import { expect } from 'chai';
import type { Either } from 'fp-ts/lib/Either.js';
import type { EcbError } from '../../../src/domain/errors.js';
import {
  AccessTokenRequestCodec,
  CreateThreadRequestCodec,
  GetThreadRequestCodec,
  LeaveThreadRequestCodec,
  MAX_ID_LENGTH,
  MAX_MEMBER_IDS,
  PagingRequestCodec,
  SendMessageRequestCodec,
  decodeRequest,
} from '../../../src/application/requests.js';
import { leftOf, rightOf } from '../domain/expect-either.js';

/** Looks like a JWT: if it ever shows up in an error message, a token leaked. */
const TOKEN_LIKE = 'eyJhbGciOiJSUzI1NiJ9.eyJ1c2VySWQiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA';

/** Any of the request decoders, whatever it decodes to. */
type Decoder = (input: unknown) => Either<EcbError, unknown>;

const text = { type: 'text', data: { messageText: 'hi' } };

describe('decodeRequest', () => {
  describe('accepts well-formed requests', () => {
    it('paging with, without and with undefined fields', () => {
      expect(rightOf(decodeRequest(PagingRequestCodec)({}))).to.deep.equal({});
      expect(rightOf(decodeRequest(PagingRequestCodec)({ pageStartIndex: 3, pageSize: 7 }))).to.deep.equal({
        pageStartIndex: 3,
        pageSize: 7,
      });
    });

    it('createThread, with or without a clientMessageId', () => {
      const request = { memberIds: ['bob'], message: text };
      expect(rightOf(decodeRequest(CreateThreadRequestCodec)(request))).to.deep.equal(request);
      const withId = { ...request, clientMessageId: 'c-1' };
      expect(rightOf(decodeRequest(CreateThreadRequestCodec)(withId))).to.deep.equal(withId);
    });

    it('getThread with a numeric, null or absent since', () => {
      for (const request of [{ threadToken: 't' }, { threadToken: 't', since: 12.5 }, { threadToken: 't', since: null }]) {
        expect(rightOf(decodeRequest(GetThreadRequestCodec)(request))).to.deep.equal(request);
      }
    });

    it('sendMessage, leaveThread and an access token', () => {
      expect(rightOf(decodeRequest(SendMessageRequestCodec)({ threadToken: 't', message: text }))).to.deep.equal({
        threadToken: 't',
        message: text,
      });
      expect(rightOf(decodeRequest(LeaveThreadRequestCodec)({ threadToken: 't' }))).to.deep.equal({ threadToken: 't' });
      expect(rightOf(decodeRequest(AccessTokenRequestCodec)({ accessToken: 'a' }))).to.deep.equal({ accessToken: 'a' });
    });

    it('client message ids of any visible ASCII character (UUIDs, ULIDs, nanoids and the like)', () => {
      const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      for (const clientMessageId of [visible, '5f0c3e0e-1b8f-4a43-9f0e-3d1c1a1b2c3d', '01HZY3V8Q2', 'V1StGXR8_Z5jdHi6B-myT']) {
        const request = { threadToken: 't', message: text, clientMessageId };
        expect(rightOf(decodeRequest(SendMessageRequestCodec)(request))).to.deep.equal(request);
      }
    });

    it('member ids and client message ids of exactly the maximum length', () => {
      const id = 'x'.repeat(MAX_ID_LENGTH);
      const request = { memberIds: [id], message: text, clientMessageId: id };
      expect(rightOf(decodeRequest(CreateThreadRequestCodec)(request))).to.deep.equal(request);
    });
  });

  describe('refuses malformed requests as BAD_REQUEST naming the field', () => {
    const cases: ReadonlyArray<{ name: string; decode: Decoder; input: unknown; field: string }> = [
      { name: 'a string pageSize', decode: decodeRequest(PagingRequestCodec), input: { pageSize: '20' }, field: 'pageSize' },
      { name: 'a missing memberIds', decode: decodeRequest(CreateThreadRequestCodec), input: { message: text }, field: 'memberIds' },
      { name: 'an empty memberIds', decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: [], message: text }, field: 'memberIds' },
      { name: 'an empty member id', decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: ['bob', ''], message: text }, field: 'memberIds' },
      {
        name: 'a member id over the length limit',
        decode: decodeRequest(CreateThreadRequestCodec),
        input: { memberIds: ['x'.repeat(MAX_ID_LENGTH + 1)], message: text },
        field: 'memberIds',
      },
      {
        name: 'too many member ids',
        decode: decodeRequest(CreateThreadRequestCodec),
        input: { memberIds: Array.from({ length: MAX_MEMBER_IDS + 1 }, (_, i) => `u${i}`), message: text },
        field: 'memberIds',
      },
      {
        name: 'a clientMessageId over the length limit',
        decode: decodeRequest(CreateThreadRequestCodec),
        input: { memberIds: ['bob'], message: text, clientMessageId: 'x'.repeat(MAX_ID_LENGTH + 1) },
        field: 'clientMessageId',
      },
      ...['消息', 'é', 'a b', 'tab\there', 'line\nbreak', '\u007f'].map((clientMessageId) => ({
        name: `a clientMessageId a header cannot carry (${JSON.stringify(clientMessageId)})`,
        decode: decodeRequest(SendMessageRequestCodec),
        input: { threadToken: 't', message: text, clientMessageId },
        field: 'clientMessageId',
      })),
      { name: 'a missing message', decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: ['bob'] }, field: 'message' },
      {
        name: 'a numeric message type',
        decode: decodeRequest(SendMessageRequestCodec),
        input: { threadToken: 't', message: { type: 1, data: {} } },
        field: 'message.type',
      },
      { name: 'a missing threadToken', decode: decodeRequest(SendMessageRequestCodec), input: { message: text }, field: 'threadToken' },
      { name: 'a string since', decode: decodeRequest(GetThreadRequestCodec), input: { threadToken: 't', since: '5' }, field: 'since' },
      {
        name: 'an infinite since',
        decode: decodeRequest(GetThreadRequestCodec),
        input: { threadToken: 't', since: Number.POSITIVE_INFINITY },
        field: 'since',
      },
      { name: 'a numeric threadToken', decode: decodeRequest(LeaveThreadRequestCodec), input: { threadToken: 5 }, field: 'threadToken' },
      { name: 'a missing accessToken', decode: decodeRequest(AccessTokenRequestCodec), input: {}, field: 'accessToken' },
    ];

    for (const { name, decode, input, field } of cases) {
      it(`${name} -> names ${field}`, () => {
        const error = leftOf(decode(input));
        expect(error._tag).to.equal('BAD_REQUEST');
        expect(error.message).to.contain(field);
      });
    }

    it('names a nested field as a dotted path, without codec internals or array indexes', () => {
      const nested = leftOf(decodeRequest(SendMessageRequestCodec)({ threadToken: 't', message: { type: 1, data: {} } }));
      expect(nested.message).to.match(/^invalid message\.type: /);
      const inArray = leftOf(decodeRequest(CreateThreadRequestCodec)({ memberIds: ['bob', ''], message: text }));
      expect(inArray.message).to.match(/^invalid memberIds: /);
    });

    it('a payload that is not an object at all', () => {
      for (const input of [null, undefined, 42, 'text', []]) {
        const error = leftOf(decodeRequest(AccessTokenRequestCodec)(input));
        expect(error._tag, String(input)).to.equal('BAD_REQUEST');
        expect(error.message).to.be.a('string').and.not.equal('');
      }
    });
  });

  describe('never echoes the offending value', () => {
    it('leaves a token-like value out of the message wherever it sits', () => {
      const attempts: ReadonlyArray<{ decode: Decoder; input: unknown }> = [
        { decode: decodeRequest(GetThreadRequestCodec), input: { threadToken: 't', since: TOKEN_LIKE } },
        { decode: decodeRequest(GetThreadRequestCodec), input: { threadToken: { value: TOKEN_LIKE } } },
        { decode: decodeRequest(PagingRequestCodec), input: { pageSize: TOKEN_LIKE } },
        { decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: TOKEN_LIKE, message: text } },
        { decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: ['bob'], message: TOKEN_LIKE } },
        { decode: decodeRequest(CreateThreadRequestCodec), input: { memberIds: ['bob'], message: text, clientMessageId: TOKEN_LIKE.repeat(5) } },
        { decode: decodeRequest(SendMessageRequestCodec), input: { threadToken: TOKEN_LIKE, message: { type: { token: TOKEN_LIKE }, data: 1 } } },
        { decode: decodeRequest(AccessTokenRequestCodec), input: TOKEN_LIKE },
        { decode: decodeRequest(AccessTokenRequestCodec), input: { accessToken: [TOKEN_LIKE] } },
      ];
      for (const { decode, input } of attempts) {
        const error = leftOf(decode(input));
        expect(error._tag).to.equal('BAD_REQUEST');
        expect(error.message).not.to.contain(TOKEN_LIKE);
        expect(error.message).not.to.contain('eyJ');
        expect(error).not.to.have.property('cause');
      }
    });
  });
});
