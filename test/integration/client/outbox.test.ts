import { expect } from 'chai';
import { EcbClientError, type EcbClient, type ThreadAndMessages } from '../../../client/src/index.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { eventually, record, startClientWorld, storedTexts, threadTokenOf, type ClientWorld } from './client-fixture.js';

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(EcbClientError);
    return (error as EcbClientError).code;
  }
  throw new Error('expected a rejection');
};

/** Counts how often a promise settles, and how. */
const watch = (promise: Promise<ThreadAndMessages>): { resolved: ThreadAndMessages[]; rejected: unknown[]; done: Promise<void> } => {
  const settled = { resolved: [] as ThreadAndMessages[], rejected: [] as unknown[] };
  const done = promise.then(
    (value) => void settled.resolved.push(value),
    (error: unknown) => void settled.rejected.push(error),
  );
  return { ...settled, done };
};

describe('ecb-client: outbox', function () {
  this.timeout(30_000);
  let world: ClientWorld;
  let alice: EcbClient;
  let token: string;

  beforeEach(async () => {
    world = await startClientWorld();
    alice = await world.connect('alice');
    token = await threadTokenOf(alice, PEER_THREAD_ID);
  });

  afterEach(async () => {
    await world.close();
  });

  const idempotencyKeys = (): Array<string | undefined> =>
    world.stub.requestsTo('addThreadMessage').map((request) => request.headers['idempotency-key']);

  it('queues messages sent while ECB is down, and delivers them once each, in order, to the new ECB', async () => {
    await world.stopEcb();
    await eventually('alice notices', () => alice.state === 'reconnecting');
    const sends = ['one', 'two', 'three'].map((messageText) => alice.sendText(token, messageText));
    expect(alice.pendingMessages).to.equal(3);
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(0);

    await world.startEcb();
    const sent = await Promise.all(sends);

    expect((await storedTexts(world.stub, PEER_THREAD_ID)).slice(2)).to.deep.equal(['one', 'two', 'three']);
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(3);
    expect(sent.map((answer) => answer.messages[0]?.data)).to.deep.equal([
      { messageText: 'one' },
      { messageText: 'two' },
      { messageText: 'three' },
    ]);
    expect(alice.pendingMessages).to.equal(0);
  });

  it('retries BACKEND_UNAVAILABLE with the same clientMessageId: stored once, resolved once', async () => {
    world.stub.fail('addThreadMessage', { status: 503, times: 2 });
    const send = watch(alice.sendText(token, 'persistent'));
    await send.done;
    expect(send.rejected).to.deep.equal([]);
    expect(send.resolved).to.have.length(1);
    const keys = idempotencyKeys();
    expect(keys).to.have.length(3);
    expect(new Set(keys).size).to.equal(1);
    expect(keys[0]).to.be.a('string');
    const stored = await world.stub.store.listMessages(PEER_THREAD_ID);
    expect(stored.filter((message) => (message.data as { messageText?: string }).messageText === 'persistent')).to.have.length(1);
    expect(send.resolved[0]?.messages[0]?.messageId).to.equal(stored.at(-1)?.messageId);
  });

  it('retries RATE_LIMITED the same way', async () => {
    world.stub.fail('addThreadMessage', { status: 429, times: 1 });
    await alice.sendText(token, 'patient');
    expect(idempotencyKeys()).to.have.length(2);
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).filter((t) => t === 'patient')).to.have.length(1);
  });

  it('gives up after retry.maxAttempts retryable failures, rejecting with the last error', async () => {
    const client = await world.connect('alice', { retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    world.stub.fail('addThreadMessage', { status: 503, times: Number.POSITIVE_INFINITY });
    expect(await codeOf(client.sendText(token, 'doomed'))).to.equal('BACKEND_UNAVAILABLE');
    expect(idempotencyKeys()).to.have.length(3);
    expect(await storedTexts(world.stub, PEER_THREAD_ID)).to.not.include('doomed');
    expect(client.pendingMessages).to.equal(0);
  });

  it('a lost ack (stored, then the connection dropped) ends with one stored message and one resolution', async () => {
    await alice.openThread(token);
    const ownMessages = record(alice, 'message');
    world.stub.delay('addThreadMessage', 500);
    const send = watch(alice.sendText(token, 'lost ack'));
    await eventually('the backend has the request', () => world.stub.requestsTo('addThreadMessage').length === 1);
    alice['socket'].io.engine.close();
    await send.done;

    expect(send.rejected).to.deep.equal([]);
    expect(send.resolved).to.have.length(1);
    const keys = idempotencyKeys();
    expect(keys).to.have.length(2);
    expect(keys[0]).to.equal(keys[1]);
    // Give the first request time to finish and its push to reach the new socket, if it would.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const stored = (await world.stub.store.listMessages(PEER_THREAD_ID)).filter(
      (message) => (message.data as { messageText?: string }).messageText === 'lost ack',
    );
    expect(stored).to.have.length(1);
    expect(send.resolved[0]?.messages[0]?.messageId).to.equal(stored[0]?.messageId);
    // The app saw its own message once: as the resolved send, never also as an incoming `message`.
    expect(ownMessages).to.deep.equal([]);
  });

  it('a message stored before the drop is caught up as the client\'s own send: resolved, never a `message` event', async () => {
    await alice.openThread(token);
    const events = record(alice, 'message');
    // The backend stores the message at once, and answers only 500 ms later: time to lose the ack.
    const store = world.stub.store;
    const append = store.appendMessage.bind(store);
    store.appendMessage = async (...args) => {
      const stored = await append(...args);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return stored;
    };
    const send = watch(alice.sendText(token, 'stored, ack lost'));
    await eventually('the backend stored it', async () => (await storedTexts(world.stub, PEER_THREAD_ID)).includes('stored, ack lost'));
    alice['socket'].io.engine.close();
    await send.done;
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(send.resolved).to.have.length(1);
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).filter((t) => t === 'stored, ack lost')).to.have.length(1);
    expect(events).to.deep.equal([]);
  });

  it('refuses a message beyond outbox.maxQueued with OUTBOX_FULL', async () => {
    const client = await world.connect('alice', { outbox: { maxQueued: 2 } });
    await world.stopEcb();
    await eventually('the client notices', () => client.state === 'reconnecting');
    const queued = [client.sendText(token, 'a'), client.sendText(token, 'b')];
    expect(await codeOf(client.sendText(token, 'c'))).to.equal('OUTBOX_FULL');
    await world.startEcb();
    await Promise.all(queued);
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).slice(2)).to.deep.equal(['a', 'b']);
  });

  it('rejects a message not delivered within outbox.maxDurationMs, and never sends it later', async () => {
    const client = await world.connect('alice', { outbox: { maxDurationMs: 300 } });
    await world.stopEcb();
    await eventually('the client notices', () => client.state === 'reconnecting');
    expect(await codeOf(client.sendText(token, 'stale'))).to.equal('DISCONNECTED');
    await world.startEcb();
    await client.sendText(token, 'fresh');
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).slice(2)).to.deep.equal(['fresh']);
  });

  it('close() rejects the waiting messages with CLOSED, and they are never sent', async () => {
    await world.stopEcb();
    await eventually('alice notices', () => alice.state === 'reconnecting');
    const waiting = alice.sendText(token, 'never');
    await alice.close();
    expect(await codeOf(waiting)).to.equal('CLOSED');
    await world.startEcb();
    const bob = await world.connect('bob');
    await bob.getThreads();
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(0);
  });
});
