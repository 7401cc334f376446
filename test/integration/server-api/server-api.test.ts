import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { collect, requestOk, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';
import { newKeys, serverToken, signToken, threadToken as signThreadToken, userToken } from '../../support/keys.js';
import { expectRestError, restClient } from '../rest/rest-client.js';

/**
 * The backend's door (ECB-SPEC §5): a short-lived server token only; a push
 * of a message the backend stored by itself; and revocation, which closes
 * every socket of one user.
 */

type Message = { messageId: string; fromUserId: string; creationTime: number; type: string; data: unknown };
type Thread = { threadId: string; threadToken: string; members: Array<{ userId: string }>; lastMessageTime: number };

const storedMessage = (overrides: Partial<Message> = {}): Message => ({
  messageId: 'bot-message-1',
  fromUserId: 'bot',
  creationTime: Date.now() / 1000,
  type: 'text',
  data: { messageText: 'Your order has shipped' },
  ...overrides,
});

describe('server API', () => {
  let world: EcbWorld;
  let api: ReturnType<typeof restClient>;
  const pushPath = `/api/v1/server/threads/${PEER_THREAD_ID}/messages`;

  beforeEach(async () => {
    world = await startEcbWorld();
    api = restClient(world.ecb.url);
  });
  afterEach(async () => world.close());

  describe('authentication: a server token and nothing else', () => {
    const now = (): number => Math.floor(Date.now() / 1000);
    const refused: Array<[string, () => Promise<string | undefined>]> = [
      ['no token', async () => undefined],
      ['a user token', () => userToken('alice', 'Alice')],
      ['a thread token', () => signThreadToken(PEER_THREAD_ID, ['alice', 'bob'])],
      ['an expired server token', () => serverToken({ expiresIn: -3600 })],
      ['a server token that lives 10 minutes', () => serverToken({ expiresIn: 600 })],
      ['a server token without exp', () => serverToken({ expiresIn: null })],
      ['a server token signed by another key', async () => serverToken({ keys: await newKeys() })],
      ['a server token not valid before an hour from now', () => serverToken({ notBefore: now() + 3600 })],
      ['a token with role "server" and a userId', () => signToken({ role: 'server', userId: 'alice' }, { expiresIn: 60 })],
      ['a token with role "admin"', () => signToken({ role: 'admin' }, { expiresIn: 60 })],
    ];
    for (const [name, token] of refused) {
      it(`refuses ${name} with 401 UNAUTHORIZED, pushing and disconnecting nothing`, async () => {
        const alice = await world.connect('alice');
        await requestOk(alice, 'getThread', { threadToken: await world.threadToken(PEER_THREAD_ID) });
        const messages = collect(alice, 'message');
        const credential = await token();
        const credentials = credential === undefined ? {} : { token: credential };

        expectRestError(await api.post(pushPath, { message: storedMessage() }, credentials), 'UNAUTHORIZED', credential === undefined ? [] : [credential]);
        expectRestError(await api.send('DELETE', '/api/v1/server/users/alice/connections', undefined, credentials), 'UNAUTHORIZED');

        await requestOk(alice, 'getContacts', {}); // still connected, and anything pushed would have arrived first
        expect(alice.connected).to.equal(true);
        expect(messages).to.deep.equal([]);
      });
    }

    it('accepts a server token that lives 5 minutes, the most allowed', async () => {
      const answer = await api.post(pushPath, { message: storedMessage() }, { token: await serverToken({ expiresIn: 300 }) });
      expect(answer.status).to.equal(204);
    });
  });

  describe('POST /api/v1/server/threads/:threadId/messages', () => {
    it('answers 204 and pushes `message` to every socket in the thread room, and only there', async () => {
      const [aliceTab1, aliceTab2, bob] = [await world.connect('alice'), await world.connect('alice'), await world.connect('bob')];
      const threadToken = await world.threadToken(PEER_THREAD_ID);
      for (const socket of [aliceTab1, aliceTab2, bob]) await requestOk(socket, 'getThread', { threadToken });
      const carol = await world.connect('carol');
      const carolMessages = collect(carol, 'message');
      const bobThreads = collect(bob, 'thread');
      const received = [aliceTab1, aliceTab2, bob].map((socket) => waitFor<{ threadId: string; message: Message }>(socket, 'message'));
      const message = storedMessage();

      const answer = await api.post(pushPath, { message }, { token: await serverToken() });

      expect(answer.status).to.equal(204);
      expect(answer.text).to.equal('');
      for (const push of await Promise.all(received)) expect(push).to.deep.equal({ threadId: PEER_THREAD_ID, message });
      expect(world.stub.requests.filter((r) => r.operation !== 'getThread')).to.deep.equal([]); // ECB stores nothing
      // without `thread`, no thread push: a later message on bob's connection comes after it would have
      const next = waitFor(bob, 'message');
      await api.post(pushPath, { message: storedMessage({ messageId: 'bot-message-2' }) }, { token: await serverToken() });
      await next;
      expect(bobThreads).to.deep.equal([]);
      // carol never joined: a thread push to her comes after the messages would have
      const carolThread = waitFor(carol, 'thread');
      await requestOk(aliceTab1, 'createThread', { memberIds: ['carol'], message: { type: 'text', data: { messageText: 'hi' } } });
      await carolThread;
      expect(carolMessages).to.deep.equal([]);
    });

    it('with `thread`, also pushes `thread` to every member\'s personal room', async () => {
      const alice = await world.connect('alice');
      const bobTabs = [await world.connect('bob'), await world.connect('bob')];
      const alicesView = await requestOk<{ thread: Thread }>(alice, 'getThread', { threadToken: await world.threadToken(PEER_THREAD_ID) });
      const message = storedMessage();
      const thread = { ...alicesView.thread, lastMessageTime: message.creationTime };
      const pushed = bobTabs.map((socket) => waitFor<{ thread: Thread }>(socket, 'thread'));
      const toAlice = waitFor<{ thread: Thread }>(alice, 'thread');

      const answer = await api.post(pushPath, { message, thread }, { token: await serverToken() });

      expect(answer.status).to.equal(204);
      for (const push of await Promise.all([...pushed, toAlice])) expect(push).to.deep.equal({ thread });
    });

    const invalid: Array<[string, unknown]> = [
      ['no message', {}],
      ['a message without messageId', { message: { fromUserId: 'bot', creationTime: 1, type: 'text', data: {} } }],
      ['a thread that is not a thread', { message: storedMessage(), thread: { threadId: 7 } }],
      ['a thread of another threadId than the path', { message: storedMessage(), thread: { threadId: 'thread-other', threadToken: 'x', members: [{ userId: 'alice' }], lastMessageTime: 1 } }],
      ['a body that is an array', [storedMessage()]],
    ];
    for (const [name, body] of invalid) {
      it(`refuses ${name} with 400 BAD_REQUEST`, async () => {
        expectRestError(await api.post(pushPath, body, { token: await serverToken() }), 'BAD_REQUEST');
      });
    }
  });

  describe('DELETE /api/v1/server/users/:userId/connections', () => {
    it('answers 204 and disconnects every socket of that user, and no other user\'s', async () => {
      const aliceSockets = [
        await world.connect('alice'),
        await world.connect('alice', { transports: ['polling'] }),
        await world.connect('alice'),
      ];
      const bob = await world.connect('bob');
      const reasons = aliceSockets.map((socket) => waitFor<string>(socket, 'disconnect'));

      const answer = await api.send('DELETE', '/api/v1/server/users/alice/connections', undefined, { token: await serverToken() });

      expect(answer.status).to.equal(204);
      expect(await Promise.all(reasons)).to.deep.equal(['io server disconnect', 'io server disconnect', 'io server disconnect']);
      expect(aliceSockets.map((socket: ClientSocket) => socket.connected)).to.deep.equal([false, false, false]);
      expect(bob.connected).to.equal(true);
      await requestOk(bob, 'getContacts', {});
    });

    it('answers 204 for a user with no connection', async () => {
      const answer = await api.send('DELETE', '/api/v1/server/users/nobody/connections', undefined, { token: await serverToken() });
      expect(answer.status).to.equal(204);
    });

    it('lets the user connect again afterwards (revocation is of connections, not of tokens)', async () => {
      await world.connect('alice');
      await api.send('DELETE', '/api/v1/server/users/alice/connections', undefined, { token: await serverToken() });
      const again = await world.connect('alice');
      await requestOk(again, 'getContacts', {});
    });
  });
});
