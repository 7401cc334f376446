import { expect } from 'chai';
import type { EcbClient } from '../../../client/src/index.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { nextEvent, record, startClientWorld, text, threadTokenOf, type ClientWorld } from './client-fixture.js';

describe('ecb-client: events', function () {
  this.timeout(20_000);
  let world: ClientWorld;

  beforeEach(async () => {
    world = await startClientWorld();
  });

  afterEach(async () => {
    await world.close();
  });

  it('`state` goes connecting -> connected -> reconnecting -> connected -> disconnected', async () => {
    const client = world.client({ userToken: await world.userToken('alice') });
    const states = record(client, 'state');
    expect(client.state).to.equal('connecting');
    await client.ready();
    const back = nextEvent(client, 'state', ({ state }) => state === 'connected');
    client['socket'].io.engine.close();
    await back;
    await client.close();
    expect(states.map(({ state }) => state)).to.deep.equal(['connected', 'reconnecting', 'connected', 'disconnected']);
    expect(states.every((change) => change.error === undefined)).to.equal(true);
  });

  it('an access-token handshake emits `session` with the user token, and `tokenRefreshed`', async () => {
    const client = world.client({ accessToken: 'access-bob' });
    const session = nextEvent(client, 'session');
    const refreshed = nextEvent(client, 'tokenRefreshed');
    const user = await client.ready();
    expect(user).to.deep.include({ userId: 'bob', displayName: 'Bob' });
    expect(client.user?.userId).to.equal('bob');
    const { userToken } = await session;
    expect(userToken.split('.')).to.have.length(3);
    expect((await refreshed).userToken).to.equal(userToken);
    expect((await client.getThreads()).items.map((thread) => thread.threadId)).to.include(PEER_THREAD_ID);
  });

  it('an unknown access token is refused for good with UNAUTHORIZED', async () => {
    const client = world.client({ accessToken: 'access-nobody' });
    const stopped = await nextEvent(client, 'state', ({ state }) => state === 'disconnected');
    expect(stopped.error?.code).to.equal('UNAUTHORIZED');
  });

  it('`message`, `typing` and `thread` carry the pushes of an open thread', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    await alice.openThread(await threadTokenOf(alice, PEER_THREAD_ID));
    const bobToken = await threadTokenOf(bob, PEER_THREAD_ID);

    const typing = nextEvent(alice, 'typing');
    await bob.sendTyping(bobToken, true);
    expect(await typing).to.deep.equal({ threadId: PEER_THREAD_ID, userId: 'bob', isTyping: true });

    const message = nextEvent(alice, 'message');
    const thread = nextEvent(alice, 'thread');
    const sent = await bob.sendText(bobToken, 'news');
    expect((await message).message).to.deep.equal(sent.messages[0]);
    expect((await thread).thread.lastMessageTime).to.equal(sent.messages[0]?.creationTime);
  });

  it('the sender\'s other tab receives its message as a `message` event; the sending tab does not', async () => {
    const tab1 = await world.connect('alice');
    const tab2 = await world.connect('alice');
    const token = await threadTokenOf(tab1, PEER_THREAD_ID);
    await tab1.openThread(token);
    await tab2.openThread(token);
    const inTab1 = record(tab1, 'message');
    const threadsInTab1 = record(tab1, 'thread');
    const inTab2 = nextEvent(tab2, 'message');
    const sent = await tab1.sendText(token, 'from tab 1');
    expect((await inTab2).message.messageId).to.equal(sent.messages[0]?.messageId);
    // ECB pushes before it acknowledges: tab1's `thread` push came before the ack, and no `message` with it.
    expect(threadsInTab1).to.have.length(1);
    expect(inTab1).to.deep.equal([]);
  });

  it('on() returns a function that unsubscribes the handler', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    await alice.openThread(await threadTokenOf(alice, PEER_THREAD_ID));
    const received: string[] = [];
    const off = alice.on('message', ({ message }) => received.push(message.messageId));
    const bobToken = await threadTokenOf(bob, PEER_THREAD_ID);
    const first = nextEvent(alice, 'message');
    await bob.sendText(bobToken, 'first');
    await first;
    off();
    const proof = nextEvent(alice, 'message');
    await bob.sendText(bobToken, 'second');
    await proof;
    expect(received).to.have.length(1);
  });

  it('a handler that throws does not keep the other handlers from the event', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    await alice.openThread(await threadTokenOf(alice, PEER_THREAD_ID));
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      thrown.push(error);
    };
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      alice.on('message', () => {
        throw new Error('handler bug');
      });
      const second = nextEvent(alice, 'message');
      await bob.sendText(await threadTokenOf(bob, PEER_THREAD_ID), 'hello');
      await second;
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const handler of mochaHandlers) process.on('uncaughtException', handler);
    }
    expect(thrown.map((error) => (error as Error).message)).to.deep.equal(['handler bug']);
  });

  it('a thread created by another member arrives as `thread`, and createThread opens the new thread for its creator', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const pushed = nextEvent(bob, 'thread');
    const created = await alice.createThread(['bob'], text('new thread'));
    const { thread } = await pushed;
    expect(thread.threadId).to.equal(created.thread.threadId);
    await bob.openThread(thread.threadToken);
    const reply = nextEvent(alice, 'message');
    await bob.sendText(thread.threadToken, 'reply');
    expect((await reply).threadId).to.equal(created.thread.threadId);
  });
});
