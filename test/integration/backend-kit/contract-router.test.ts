import { expect } from 'chai';
import { BackendTokens, ContractError, type ContractHandlers, type ContractErrorCode, type TokenUser } from '../../../backend-kit/index.js';
import { httpRequest, type HttpAnswer } from '../../support/ecb-harness.js';
import { signToken, testKeys, userToken } from '../../support/keys.js';
import { startKoaKitBackend, type RunningKoa } from './tiny-backend.js';

/**
 * The kit's Koa router over real HTTP, fed by handlers a test scripts:
 * every check it makes before a handler runs, every status mapping, and
 * idempotent writes.
 */
type Calls = Array<{ operation: string; user?: TokenUser; request: unknown }>;

const scripted = (calls: Calls, behaviour: { answer?: () => Promise<unknown> } = {}): ContractHandlers<TokenUser> => {
  const run = (operation: string, user: TokenUser | undefined, request: unknown) => {
    calls.push({ operation, ...(user === undefined ? {} : { user }), request });
    return behaviour.answer?.() ?? Promise.resolve({ operation, n: calls.length });
  };
  return {
    getUserToken: async (accessToken) => (await run('getUserToken', undefined, accessToken)) as { userToken: string },
    getContacts: (user, paging) => run('getContacts', user, paging),
    getThreads: (user, paging) => run('getThreads', user, paging),
    createThread: (user, request) => run('createThread', user, request),
    getThread: (user, request) => run('getThread', user, request),
    addThreadMessage: (user, request) => run('addThreadMessage', user, request),
  };
};

const message = { type: 'text', data: { messageText: 'hi' } };

describe('backend kit: contract router (Koa, real HTTP)', () => {
  let backend: RunningKoa | undefined;
  let calls: Calls;
  let aliceAuth: Record<string, string>;
  const alice = { userId: 'alice', displayName: 'Alice' };

  const start = async (behaviour: { answer?: () => Promise<unknown> } = {}, options: { apiKey?: string; onError?: (e: unknown) => void } = {}) => {
    calls = [];
    backend = await startKoaKitBackend(scripted(calls, behaviour), options);
    return backend;
  };
  const post = (operation: string, json: unknown, headers: Record<string, string> = aliceAuth): Promise<HttpAnswer> =>
    httpRequest(`${backend!.url}/${operation}`, { method: 'POST', json, headers });

  before(async () => {
    aliceAuth = { authorization: `Bearer ${await userToken('alice', 'Alice')}` };
  });
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('runs each operation with the proven user and the decoded request, answering 200 with the handler result', async () => {
    await start();
    expect((await post('getUserToken', { accessToken: 'a-1' }, {})).body).to.deep.equal({ operation: 'getUserToken', n: 1 });
    expect((await post('getContacts', { user: alice, pageStartIndex: 2, pageSize: 5 })).status).to.equal(200);
    await post('getThreads', { user: alice, pageStartIndex: 0, pageSize: 10 });
    await post('createThread', { user: alice, memberIds: ['bob'], message });
    await post('getThread', { user: alice, threadId: 't-1', since: 12.5 });
    const added = await post('addThreadMessage', { user: alice, threadId: 't-1', message, extra: 'ignored' });
    expect(added.status).to.equal(200);
    expect(calls).to.deep.equal([
      { operation: 'getUserToken', request: 'a-1' },
      { operation: 'getContacts', user: alice, request: { pageStartIndex: 2, pageSize: 5 } },
      { operation: 'getThreads', user: alice, request: { pageStartIndex: 0, pageSize: 10 } },
      { operation: 'createThread', user: alice, request: { memberIds: ['bob'], message } },
      { operation: 'getThread', user: alice, request: { threadId: 't-1', since: 12.5 } },
      { operation: 'addThreadMessage', user: alice, request: { threadId: 't-1', message } },
    ]);
  });

  describe('the user token and the body user', () => {
    const refusals: Array<[string, () => Promise<Record<string, string>>]> = [
      ['no Authorization', async () => ({})],
      ['a non-Bearer Authorization', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
      ['an expired user token', async () => ({ authorization: `Bearer ${await userToken('alice', 'Alice', { expiresIn: -3600 })}` })],
      ['a thread token', async () => ({ authorization: `Bearer ${await signToken({ threadId: 't', memberIds: ['alice'] }, { expiresIn: 60 })}` })],
      ['a garbage token', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ];
    for (const [name, headers] of refusals) {
      it(`answers 401 UNAUTHORIZED to ${name}, never calling a handler`, async () => {
        await start();
        const answer = await post('getContacts', { user: alice }, await headers());
        expect(answer.status).to.equal(401);
        expect(answer.body.error.code).to.equal('UNAUTHORIZED');
        expect(calls).to.deep.equal([]);
      });
    }

    it('answers 403 FORBIDDEN when body.user is not the token user, on every user operation', async () => {
      await start();
      const mallory = { userId: 'bob', displayName: 'Bob' };
      for (const [operation, body] of [
        ['getContacts', {}], ['getThreads', {}], ['createThread', { memberIds: [], message }],
        ['getThread', { threadId: 't' }], ['addThreadMessage', { threadId: 't', message }],
      ] as const) {
        const answer = await post(operation, { user: mallory, ...body });
        expect(answer.status, operation).to.equal(403);
        expect(answer.body.error.code).to.equal('FORBIDDEN');
      }
      expect(calls).to.deep.equal([]);
    });
  });

  describe('X-ECB-Key', () => {
    it('refuses a missing or wrong key with 401 before anything else, and accepts the right one', async () => {
      await start({}, { apiKey: 'k-123' });
      expect((await post('getUserToken', { accessToken: 'a' }, {})).status).to.equal(401);
      expect((await post('getContacts', { user: alice }, { ...aliceAuth, 'x-ecb-key': 'k-12' })).body.error).to.deep.equal({
        code: 'UNAUTHORIZED',
        message: 'missing or wrong X-ECB-Key',
      });
      expect(calls).to.deep.equal([]);
      expect((await post('getContacts', { user: alice }, { ...aliceAuth, 'x-ecb-key': 'k-123' })).status).to.equal(200);
    });
  });

  describe('errors from handlers', () => {
    const codes: Array<[ContractErrorCode, number]> = [
      ['BAD_REQUEST', 400], ['UNAUTHORIZED', 401], ['FORBIDDEN', 403], ['NOT_FOUND', 404], ['CONFLICT', 409], ['RATE_LIMITED', 429],
    ];
    for (const [code, status] of codes) {
      it(`maps a returned and a thrown ${code} to ${status} with { error: { code, message } }`, async () => {
        let mode: 'return' | 'throw' = 'return';
        await start({
          answer: async () => {
            const error = new ContractError(code, `refused: ${code}`);
            if (mode === 'throw') throw error;
            return error;
          },
        });
        for (const m of ['return', 'throw'] as const) {
          mode = m;
          const answer = await post('getThread', { user: alice, threadId: 't' });
          expect(answer.status, m).to.equal(status);
          expect(answer.body).to.deep.equal({ error: { code, message: `refused: ${code}` } });
        }
      });
    }

    it('answers an unexpected exception 500 INTERNAL, without its message or stack, and reports it to onError', async () => {
      const heard: unknown[] = [];
      await start({ answer: async () => { throw new Error('db password is hunter2'); } }, { onError: (e) => heard.push(e) });
      const answer = await post('addThreadMessage', { user: alice, threadId: 't', message });
      expect(answer.status).to.equal(500);
      expect(answer.body).to.deep.equal({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(answer.text).not.to.contain('hunter2');
      expect(heard).to.have.length(1);
    });
  });

  describe('bad input: 400, never 500, no handler called', () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['getUserToken without accessToken', 'getUserToken', {}, 'request body: "accessToken" is missing'],
      ['getUserToken with a number', 'getUserToken', { accessToken: 7 }, 'request body: "accessToken" must be string'],
      ['getContacts without user', 'getContacts', { pageSize: 3 }, 'request body: "user" is missing'],
      ['getThreads with a string pageSize', 'getThreads', { user: alice, pageSize: 'x' }, 'request body: "pageSize" must be number'],
      ['createThread with memberIds a string', 'createThread', { user: alice, memberIds: 'bob', message }, 'request body: "memberIds" must be Array<string>'],
      ['createThread without message', 'createThread', { user: alice, memberIds: [] }, 'request body: "message" is missing'],
      ['getThread without threadId', 'getThread', { user: alice }, 'request body: "threadId" is missing'],
      ['addThreadMessage with message.type a number', 'addThreadMessage', { user: alice, threadId: 't', message: { type: 1, data: 1 } }, 'request body: "message.type" must be string'],
      ['an array body', 'getThread', [1, 2], 'the request body must be a JSON object'],
    ];
    for (const [name, operation, body, text] of cases) {
      it(`refuses ${name}`, async () => {
        await start();
        const headers = operation === 'getUserToken' ? {} : aliceAuth;
        const answer = await post(operation, body, headers);
        expect(answer.status).to.equal(400);
        expect(answer.body.error).to.deep.equal({ code: 'BAD_REQUEST', message: text });
        expect(calls).to.deep.equal([]);
      });
    }
  });

  describe('idempotency of the two writes', () => {
    it('answers a repeated Idempotency-Key with the original result, calling the handler once', async () => {
      await start();
      const headers = { ...aliceAuth, 'idempotency-key': 'cm-1' };
      const first = await post('addThreadMessage', { user: alice, threadId: 't', message }, headers);
      const second = await post('addThreadMessage', { user: alice, threadId: 't', message }, headers);
      expect(second.body).to.deep.equal(first.body);
      expect(calls).to.have.length(1);
    });

    it('falls back to the body clientMessageId for createThread, and runs two identical writes without a key twice', async () => {
      await start();
      const body = { user: alice, memberIds: ['bob'], message, clientMessageId: 'cm-2' };
      const first = await post('createThread', body);
      expect((await post('createThread', body)).body).to.deep.equal(first.body);
      expect(calls).to.have.length(1);
      await post('createThread', { user: alice, memberIds: ['bob'], message });
      await post('createThread', { user: alice, memberIds: ['bob'], message });
      expect(calls).to.have.length(3);
    });

    it('keeps keys per user: the same key from another user is another write', async () => {
      await start();
      const bob = { userId: 'bob', displayName: 'Bob' };
      const bobAuth = { authorization: `Bearer ${await userToken('bob', 'Bob')}`, 'idempotency-key': 'same' };
      await post('addThreadMessage', { user: alice, threadId: 't', message }, { ...aliceAuth, 'idempotency-key': 'same' });
      await post('addThreadMessage', { user: bob, threadId: 't', message }, bobAuth);
      expect(calls.map((c) => c.user?.userId)).to.deep.equal(['alice', 'bob']);
    });

    it('refuses a key reused for another thread with 409, and an over-long key with 400', async () => {
      await start();
      const headers = { ...aliceAuth, 'idempotency-key': 'k' };
      await post('addThreadMessage', { user: alice, threadId: 't-1', message }, headers);
      const reused = await post('addThreadMessage', { user: alice, threadId: 't-2', message }, headers);
      expect(reused.status).to.equal(409);
      const long = await post('addThreadMessage', { user: alice, threadId: 't-1', message }, { ...aliceAuth, 'idempotency-key': 'x'.repeat(201) });
      expect(long.status).to.equal(400);
      expect(calls).to.have.length(1);
    });

    it('does not record a failed write, so a retry with the same key runs again', async () => {
      let fail = true;
      await start({ answer: async () => (fail ? ContractError.rateLimited('slow down') : { ok: true }) });
      const headers = { ...aliceAuth, 'idempotency-key': 'retry-me' };
      expect((await post('addThreadMessage', { user: alice, threadId: 't', message }, headers)).status).to.equal(429);
      fail = false;
      expect((await post('addThreadMessage', { user: alice, threadId: 't', message }, headers)).body).to.deep.equal({ ok: true });
      expect(calls).to.have.length(2);
    });
  });

  it('verifies with the public key it was given: a token from another key pair is 401', async () => {
    await start();
    const keys = await testKeys();
    const tokens = new BackendTokens({ privateKey: keys.privateKey, publicKey: keys.publicKey });
    expect((await post('getThreads', { user: alice }, { authorization: `Bearer ${await tokens.signUserToken(alice)}` })).status).to.equal(200);
    const { newKeys } = await import('../../support/keys.js');
    const other = await newKeys();
    const foreign = new BackendTokens({ privateKey: other.privateKey });
    expect((await post('getThreads', { user: alice }, { authorization: `Bearer ${await foreign.signUserToken(alice)}` })).status).to.equal(401);
  });
});
