import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { BackendTokens, ServerApiClient } from '../../../backend-kit/index.js';
import { requestOk, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';
import { newKeys, testKeys } from '../../support/keys.js';

/** The kit's server API client against a real ECB, with real sockets receiving what it pushes. */
describe('backend kit: ServerApiClient against a real ECB', () => {
  let world: EcbWorld;
  let client: ServerApiClient;

  beforeEach(async () => {
    world = await startEcbWorld();
    const keys = await testKeys();
    client = new ServerApiClient({ ecbUrl: world.ecb.url, tokens: new BackendTokens({ privateKey: keys.privateKey }) });
  });
  afterEach(async () => world.close());

  const stored = {
    messageId: 'kit-bot-1',
    fromUserId: 'bob',
    creationTime: Date.now() / 1000,
    type: 'text',
    data: { messageText: 'Pushed by the backend' },
  };

  it('pushMessage: a socket in the thread room receives the message', async () => {
    const alice = await world.connect('alice');
    await requestOk(alice, 'getThread', { threadToken: await world.threadToken(PEER_THREAD_ID) });
    const received = waitFor<{ threadId: string; message: unknown }>(alice, 'message');
    expect(await client.pushMessage(PEER_THREAD_ID, stored)).to.deep.equal({ ok: true });
    expect(await received).to.deep.equal({ threadId: PEER_THREAD_ID, message: stored });
  });

  it('pushMessage with the thread: members receive the thread in their personal room', async () => {
    const bob = await world.connect('bob');
    const thread = {
      threadId: PEER_THREAD_ID,
      threadToken: await world.threadToken(PEER_THREAD_ID),
      members: [{ userId: 'alice', displayName: 'Alice' }, { userId: 'bob', displayName: 'Bob' }],
      lastMessageTime: stored.creationTime,
    };
    const received = waitFor<{ thread: unknown }>(bob, 'thread');
    expect(await client.pushMessage(PEER_THREAD_ID, stored, thread)).to.deep.equal({ ok: true });
    expect(await received).to.deep.equal({ thread });
  });

  it('disconnectUser: every socket of the user is disconnected, others stay', async () => {
    const [aliceTab1, aliceTab2, bob] = [await world.connect('alice'), await world.connect('alice'), await world.connect('bob')];
    const gone = Promise.all([waitFor(aliceTab1, 'disconnect'), waitFor(aliceTab2, 'disconnect')]);
    expect(await client.disconnectUser('alice')).to.deep.equal({ ok: true });
    await gone;
    expect(aliceTab1.connected || aliceTab2.connected).to.equal(false);
    await requestOk(bob, 'getContacts', {});
    expect(bob.connected).to.equal(true);
  });

  it('answers ECB refusals as values: a server token from another key is 401 UNAUTHORIZED', async () => {
    const other = await newKeys();
    const stranger = new ServerApiClient({ ecbUrl: world.ecb.url, tokens: new BackendTokens({ privateKey: other.privateKey }) });
    const result = await stranger.pushMessage(PEER_THREAD_ID, stored);
    expect(result).to.deep.include({ ok: false, status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers an unreachable ECB as a value, without throwing', async () => {
    const keys = await testKeys();
    const nowhere = new ServerApiClient({ ecbUrl: 'http://127.0.0.1:1', tokens: new BackendTokens({ privateKey: keys.privateKey }) });
    expect(await nowhere.disconnectUser('alice')).to.deep.include({ ok: false, code: 'UNREACHABLE' });
  });
});
