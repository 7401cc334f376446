import { expect } from 'chai';
import type { EcbClient, MessagePush } from '../../../client/src/index.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import {
  eventually,
  nextEvent,
  record,
  startClientWorld,
  storeDirectly,
  threadTokenOf,
  type ClientWorld,
} from './client-fixture.js';

const textsOf = (pushes: readonly MessagePush[]): string[] =>
  pushes.map(({ message }) => (message.data as { messageText?: string }).messageText ?? '');

describe('ecb-client: recovery after a reconnection', function () {
  this.timeout(30_000);
  let world: ClientWorld;
  let alice: EcbClient;
  let bob: EcbClient;
  let bobToken: string;

  beforeEach(async () => {
    world = await startClientWorld();
    alice = await world.connect('alice');
    bob = await world.connect('bob');
    bobToken = await threadTokenOf(bob, PEER_THREAD_ID);
    await alice.openThread(await threadTokenOf(alice, PEER_THREAD_ID));
  });

  afterEach(async () => {
    await world.close();
  });

  /** Bob's message pushed to alice while connected. */
  const liveMessage = async (messageText: string): Promise<void> => {
    const arrived = nextEvent(alice, 'message', ({ message }) => (message.data as { messageText?: string }).messageText === messageText);
    await bob.sendText(bobToken, messageText);
    await arrived;
  };

  it('delivers what others sent while the client was away, in creationTime order, each once, and re-joins the thread', async () => {
    const messages = record(alice, 'message');
    await liveMessage('before');

    await world.stopEcb();
    await eventually('alice notices', () => alice.state === 'reconnecting');
    for (const messageText of ['missed 1', 'missed 2', 'missed 3']) await storeDirectly(world.stub, 'bob', PEER_THREAD_ID, messageText);
    const recovered = nextEvent(alice, 'recovered', () => true, 10_000);
    await world.startEcb();
    expect((await recovered).threadIds).to.deep.equal([PEER_THREAD_ID]);
    // Delivered before `recovered`.
    expect(messages).to.have.length(4);

    expect(textsOf(messages)).to.deep.equal(['before', 'missed 1', 'missed 2', 'missed 3']);
    const times = messages.map(({ message }) => message.creationTime);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    // Caught up from the latest message seen (less the default 10 s overlap), not from the start.
    const catchUp = world.stub.requestsTo('getThread').at(-1)?.body as { since?: number };
    expect(catchUp.since).to.be.closeTo(messages[0]!.message.creationTime - 10, 1e-6);

    // Re-joined: a new message is pushed again.
    await liveMessage('after');
    expect(textsOf(messages)).to.deep.equal(['before', 'missed 1', 'missed 2', 'missed 3', 'after']);
  });

  it('delivers nothing twice across several reconnections, nor its own messages', async () => {
    const messages = record(alice, 'message');
    await liveMessage('one');
    // Alice's own message is within the catch-up overlap: each catch-up fetches it again.
    await alice.sendText(await threadTokenOf(alice, PEER_THREAD_ID), 'mine');
    for (const round of [1, 2, 3]) {
      // `recovered`: the thread is re-joined, so Bob's next message is pushed, not caught up.
      const back = nextEvent(alice, 'recovered');
      alice['socket'].io.engine.close();
      expect((await back).threadIds).to.deep.equal([PEER_THREAD_ID]);
      await liveMessage(`after drop ${round}`);
    }
    expect(textsOf(messages)).to.deep.equal(['one', 'after drop 1', 'after drop 2', 'after drop 3']);
  });

  it('retries a catch-up answered BACKEND_UNAVAILABLE, and then delivers the missed messages', async () => {
    const messages = record(alice, 'message');
    await world.stopEcb();
    await eventually('alice notices', () => alice.state === 'reconnecting');
    await storeDirectly(world.stub, 'bob', PEER_THREAD_ID, 'missed');
    // ECB retries a read once by itself: four failures make two failed catch-ups.
    world.stub.fail('getThread', { status: 503, times: 4 });
    await world.startEcb();
    await eventually('the missed message arrives', () => messages.length === 1);
    expect(textsOf(messages)).to.deep.equal(['missed']);
    expect(world.stub.requestsTo('getThread').length).to.be.at.least(5);
  });

  it('gives a thread up with `recoveryFailed` when its catch-up is refused for good', async () => {
    await world.stopEcb();
    await eventually('alice notices', () => alice.state === 'reconnecting');
    world.stub.fail('getThread', { status: 404, times: 1 });
    const failed = nextEvent(alice, 'recoveryFailed');
    await world.startEcb();
    const { threadId, error } = await failed;
    expect(threadId).to.equal(PEER_THREAD_ID);
    expect(error.code).to.equal('NOT_FOUND');
    // No longer open: the next reconnection does not try it again.
    const requests = world.stub.requestsTo('getThread').length;
    const back = nextEvent(alice, 'state', ({ state }) => state === 'connected');
    alice['socket'].io.engine.close();
    await back;
    await alice.getContacts();
    expect(world.stub.requestsTo('getThread')).to.have.length(requests);
  });
});
