import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { requestOk, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';
import { expectRestError, restClient } from './rest-client.js';

/** Every route of the REST mirror (ECB-SPEC §4), end to end, with its pushes. */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
type Message = { messageId: string; creationTime: number; fromUserId: string; data: unknown };
type ThreadAndMessages = { thread: { threadId: string; threadToken: string; lastMessageTime: number }; messages: Message[] };

describe('REST mirror: routes', () => {
  let world: EcbWorld;
  let api: ReturnType<typeof restClient>;
  let token: string;
  let threadToken: string;

  beforeEach(async () => {
    world = await startEcbWorld();
    api = restClient(world.ecb.url);
    token = await world.userToken('alice');
    threadToken = await world.threadToken(PEER_THREAD_ID);
  });
  afterEach(async () => world.close());

  describe('POST /api/v1/user-token', () => {
    it('exchanges an access token, without Authorization, for { userToken, user }', async () => {
      const answer = await api.post('/api/v1/user-token', { accessToken: 'access-carol' });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.have.keys(['userToken', 'user']);
      expect(answer.body.user).to.deep.equal({ userId: 'carol', displayName: 'Carol' });
      expect(decodeJwt(answer.body.userToken)).to.include({ userId: 'carol' });
      expect(world.stub.requestsTo('getUserToken')[0]?.headers).not.to.have.property('authorization');
    });

    it('refuses an unknown access token with 401 UNAUTHORIZED', async () => {
      expectRestError(await api.post('/api/v1/user-token', { accessToken: 'access-nobody' }), 'UNAUTHORIZED', ['access-nobody']);
    });

    it('refuses a body without accessToken with 400 BAD_REQUEST', async () => {
      expectRestError(await api.post('/api/v1/user-token', { token: 'access-alice' }), 'BAD_REQUEST');
      expect(world.stub.requests).to.deep.equal([]);
    });
  });

  describe('GET /api/v1/contacts and /api/v1/threads', () => {
    it('answers pagedContacts with the defaults, forwarding the user of the token', async () => {
      const answer = await api.get('/api/v1/contacts', { token });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ pageStartIndex: 0, pageSize: 3, previousPage: null, nextPage: null });
      expect(answer.body.items.map((u: { userId: string }) => u.userId).sort()).to.deep.equal(['agent-sam', 'bob', 'carol']);
      const call = world.stub.requestsTo('getContacts')[0];
      expect(call?.body).to.deep.equal({ user: { userId: 'alice', displayName: 'Alice' }, pageStartIndex: 0, pageSize: 20 });
      expect(call?.headers['authorization']).to.equal(`Bearer ${token}`);
    });

    it('pages by the query string', async () => {
      const all = (await api.get('/api/v1/contacts', { token })).body.items;
      const answer = await api.get('/api/v1/contacts?pageStartIndex=1&pageSize=1', { token });
      expect(answer.body).to.deep.equal({
        pageStartIndex: 1,
        pageSize: 1,
        items: [all[1]],
        previousPage: { pageStartIndex: 0, pageSize: 1 },
        nextPage: { pageStartIndex: 2, pageSize: 1 },
      });
    });

    it("reads an empty paging value (the spec's own `?pageStartIndex=&pageSize=`) as absent: the defaults, 0 and 20", async () => {
      const plain = await api.get('/api/v1/contacts', { token });
      const empty = await api.get('/api/v1/contacts?pageStartIndex=&pageSize=', { token });
      expect(empty.status).to.equal(200);
      expect(empty.body).to.deep.equal(plain.body);
      expect((await api.get('/api/v1/threads?pageSize=', { token })).status).to.equal(200);
    });

    for (const query of ['pageSize=ten', 'pageStartIndex=1.5', 'pageSize=%20', 'pageSize=101', 'pageSize=0', 'pageStartIndex=-1', 'pageSize=1e1']) {
      it(`refuses ?${query} with 400 BAD_REQUEST, without calling the backend`, async () => {
        expectRestError(await api.get(`/api/v1/contacts?${query}`, { token }), 'BAD_REQUEST');
        expectRestError(await api.get(`/api/v1/threads?${query}`, { token }), 'BAD_REQUEST');
        expect(world.stub.requests).to.deep.equal([]);
      });
    }

    it('answers pagedThreads', async () => {
      const answer = await api.get('/api/v1/threads?pageSize=5', { token });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.include({ pageStartIndex: 0, pageSize: 1, previousPage: null, nextPage: null });
      expect(answer.body.items[0].threadId).to.equal(PEER_THREAD_ID);
    });
  });

  describe('POST /api/v1/threads', () => {
    it('creates the thread, answers threadAndMessages, and pushes `thread` to the members\' sockets', async () => {
      const bob = await world.connect('bob');
      const pushed = waitFor<{ thread: { threadId: string } }>(bob, 'thread');

      const answer = await api.post<ThreadAndMessages>(
        '/api/v1/threads',
        { memberIds: ['bob'], message: text('via REST'), clientMessageId: 'rest-create-1' },
        { token },
      );

      expect(answer.status).to.equal(200);
      expect(answer.body.messages[0]).to.deep.include({ fromUserId: 'alice', data: { messageText: 'via REST' } });
      expect((await pushed).thread.threadId).to.equal(answer.body.thread.threadId);
      expect(world.stub.requestsTo('createThread')[0]?.headers['idempotency-key']).to.equal('rest-create-1');
    });
  });

  describe('GET /api/v1/threads/:threadId', () => {
    it('answers threadAndMessages with the X-Thread-Token header', async () => {
      const answer = await api.get<ThreadAndMessages>(`/api/v1/threads/${PEER_THREAD_ID}`, { token, threadToken });
      expect(answer.status).to.equal(200);
      expect(answer.body.thread.threadId).to.equal(PEER_THREAD_ID);
      expect(answer.body.messages.map((m) => m.messageId)).to.deep.equal(['seed-message-1', 'seed-message-2']);
    });

    it('with ?since=, answers only the strictly later messages', async () => {
      const [first, second] = (await api.get<ThreadAndMessages>(`/api/v1/threads/${PEER_THREAD_ID}`, { token, threadToken })).body.messages;
      const answer = await api.get<ThreadAndMessages>(`/api/v1/threads/${PEER_THREAD_ID}?since=${first!.creationTime}`, { token, threadToken });
      expect(answer.body.messages).to.deep.equal([second]);
    });

    it('refuses a since that is not a number with 400 BAD_REQUEST', async () => {
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}?since=yesterday`, { token, threadToken }), 'BAD_REQUEST');
    });

    it('refuses a request without X-Thread-Token with 400 BAD_REQUEST, without calling the backend', async () => {
      // the spec names no code for a missing header; ECB answers it as bad input
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token }), 'BAD_REQUEST');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('refuses a path threadId that is not the token\'s thread with 403 FORBIDDEN, without calling the backend', async () => {
      const otherToken = await world.stub.tokens.signThreadToken({ threadId: 'thread-other', memberIds: ['alice'] });
      expectRestError(await api.get(`/api/v1/threads/thread-other`, { token, threadToken }), 'FORBIDDEN', [token, threadToken]);
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token, threadToken: otherToken }), 'FORBIDDEN');
      expect(world.stub.requests).to.deep.equal([]);
    });
  });

  describe('POST /api/v1/threads/:threadId/messages', () => {
    it('stores the message and pushes `message` to EVERY socket in the room, the sender\'s own included', async () => {
      const [aliceTab, bob] = [await world.connect('alice'), await world.connect('bob')];
      for (const socket of [aliceTab, bob]) await requestOk(socket, 'getThread', { threadToken });
      const toAlice = waitFor<{ threadId: string; message: Message }>(aliceTab, 'message');
      const toBob = waitFor<{ threadId: string; message: Message }>(bob, 'message');
      const threadToBob = waitFor<{ thread: { threadId: string } }>(bob, 'thread');

      const answer = await api.post<ThreadAndMessages>(
        `/api/v1/threads/${PEER_THREAD_ID}/messages`,
        { message: text('from REST'), clientMessageId: 'rest-send-1' },
        { token, threadToken },
      );

      expect(answer.status).to.equal(200);
      expect(answer.body.messages).to.have.length(1);
      const expected = { threadId: PEER_THREAD_ID, message: answer.body.messages[0] };
      expect(await toAlice).to.deep.equal(expected);
      expect(await toBob).to.deep.equal(expected);
      expect((await threadToBob).thread.threadId).to.equal(PEER_THREAD_ID);
      expect(world.stub.requestsTo('addThreadMessage')[0]?.headers['idempotency-key']).to.equal('rest-send-1');
      const stored = await world.stub.store.listMessages(PEER_THREAD_ID);
      expect(stored.filter((m) => m.messageId === answer.body.messages[0]!.messageId)).to.have.length(1);
    });

    it('answers typing with {} and pushes `typing` to every socket in the room, never calling the backend', async () => {
      const [aliceTab, bob] = [await world.connect('alice'), await world.connect('bob')];
      for (const socket of [aliceTab, bob]) await requestOk(socket, 'getThread', { threadToken });
      world.stub.reset();
      const toAlice = waitFor(aliceTab, 'typing');
      const toBob = waitFor(bob, 'typing');

      const answer = await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: { type: 'typing', data: true } }, { token, threadToken });

      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({});
      const expected = { threadId: PEER_THREAD_ID, userId: 'alice', isTyping: true };
      expect(await toAlice).to.deep.equal(expected);
      expect(await toBob).to.deep.equal(expected);
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('refuses a path threadId that is not the token\'s thread with 403 FORBIDDEN, storing nothing', async () => {
      expectRestError(await api.post(`/api/v1/threads/thread-other/messages`, { message: text('x') }, { token, threadToken }), 'FORBIDDEN');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('refuses a non-member with 403 FORBIDDEN (block non-members on)', async () => {
      const carolToken = await world.userToken('carol');
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: text('x') }, { token: carolToken, threadToken }), 'FORBIDDEN');
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token: carolToken, threadToken }), 'FORBIDDEN');
      expect(world.stub.requests).to.deep.equal([]);
    });
  });
});
