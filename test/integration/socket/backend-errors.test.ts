import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { collect, request, requestOk, startEcbWorld, waitFor, type Ack, type EcbWorld } from '../../support/ecb-harness.js';
import { leakIn } from './token-cases.js';

/**
 * ECB-SPEC §6's mapping of backend failures to error codes, seen by a real
 * client in its ack: the stub backend answers with the fault a test injects.
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

describe('socket errors caused by the backend', () => {
  let world: EcbWorld;
  let alice: ClientSocket;
  let aliceToken: string;
  let threadToken: string;

  const start = async (config: Parameters<typeof startEcbWorld>[0] = {}): Promise<void> => {
    world = await startEcbWorld(config);
    aliceToken = await world.userToken('alice');
    threadToken = await world.threadToken(PEER_THREAD_ID);
    alice = await world.connect('alice');
  };
  afterEach(async () => world.close());

  /** The ack is an error of exactly this code and retryability, safe to show. */
  const expectError = (ack: Ack, code: string, retryable: boolean): string => {
    expect(ack.ok).to.equal(false);
    if (ack.ok) throw new Error('unreachable');
    expect(ack).to.have.keys(['ok', 'error']);
    expect(ack.error).to.have.keys(['code', 'message', 'retryable']);
    expect(ack.error.code).to.equal(code);
    expect(ack.error.retryable).to.equal(retryable);
    expect(ack.error.message).to.be.a('string').and.not.equal('');
    expect(leakIn(ack.error.message, [aliceToken, threadToken])).to.equal(undefined);
    return ack.error.message;
  };

  describe('with the default timeout', () => {
    beforeEach(async () => start());

    it('401 from the backend -> UNAUTHORIZED', async () => {
      world.stub.fail('getContacts', { status: 401 });
      expectError(await request(alice, 'getContacts', {}), 'UNAUTHORIZED', false);
    });

    it('403 from the backend -> FORBIDDEN', async () => {
      world.stub.fail('getThread', { status: 403 });
      expectError(await request(alice, 'getThread', { threadToken }), 'FORBIDDEN', false);
    });

    it('a getThread the backend refuses (403) leaves the socket out of the thread\'s pushes, even after an earlier getThread', async () => {
      const bob = await world.connect('bob');
      await requestOk(alice, 'getThread', { threadToken });
      world.stub.fail('getThread', { status: 403 });
      expectError(await request(alice, 'getThread', { threadToken }), 'FORBIDDEN', false);
      const messages = collect(alice, 'message');
      const threadPush = waitFor(alice, 'thread');
      await requestOk(bob, 'sendMessage', { threadToken, message: text('not for alice any more') });
      // `thread` reaches alice's personal room after `message` would have reached the thread room
      await threadPush;
      expect(messages).to.deep.equal([]);
    });

    it('404 from the backend -> NOT_FOUND', async () => {
      world.stub.fail('getThreads', { status: 404 });
      expectError(await request(alice, 'getThreads', {}), 'NOT_FOUND', false);
    });

    for (const status of [400, 409, 422]) {
      it(`${status} from the backend -> BAD_REQUEST with the backend's message, credentials removed`, async () => {
        world.stub.fail('addThreadMessage', {
          status,
          body: { error: { code: 'NOPE', message: `rejected for ${aliceToken} in ${threadToken}: too many emoji` } },
        });
        const message = expectError(await request(alice, 'sendMessage', { threadToken, message: text('🙂') }), 'BAD_REQUEST', false);
        expect(message).to.include('too many emoji');
      });
    }

    it('429 from the backend -> RATE_LIMITED, retryable', async () => {
      world.stub.fail('getContacts', { status: 429 });
      expectError(await request(alice, 'getContacts', {}), 'RATE_LIMITED', true);
    });

    it('a 4xx the spec does not explain (418) -> BACKEND_ERROR', async () => {
      world.stub.fail('getThreads', { status: 418 });
      expectError(await request(alice, 'getThreads', {}), 'BACKEND_ERROR', false);
    });

    it('a 2xx body of the wrong schema -> BACKEND_ERROR', async () => {
      world.stub.respond('getThread', { thread: { threadId: 42 }, messages: 'none' });
      expectError(await request(alice, 'getThread', { threadToken }), 'BACKEND_ERROR', false);
    });

    it('a 2xx HTML page -> BACKEND_ERROR', async () => {
      world.stub.fail('getContacts', { status: 200, body: '<html><body>Welcome!</body></html>', contentType: 'text/html' });
      expectError(await request(alice, 'getContacts', {}), 'BACKEND_ERROR', false);
    });

    it('a stored message answered with no message -> BACKEND_ERROR, and nothing is pushed', async () => {
      const bob = await world.connect('bob');
      const { thread } = await requestOk<{ thread: unknown }>(bob, 'getThread', { threadToken });
      const pushed = collect<{ message: { data: unknown } }>(bob, 'message');
      world.stub.respond('addThreadMessage', { thread, messages: [] });
      expectError(await request(alice, 'sendMessage', { threadToken, message: text('lost') }), 'BACKEND_ERROR', false);

      const next = waitFor(bob, 'message');
      await requestOk(alice, 'sendMessage', { threadToken, message: text('found') });
      await next;
      expect(pushed.map((p) => p.message.data)).to.deep.equal([{ messageText: 'found' }]);
    });

    it('503 twice on a read -> BACKEND_UNAVAILABLE, retryable, after exactly one retry', async () => {
      world.stub.fail('getContacts', { status: 503, times: 2 });
      expectError(await request(alice, 'getContacts', {}), 'BACKEND_UNAVAILABLE', true);
      expect(world.stub.requestsTo('getContacts')).to.have.length(2);
    });

    it('503 once on a read is retried and succeeds', async () => {
      world.stub.fail('getContacts', { status: 503 });
      await requestOk(alice, 'getContacts', {});
      expect(world.stub.requestsTo('getContacts')).to.have.length(2);
    });

    it('503 on a write -> BACKEND_UNAVAILABLE, never retried by ECB', async () => {
      world.stub.fail('addThreadMessage', { status: 503 });
      expectError(await request(alice, 'sendMessage', { threadToken, message: text('x') }), 'BACKEND_UNAVAILABLE', true);
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
    });

    it('500 with a stack trace in the body -> BACKEND_UNAVAILABLE, the trace not passed on', async () => {
      world.stub.fail('createThread', {
        status: 500,
        body: 'Error: boom\n    at Object.<anonymous> (/srv/app.js:10:5)\n    at node:internal/main:1:1',
        contentType: 'text/plain',
      });
      expectError(await request(alice, 'createThread', { memberIds: ['bob'], message: text('x') }), 'BACKEND_UNAVAILABLE', true);
    });

    it('a connection reset -> BACKEND_UNAVAILABLE', async () => {
      world.stub.destroySocket('addThreadMessage');
      expectError(await request(alice, 'sendMessage', { threadToken, message: text('x') }), 'BACKEND_UNAVAILABLE', true);
    });
  });

  describe('with a small backend timeout', () => {
    beforeEach(async () => start({ backendTimeoutMs: 300 }));

    it('a backend slower than ECB_BACKEND_TIMEOUT_MS -> BACKEND_UNAVAILABLE, never retried', async () => {
      world.stub.delay('getThreads', 2_000);
      expectError(await request(alice, 'getThreads', {}), 'BACKEND_UNAVAILABLE', true);
      expect(world.stub.requestsTo('getThreads')).to.have.length(1);
    });
  });

  describe('with no backend listening', () => {
    it('every operation -> BACKEND_UNAVAILABLE, and the socket stays usable', async () => {
      await start();
      await world.stub.close(); // ECB's backend URL now refuses connections
      expectError(await request(alice, 'getContacts', {}), 'BACKEND_UNAVAILABLE', true);
      expectError(await request(alice, 'sendMessage', { threadToken, message: text('x') }), 'BACKEND_UNAVAILABLE', true);
      expect(alice.connected).to.equal(true);
    });
  });
});
