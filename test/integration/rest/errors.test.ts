import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { newKeys, threadToken as signThreadToken, userToken } from '../../support/keys.js';
import { expectRestError, restClient } from './rest-client.js';

/**
 * The REST error form (ECB-SPEC §4): the status of each code, and the body
 * `{ error: { code, message, retryable } }` in JSON, for every way to fail.
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

describe('REST mirror: errors', () => {
  let world: EcbWorld;
  let api: ReturnType<typeof restClient>;
  let token: string;
  let threadToken: string;

  const start = async (config: Parameters<typeof startEcbWorld>[0] = {}): Promise<void> => {
    world = await startEcbWorld(config);
    api = restClient(world.ecb.url);
    token = await world.userToken('alice');
    threadToken = await world.threadToken(PEER_THREAD_ID);
  };
  afterEach(async () => world.close());

  describe('with the defaults', () => {
    beforeEach(async () => start());

    it('400 BAD_REQUEST: a body that is not what the route takes', async () => {
      expectRestError(await api.post('/api/v1/threads', { memberIds: 'bob' }, { token }), 'BAD_REQUEST', [token]);
      expectRestError(await api.post('/api/v1/threads', [1, 2], { token }), 'BAD_REQUEST');
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, 'hello', { token, threadToken }), 'BAD_REQUEST');
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: { type: 'text' } }, { token, threadToken }), 'BAD_REQUEST');
      // a clientMessageId travels as the Idempotency-Key header: visible ASCII only, or no backend call could carry it
      const hi = { type: 'text', data: { messageText: 'hi' } };
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: hi, clientMessageId: '消息-1' }, { token, threadToken }), 'BAD_REQUEST');
      expectRestError(await api.post('/api/v1/threads', { memberIds: ['bob'], message: hi, clientMessageId: 'é' }, { token }), 'BAD_REQUEST');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('400 BAD_REQUEST, not 500: message data nested deeper than ECB_MAX_MESSAGE_DEPTH (20 KB, deep enough to overflow a recursive serializer)', async () => {
      // written by hand: JSON.stringify itself overflows the stack on it
      const message = `{"type":"custom","data":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
      expectRestError(await api.send('POST', `/api/v1/threads/${PEER_THREAD_ID}/messages`, `{"message":${message}}`, { token, threadToken }), 'BAD_REQUEST');
      expectRestError(await api.send('POST', '/api/v1/threads', `{"memberIds":["bob"],"message":${message}}`, { token }), 'BAD_REQUEST');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('400 BAD_REQUEST in JSON: a malformed JSON body', async () => {
      expectRestError(await api.send('POST', '/api/v1/threads', '{"memberIds": ["bob"], "message": ', { token }), 'BAD_REQUEST');
      expectRestError(await api.send('POST', '/api/v1/user-token', '{accessToken: access-alice}'), 'BAD_REQUEST');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('400 BAD_REQUEST in JSON, not 500: a body that does not decompress as its Content-Encoding says, or in a coding ECB does not decode', async () => {
      const body = JSON.stringify({ memberIds: ['bob'], message: text('hi') });
      const cases: Array<[string, string | Buffer]> = [
        ['gzip', body], // not compressed at all
        ['deflate', body],
        ['br', body],
        ['gzip', gzipSync(body).subarray(0, 12)], // cut short
        ['zstd', body], // a coding ECB does not decode
      ];
      for (const [coding, raw] of cases) {
        const answer = await api.send('POST', '/api/v1/threads', raw, { token, headers: { 'content-encoding': coding } });
        expectRestError(answer, 'BAD_REQUEST', [token]);
        expect(answer.body.error.message, coding).to.not.include('JSON');
      }
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('a compressed request body is read (gzip, deflate, br)', async () => {
      const body = JSON.stringify({ memberIds: ['bob'], message: text('compressed') });
      for (const [coding, raw] of [['gzip', gzipSync(body)], ['deflate', deflateSync(body)], ['br', brotliCompressSync(body)]] as const) {
        const answer = await api.send('POST', '/api/v1/threads', raw, { token, headers: { 'content-encoding': coding } });
        expect(answer.status, answer.text).to.equal(200);
        expect(answer.body.messages.at(-1).data).to.deep.equal({ messageText: 'compressed' });
      }
      expect(world.stub.requests.map((request) => request.operation)).to.deep.equal(['createThread', 'createThread', 'createThread']);
    });

    it('401 UNAUTHORIZED: no Authorization, another scheme, an empty or a forged bearer', async () => {
      const forged = await userToken('alice', 'Alice', { keys: await newKeys() });
      const variants: Array<Record<string, string>> = [{}, { authorization: `Basic ${token}` }, { authorization: 'Bearer' }, { authorization: `Bearer ${forged}` }];
      for (const headers of variants) {
        expectRestError(await api.get('/api/v1/contacts', { headers }), 'UNAUTHORIZED', [token, forged]);
      }
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('401 UNAUTHORIZED: the backend refuses the user token', async () => {
      world.stub.fail('getThreads', { status: 401 });
      expectRestError(await api.get('/api/v1/threads', { token }), 'UNAUTHORIZED', [token]);
    });

    it('401 TOKEN_EXPIRED: an expired user token', async () => {
      const expired = await userToken('alice', 'Alice', { expiresIn: -3600 });
      expectRestError(await api.get('/api/v1/contacts', { token: expired }), 'TOKEN_EXPIRED', [expired]);
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token: expired, threadToken }), 'TOKEN_EXPIRED');
    });

    it('403 FORBIDDEN: an invalid, foreign-key or expired thread token, or a user token as thread token', async () => {
      const bad = [
        'garbage',
        await signThreadToken(PEER_THREAD_ID, ['alice', 'bob'], { keys: await newKeys() }),
        await signThreadToken(PEER_THREAD_ID, ['alice', 'bob'], { expiresIn: -3600 }),
        token,
      ];
      for (const candidate of bad) {
        expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token, threadToken: candidate }), 'FORBIDDEN', [candidate]);
        expectRestError(
          await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: text('x') }, { token, threadToken: candidate }),
          'FORBIDDEN',
          [candidate],
        );
      }
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('404 NOT_FOUND: a thread the backend does not know', async () => {
      const unknown = await world.stub.tokens.signThreadToken({ threadId: 'thread-gone', memberIds: ['alice'] });
      expectRestError(await api.get('/api/v1/threads/thread-gone', { token, threadToken: unknown }), 'NOT_FOUND', [unknown]);
      expect(world.stub.requestsTo('getThread')).to.have.length(1);
    });

    it('404 NOT_FOUND in JSON: an unknown route, inside and outside /api/v1', async () => {
      for (const path of ['/api/v1/nothing-here', '/api/v2/contacts', '/no/such/page']) {
        expectRestError(await api.get(path, { token }), 'NOT_FOUND', [token]);
      }
    });

    it('405 on a known path with a method it does not serve: an Allow header and the error body in JSON (code BAD_REQUEST)', async () => {
      const answer = await api.send('DELETE', '/api/v1/threads', undefined, { token });
      expect(answer.status).to.equal(405);
      expect(answer.headers['allow']?.split(/,\s*/)).to.include.members(['GET', 'POST']);
      expect(answer.headers['content-type']).to.match(/^application\/json/);
      expect(answer.body.error).to.include({ code: 'BAD_REQUEST', retryable: false });
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('429 RATE_LIMITED, retryable', async () => {
      world.stub.fail('createThread', { status: 429 });
      expectRestError(await api.post('/api/v1/threads', { memberIds: ['bob'], message: text('hi') }, { token }), 'RATE_LIMITED');
    });

    it('502 BACKEND_ERROR: a 2xx that does not match the contract, or HTML', async () => {
      world.stub.respond('getContacts', { contacts: 'none' });
      expectRestError(await api.get('/api/v1/contacts', { token }), 'BACKEND_ERROR');
      world.stub.fail('getThreads', { status: 200, body: '<!doctype html><p>Maintenance</p>', contentType: 'text/html' });
      expectRestError(await api.get('/api/v1/threads', { token }), 'BACKEND_ERROR');
      world.stub.respond('getUserToken', { userToken: 'not-a-jwt' });
      expectRestError(await api.post('/api/v1/user-token', { accessToken: 'access-alice' }), 'BACKEND_ERROR');
    });

    it('503 BACKEND_UNAVAILABLE, retryable: the backend fails', async () => {
      world.stub.fail('addThreadMessage', { status: 503 });
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: text('x') }, { token, threadToken }), 'BACKEND_UNAVAILABLE');
      world.stub.fail('getThread', { status: 500, times: 2 });
      expectRestError(await api.get(`/api/v1/threads/${PEER_THREAD_ID}`, { token, threadToken }), 'BACKEND_UNAVAILABLE');
    });
  });

  describe('with small limits', () => {
    beforeEach(async () => start({ maxMessageBytes: 100, maxRequestBytes: 2_048, backendTimeoutMs: 300 }));

    it('413 PAYLOAD_TOO_LARGE: a message over ECB_MAX_MESSAGE_BYTES, never forwarded', async () => {
      const big = text('x'.repeat(200));
      expectRestError(await api.post(`/api/v1/threads/${PEER_THREAD_ID}/messages`, { message: big }, { token, threadToken }), 'PAYLOAD_TOO_LARGE');
      expectRestError(await api.post('/api/v1/threads', { memberIds: ['bob'], message: big }, { token }), 'PAYLOAD_TOO_LARGE');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('413 PAYLOAD_TOO_LARGE in JSON: a request body over the request limit', async () => {
      const body = JSON.stringify({ memberIds: ['bob'], message: text('x'.repeat(4_000)) });
      expectRestError(await api.send('POST', '/api/v1/threads', body, { token }), 'PAYLOAD_TOO_LARGE', [token]);
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('413 PAYLOAD_TOO_LARGE in JSON: a compressed body that inflates past the request limit', async () => {
      const body = JSON.stringify({ memberIds: ['bob'], message: text('x'.repeat(4_000)) });
      const compressed = gzipSync(body);
      expect(compressed.length).to.be.below(2_048);
      expectRestError(await api.send('POST', '/api/v1/threads', compressed, { token, headers: { 'content-encoding': 'gzip' } }), 'PAYLOAD_TOO_LARGE');
      expect(world.stub.requests).to.deep.equal([]);
    });

    it('503 BACKEND_UNAVAILABLE: a backend slower than the timeout', async () => {
      world.stub.delay('getContacts', 2_000);
      expectRestError(await api.get('/api/v1/contacts', { token }), 'BACKEND_UNAVAILABLE');
    });
  });
});
