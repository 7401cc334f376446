import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { createClient, request, requestOk, sleep, startEcbWorld, waitFor, type Ack, type EcbWorld } from '../../support/ecb-harness.js';
import { newKeys, serverToken, signToken, threadToken as signThreadToken, userToken } from '../../support/keys.js';
import { RawSocketIo } from '../abuse/raw-socket-io.js';
import { leakIn } from './token-cases.js';

/**
 * Error codes ECB decides by itself, before or instead of the backend:
 * FORBIDDEN thread tokens, NOT_FOUND threads, PAYLOAD_TOO_LARGE messages,
 * and TOKEN_EXPIRED for a user token that expires while connected.
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

const expectError = (ack: Ack, code: string, secrets: readonly string[] = []): void => {
  expect(ack.ok).to.equal(false);
  if (ack.ok) return;
  expect(ack.error).to.have.keys(['code', 'message', 'retryable']);
  expect(ack.error.code).to.equal(code);
  expect(ack.error.retryable).to.equal(false);
  expect(leakIn(ack.error.message, secrets)).to.equal(undefined);
};

describe('socket errors decided by ECB', () => {
  let world: EcbWorld;
  afterEach(async () => world.close());

  describe('FORBIDDEN: a thread token that does not verify as one', () => {
    let alice: ClientSocket;
    beforeEach(async () => {
      world = await startEcbWorld();
      alice = await world.connect('alice');
    });

    const members = ['alice', 'bob'];
    const cases: Array<[string, () => Promise<string>]> = [
      ['a string that is not a JWT', async () => 'not.a-thread.token'],
      ['a thread token signed by another key', async () => signThreadToken(PEER_THREAD_ID, members, { keys: await newKeys() })],
      ['an expired thread token', () => signThreadToken(PEER_THREAD_ID, members, { expiresIn: -3600 })],
      ['a user token', () => userToken('alice', 'Alice')],
      ['a server token', () => serverToken()],
      ['a thread token that also carries a userId', () => signToken({ threadId: PEER_THREAD_ID, memberIds: members, userId: 'alice' })],
      ['a thread token over 8 KiB', () => signToken({ threadId: PEER_THREAD_ID, memberIds: [...members, 'x'.repeat(9_000)] })],
      [
        'an alg "none" thread token',
        async () =>
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
            JSON.stringify({ threadId: PEER_THREAD_ID, memberIds: members }),
          ).toString('base64url')}.`,
      ],
    ];
    for (const [name, token] of cases) {
      it(`refuses ${name} for getThread, sendMessage and leaveThread, without calling the backend`, async () => {
        const threadToken = await token();
        expectError(await request(alice, 'getThread', { threadToken }), 'FORBIDDEN', [threadToken]);
        expectError(await request(alice, 'sendMessage', { threadToken, message: text('x') }), 'FORBIDDEN', [threadToken]);
        expectError(await request(alice, 'sendMessage', { threadToken, message: { type: 'typing', data: true } }), 'FORBIDDEN', [threadToken]);
        expectError(await request(alice, 'leaveThread', { threadToken }), 'FORBIDDEN', [threadToken]);
        expect(world.stub.requests).to.deep.equal([]);
      });
    }
  });

  describe('NOT_FOUND: a valid thread token for a thread the backend does not know', () => {
    it('answers NOT_FOUND from the backend for getThread and sendMessage', async () => {
      world = await startEcbWorld();
      const alice = await world.connect('alice');
      const threadToken = await world.stub.tokens.signThreadToken({ threadId: 'thread-gone', memberIds: ['alice', 'bob'] });

      expectError(await request(alice, 'getThread', { threadToken }), 'NOT_FOUND', [threadToken]);
      expectError(await request(alice, 'sendMessage', { threadToken, message: text('hello?') }), 'NOT_FOUND', [threadToken]);
      expect(world.stub.requestsTo('getThread')).to.have.length(1);
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
    });
  });

  describe('BAD_REQUEST: message data nested deeper than ECB_MAX_MESSAGE_DEPTH', () => {
    const nested = (depth: number): unknown => {
      let data: unknown = 1;
      for (let i = 0; i < depth; i++) data = [data];
      return data;
    };

    const deepJson = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

    it('refuses it for sendMessage (typing too) and createThread, however deep, without calling the backend, and keeps serving', async () => {
      world = await startEcbWorld();
      const alice = await world.connect('alice');
      const threadToken = await world.threadToken(PEER_THREAD_ID);
      // raw packets: socket.io-client's own encoder overflows its stack on such data
      const raw = await RawSocketIo.connected(world.ecb.url, { userToken: await world.userToken('alice') });
      try {
        // 10,000 levels is 20 KB of JSON, within the size limit; a few thousand overflowed the call stack (INTERNAL)
        let id = 1;
        for (const depth of [65, 10_000]) {
          const token = JSON.stringify(threadToken);
          const requests: Array<[string, string]> = [
            ['sendMessage', `{"threadToken":${token},"message":{"type":"custom","data":${deepJson(depth)}}}`],
            ['sendMessage', `{"threadToken":${token},"message":{"type":"typing","data":${deepJson(depth)}}}`],
            ['createThread', `{"memberIds":["bob"],"message":{"type":"custom","data":${deepJson(depth)}}}`],
          ];
          for (const [event, payload] of requests) expectError((await raw.requestJson(id++, event, payload)) as Ack, 'BAD_REQUEST');
        }
      } finally {
        raw.close();
      }
      expect(world.stub.requests).to.deep.equal([]);
      await requestOk(alice, 'sendMessage', { threadToken, message: { type: 'custom', data: nested(64) } });
    });
  });

  describe('PAYLOAD_TOO_LARGE: a message over ECB_MAX_MESSAGE_BYTES', () => {
    const LIMIT = 200;
    const overhead = Buffer.byteLength(JSON.stringify(text('')));
    let alice: ClientSocket;
    let threadToken: string;
    beforeEach(async () => {
      world = await startEcbWorld({ maxMessageBytes: LIMIT });
      alice = await world.connect('alice');
      threadToken = await world.threadToken(PEER_THREAD_ID);
    });

    it('accepts a message of exactly the limit', async () => {
      const message = text('a'.repeat(LIMIT - overhead));
      expect(Buffer.byteLength(JSON.stringify(message))).to.equal(LIMIT);
      await requestOk(alice, 'sendMessage', { threadToken, message });
    });

    it('refuses one byte more for sendMessage and createThread, without calling the backend', async () => {
      const message = text('a'.repeat(LIMIT - overhead + 1));
      expectError(await request(alice, 'sendMessage', { threadToken, message }), 'PAYLOAD_TOO_LARGE');
      expectError(await request(alice, 'createThread', { memberIds: ['bob'], message }), 'PAYLOAD_TOO_LARGE');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('counts UTF-8 bytes, not characters', async () => {
      const message = text('é'.repeat(Math.ceil((LIMIT - overhead) / 2) + 1)); // fewer characters than the limit
      expect(JSON.stringify(message).length).to.be.below(LIMIT);
      expectError(await request(alice, 'sendMessage', { threadToken, message }), 'PAYLOAD_TOO_LARGE');
    });

    it('counts custom messages the same way', async () => {
      const message = { type: 'order', data: { note: 'x'.repeat(LIMIT) } };
      expectError(await request(alice, 'sendMessage', { threadToken, message }), 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('TOKEN_EXPIRED: a user token that expires while its socket is connected', () => {
    for (const transport of ['websocket', 'polling'] as const) {
      it(`answers the next request TOKEN_EXPIRED without calling the backend, and disconnects the socket (${transport})`, async function () {
        this.timeout(8_000);
        world = await startEcbWorld();
        const credential = await world.userToken('alice', 2);
        const alice = world.track(await createClient(world.ecb.url, { userToken: credential }, { transports: [transport] }));
        await requestOk(alice, 'getContacts', {});
        world.stub.reset();

        await sleep(2_100); // exp is at most 2 s after signing (whole seconds)
        const disconnected = waitFor<string>(alice, 'disconnect');
        expectError(await request(alice, 'getContacts', {}), 'TOKEN_EXPIRED', [credential]);
        expect(await disconnected).to.equal('io server disconnect');
        expect(world.stub.requests).to.deep.equal([]);

        // the client reconnects with a fresh token
        const again = await world.connect('alice', { transports: [transport] });
        await requestOk(again, 'getContacts', {});
      });
    }

    it('serves a socket whose token the handshake accepted within the clock tolerance (expired 10 s ago) until exp + tolerance', async () => {
      world = await startEcbWorld();
      const alice = world.track(await createClient(world.ecb.url, { userToken: await world.userToken('alice', -10) }));
      expect(alice.connected).to.equal(true);
      await requestOk(alice, 'getContacts', {});
      await requestOk(alice, 'getThreads', {});
      expect(alice.connected).to.equal(true);
    });

    it('disconnects an idle socket once its token is past exp and the clock tolerance', async function () {
      this.timeout(8_000);
      world = await startEcbWorld({ clockToleranceSeconds: 0 });
      const alice = world.track(await createClient(world.ecb.url, { userToken: await world.userToken('alice', 2) }));
      const bob = await world.connect('bob');

      expect(await waitFor<string>(alice, 'disconnect', 4_000)).to.equal('io server disconnect');
      expect(bob.connected).to.equal(true);
    });
  });
});
