import { expect } from 'chai';
import { EcbClientError, type EcbClient } from '../../../client/src/index.js';
import { PEER_THREAD_ID, SUPPORT_THREAD_ID } from '../../../reference-backend/seed.js';
import { nextEvent, record, startClientWorld, storedTexts, text, threadTokenOf, type ClientWorld } from './client-fixture.js';

/** Rejects with the EcbClientError `promise` rejects with, or fails the test when it resolves. */
const rejection = async (promise: Promise<unknown>): Promise<EcbClientError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(EcbClientError);
    return error as EcbClientError;
  }
  throw new Error('expected a rejection');
};

describe('ecb-client: requests', function () {
  this.timeout(20_000);
  let world: ClientWorld;
  let alice: EcbClient;
  let bob: EcbClient;

  beforeEach(async () => {
    world = await startClientWorld();
    alice = await world.connect('alice');
    bob = await world.connect('bob');
  });

  afterEach(async () => {
    await world.close();
  });

  it('knows its user once connected with a user token', () => {
    expect(alice.user).to.deep.equal({ userId: 'alice', displayName: 'Alice' });
    expect(alice.state).to.equal('connected');
  });

  it('getContacts answers a page of contacts, honouring paging', async () => {
    const first = await alice.getContacts({ pageStartIndex: 0, pageSize: 2 });
    expect(first.items).to.have.length(2);
    expect(first.pageSize).to.equal(2);
    expect(first.previousPage).to.equal(null);
    expect(first.nextPage).to.deep.equal({ pageStartIndex: 2, pageSize: 2 });
    const all = await alice.getContacts();
    expect(all.items.map((user) => user.userId)).to.include('bob');
  });

  it('getThreads answers the threads the user belongs to', async () => {
    const page = await alice.getThreads();
    expect(page.items.map((thread) => thread.threadId)).to.deep.equal([PEER_THREAD_ID]);
    expect(page.items[0]?.threadToken).to.be.a('string');
  });

  it('createThread stores the thread with its first message, and pushes `thread` to the other members', async () => {
    const pushed = nextEvent(bob, 'thread', ({ thread }) => thread.members.some((member) => member.userId === 'carol'));
    const created = await alice.createThread(['bob', 'carol'], text('Hi both'));
    expect(created.messages.map((message) => message.data)).to.deep.equal([{ messageText: 'Hi both' }]);
    expect((await pushed).thread.threadId).to.equal(created.thread.threadId);
    expect(await storedTexts(world.stub, created.thread.threadId)).to.deep.equal(['Hi both']);
  });

  it('createThread passes a clientMessageId, so a repeat is the same write', async () => {
    const clientMessageId = crypto.randomUUID();
    const first = await alice.createThread(['bob'], text('once'), { clientMessageId });
    const again = await alice.createThread(['bob'], text('once'), { clientMessageId });
    expect(again.thread.threadId).to.equal(first.thread.threadId);
    expect(world.stub.requestsTo('createThread').map((request) => request.headers['idempotency-key'])).to.deep.equal([
      clientMessageId,
      clientMessageId,
    ]);
    expect(await storedTexts(world.stub, first.thread.threadId)).to.deep.equal(['once']);
  });

  it('getThread answers the thread and its messages, and with `since` only later ones', async () => {
    const token = await threadTokenOf(alice, PEER_THREAD_ID);
    const all = await alice.getThread(token);
    expect(all.thread.threadId).to.equal(PEER_THREAD_ID);
    expect(all.messages).to.have.length(2);
    const since = all.messages[0]!.creationTime;
    const later = await alice.getThread(token, since);
    expect(later.messages.map((message) => message.messageId)).to.deep.equal([all.messages[1]!.messageId]);
  });

  it('openThread answers like getThread and then delivers the thread\'s new messages as `message` events', async () => {
    const token = await threadTokenOf(alice, PEER_THREAD_ID);
    const opened = await alice.openThread(token);
    expect(opened.messages).to.have.length(2);
    const received = nextEvent(alice, 'message');
    await bob.sendText(await threadTokenOf(bob, PEER_THREAD_ID), 'Hello Alice');
    const { threadId, message } = await received;
    expect(threadId).to.equal(PEER_THREAD_ID);
    expect(message).to.include({ fromUserId: 'bob', type: 'text' });
    expect(message.data).to.deep.equal({ messageText: 'Hello Alice' });
  });

  it('closeThread leaves the thread: its messages stop arriving', async () => {
    const token = await threadTokenOf(alice, PEER_THREAD_ID);
    await alice.openThread(token);
    const other = await alice.createThread(['bob'], text('another thread'));
    await alice.closeThread(token);
    const messages = record(alice, 'message');
    const bobToken = await threadTokenOf(bob, PEER_THREAD_ID);
    await bob.sendText(bobToken, 'not for a closed thread');
    // A message in a thread still open arrives after the first one would have: proof that it did not come.
    const proof = nextEvent(alice, 'message');
    await bob.sendText(other.thread.threadToken, 'still open');
    await proof;
    expect(messages.map((push) => push.threadId)).to.deep.equal([other.thread.threadId]);
  });

  it('sendMessage resolves with the stored message and the refreshed thread', async () => {
    const token = await threadTokenOf(alice, PEER_THREAD_ID);
    const sent = await alice.sendMessage(token, { type: 'sticker', data: { id: 42 } });
    expect(sent.thread.threadId).to.equal(PEER_THREAD_ID);
    expect(sent.messages).to.have.length(1);
    expect(sent.messages[0]).to.include({ fromUserId: 'alice', type: 'sticker' });
    expect(sent.messages[0]?.data).to.deep.equal({ id: 42 });
    const stored = await world.stub.store.listMessages(PEER_THREAD_ID);
    expect(stored.at(-1)?.messageId).to.equal(sent.messages[0]?.messageId);
  });

  it('sendText sends a text message with a fresh clientMessageId each time', async () => {
    const token = await threadTokenOf(alice, PEER_THREAD_ID);
    await alice.sendText(token, 'one');
    await alice.sendText(token, 'two');
    const keys = world.stub.requestsTo('addThreadMessage').map((request) => request.headers['idempotency-key']);
    expect(keys).to.have.length(2);
    expect(keys[0]).to.match(/^[0-9a-f-]{36}$/);
    expect(keys[0]).to.not.equal(keys[1]);
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).slice(-2)).to.deep.equal(['one', 'two']);
  });

  it('sendTyping signals typing to the other members, and nothing reaches the backend', async () => {
    await bob.openThread(await threadTokenOf(bob, PEER_THREAD_ID));
    const typing = nextEvent(bob, 'typing');
    await alice.sendTyping(await threadTokenOf(alice, PEER_THREAD_ID), true);
    expect(await typing).to.deep.equal({ threadId: PEER_THREAD_ID, userId: 'alice', isTyping: true });
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(0);
  });

  describe('errors', () => {
    it('a non-member opening a thread is refused with FORBIDDEN', async () => {
      const carol = await world.connect('carol');
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const error = await rejection(carol.openThread(token));
      expect(error).to.include({ code: 'FORBIDDEN', retryable: false });
      expect(error.message).to.be.a('string').and.not.equal('');
    });

    it('an invalid message is refused with BAD_REQUEST, and is not retried', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const error = await rejection(alice.sendMessage(token, { type: 'text', data: { wrong: true } }));
      expect(error).to.include({ code: 'BAD_REQUEST', retryable: false });
      expect(alice.pendingMessages).to.equal(0);
    });

    it('a message above the size limit is refused with PAYLOAD_TOO_LARGE', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const error = await rejection(alice.sendText(token, 'x'.repeat(70_000)));
      expect(error.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(0);
    });

    it('wrong arguments reject at once with BAD_REQUEST (never a throw, never a crash), and the outbox goes on', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['sendText(undefined)', () => alice.sendText(undefined as never, 'hi')],
        ['sendText(42)', () => alice.sendText(42 as never, 'hi')],
        ['sendMessage(token, undefined)', () => alice.sendMessage(token, undefined as never)],
        ['sendMessage(token, { data })', () => alice.sendMessage(token, { data: 'no type' } as never)],
        ['getThread(123)', () => alice.getThread(123 as never)],
        ['openThread(undefined)', () => alice.openThread(undefined as never)],
        ['closeThread(null)', () => alice.closeThread(null as never)],
        ['sendTyping(undefined, true)', () => alice.sendTyping(undefined as never, true)],
        ["sendTyping(token, 'yes')", () => alice.sendTyping(token, 'yes' as never)],
        ["createThread('bob', message)", () => alice.createThread('bob' as never, text('hi'))],
        ['createThread([bob], undefined)', () => alice.createThread(['bob'], undefined as never)],
      ];
      for (const [name, call] of calls) {
        const error = await rejection(call());
        expect(error, name).to.include({ code: 'BAD_REQUEST', retryable: false });
      }
      expect(alice.pendingMessages).to.equal(0);
      await alice.sendText(token, 'still going');
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
      expect(world.stub.requestsTo('createThread')).to.have.length(0);
    });

    it('a message JSON cannot encode (a BigInt, a cycle) is refused with BAD_REQUEST, without being sent or dropping the connection', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const states = record(alice, 'state');
      const cyclic: { type: string; data: Record<string, unknown> } = { type: 'card', data: {} };
      cyclic.data['self'] = cyclic;
      for (const message of [cyclic, { type: 'card', data: 1n }]) {
        expect(await rejection(alice.sendMessage(token, message))).to.include({ code: 'BAD_REQUEST', retryable: false });
      }
      expect(await rejection(alice.createThread(['bob'], { type: 'card', data: 1n }))).to.include({ code: 'BAD_REQUEST', retryable: false });
      await alice.sendText(token, 'after the refusals');
      expect(states).to.deep.equal([]);
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
    });

    it('a request over maxRequestBytes is refused with PAYLOAD_TOO_LARGE before it is sent: ECB would close the connection, and the message would go again after every reconnection', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const states = record(alice, 'state');
      // over ECB's default ECB_MAX_REQUEST_BYTES (1 MiB), the client's default too
      expect(await rejection(alice.sendText(token, 'x'.repeat(1_100_000)))).to.include({ code: 'PAYLOAD_TOO_LARGE', retryable: false });
      expect(await rejection(alice.createThread(['bob'], text('é'.repeat(600_000))))).to.include({ code: 'PAYLOAD_TOO_LARGE' });
      const strict = await world.connect('alice', { maxRequestBytes: 10_000 });
      expect(await rejection(strict.sendText(token, 'x'.repeat(10_000)))).to.include({ code: 'PAYLOAD_TOO_LARGE' });
      await strict.sendText(token, 'x'.repeat(100));
      expect(states).to.deep.equal([]);
      expect(alice.pendingMessages).to.equal(0);
      expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
      expect(world.stub.requestsTo('createThread')).to.have.length(0);
    });

    it('a page size above 100 is refused with BAD_REQUEST', async () => {
      const error = await rejection(alice.getContacts({ pageSize: 101 }));
      expect(error.code).to.equal('BAD_REQUEST');
    });

    it('a backend error on a read is surfaced with its retryable flag', async () => {
      world.stub.fail('getThreads', { status: 503, times: 2 });
      const error = await rejection(alice.getThreads());
      expect(error).to.include({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    });

    it('typing goes through typing() or sendTyping(), never the outbox', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      const error = await rejection(alice.sendMessage(token, { type: 'typing', data: true }));
      expect(error.code).to.equal('BAD_REQUEST');
    });

    it('an invalid user token is refused at the handshake: ready() rejects with UNAUTHORIZED, and the client stops', async () => {
      const client = world.client({ userToken: 'not-a-token' });
      const stopped = nextEvent(client, 'state', ({ state }) => state === 'disconnected');
      const error = await rejection(client.ready());
      expect(error.code).to.equal('UNAUTHORIZED');
      expect((await stopped).error?.code).to.equal('UNAUTHORIZED');
      expect((await rejection(client.getThreads())).code).to.equal('UNAUTHORIZED');
    });

    it('after close() every call rejects with CLOSED', async () => {
      const token = await threadTokenOf(alice, PEER_THREAD_ID);
      await alice.close();
      expect(alice.state).to.equal('disconnected');
      expect((await rejection(alice.getContacts())).code).to.equal('CLOSED');
      expect((await rejection(alice.sendText(token, 'too late'))).code).to.equal('CLOSED');
    });

    it('a client without any credential is a programming error', () => {
      expect(() => world.client({})).to.throw(EcbClientError, /accessToken/);
    });
  });

  it('a support agent cannot open a customer thread while non-members are blocked', async () => {
    const sam = await world.connect('agent-sam');
    const dana = await world.connect('cust-dana');
    const token = await threadTokenOf(dana, SUPPORT_THREAD_ID);
    expect((await rejection(sam.openThread(token))).code).to.equal('FORBIDDEN');
  });
});
