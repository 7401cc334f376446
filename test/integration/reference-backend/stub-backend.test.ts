import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { newKeys, userToken } from '../../support/keys.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';
import { post, signIn, text } from './backend-client.js';

const alice = { userId: 'alice', displayName: 'Alice' };

describe('stub backend: the reference backend with recording and faults', () => {
  let stub: StubBackend;
  let auth: Record<string, string>;

  beforeEach(async () => {
    stub = await startStubBackend();
    auth = { authorization: `Bearer ${await stub.tokens.signUserToken(alice)}` };
  });
  afterEach(async () => stub.close());

  const getThreads = (headers: Record<string, string> = {}) =>
    post(stub.url, 'getThreads', { user: alice }, { ...auth, ...headers });

  describe('recording', () => {
    it('records every request: operation, method, headers and parsed body, oldest first', async () => {
      await post(stub.url, 'getUserToken', { accessToken: 'access-alice' }, { 'x-ecb-request-id': 'req-1' });
      await post(
        stub.url,
        'addThreadMessage',
        { user: alice, threadId: 'thread-alice-bob', message: text('hi') },
        {
          ...auth,
          'idempotency-key': 'cm-1',
        },
      );
      expect(stub.requests.map((r) => r.operation)).to.deep.equal(['getUserToken', 'addThreadMessage']);
      const [exchange, write] = stub.requests;
      expect(exchange).to.deep.include({ method: 'POST', body: { accessToken: 'access-alice' } });
      expect(exchange!.headers).to.include({ 'x-ecb-request-id': 'req-1', 'content-type': 'application/json' });
      expect(exchange!.headers).not.to.have.property('authorization');
      expect(write!.headers).to.include({ authorization: auth.authorization, 'idempotency-key': 'cm-1' });
      expect(write!.body).to.deep.equal({ user: alice, threadId: 'thread-alice-bob', message: text('hi') });
      expect(JSON.parse(write!.rawBody)).to.deep.equal(write!.body);
      expect(stub.requestsTo('addThreadMessage')).to.deep.equal([write]);
    });

    it('records a body that is not JSON as undefined, and the backend still answers 400', async () => {
      const answer = await post(stub.url, 'getThreads', '{not json', auth);
      expect(answer.status).to.equal(400);
      expect(stub.requests[0]).to.deep.include({ body: undefined, rawBody: '{not json' });
    });

    it('answers like the reference backend when no fault is set', async () => {
      const answer = await getThreads();
      expect(answer.status).to.equal(200);
      expect(answer.body.map((t: { threadId: string }) => t.threadId)).to.deep.equal(['thread-alice-bob']);
    });
  });

  describe('fail', () => {
    it('answers the status with an error body instead of reaching the backend', async () => {
      stub.fail('createThread', { status: 503 });
      const answer = await post(
        stub.url,
        'createThread',
        { user: alice, memberIds: ['bob'], message: text('x') },
        auth,
      );
      expect(answer.status).to.equal(503);
      expect(answer.body).to.deep.equal({
        error: { code: 'INJECTED_FAILURE', message: 'injected failure (HTTP 503)' },
      });
      expect(await stub.store.threadsOfMember('alice')).to.have.length(1);
      expect(stub.requestsTo('createThread')).to.have.length(1);
    });

    it('fails only the next `times` calls (default 1), then lets calls through', async () => {
      stub.fail('getThreads', { status: 500, times: 2 });
      expect((await getThreads()).status).to.equal(500);
      expect((await getThreads()).status).to.equal(500);
      expect((await getThreads()).status).to.equal(200);
      stub.fail('getThreads', { status: 502 });
      expect((await getThreads()).status).to.equal(502);
      expect((await getThreads()).status).to.equal(200);
    });

    it('fails every call with times: Infinity', async () => {
      stub.fail('getThreads', { status: 429, times: Infinity });
      for (let i = 0; i < 4; i += 1) expect((await getThreads()).status).to.equal(429);
    });

    it('sends a string body verbatim, as JSON unless told otherwise', async () => {
      stub.fail('getThreads', { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' });
      stub.fail('getThreads', { status: 400, body: '{"error": {"code"' });
      const html = await fetch(`${stub.url}/getThreads`, { method: 'POST', headers: auth, body: '{}' });
      expect(html.status).to.equal(502);
      expect(html.headers.get('content-type')).to.match(/^text\/html/);
      expect(await html.text()).to.equal('<html><body>Bad Gateway</body></html>');
      const malformed = await fetch(`${stub.url}/getThreads`, { method: 'POST', headers: auth, body: '{}' });
      expect(malformed.status).to.equal(400);
      expect(malformed.headers.get('content-type')).to.match(/^application\/json/);
      expect(await malformed.text()).to.equal('{"error": {"code"');
    });

    it('leaves the other operations alone', async () => {
      stub.fail('getContacts', { status: 500, times: Infinity });
      expect((await getThreads()).status).to.equal(200);
    });

    it('refuses a times below 1', () => {
      expect(() => stub.fail('getThreads', { status: 500, times: 0 })).to.throw(/times/);
    });
  });

  describe('respond', () => {
    it('answers any body, 200 by default: a wrong-schema answer', async () => {
      stub.respond('getThreads', { threads: 'not an array' });
      const answer = await getThreads();
      expect(answer).to.deep.equal({ status: 200, body: { threads: 'not an array' } });
      expect((await getThreads()).body).to.be.an('array');
    });

    it('answers with the given status, and JSON null as null', async () => {
      stub.respond('getThreads', null, 201);
      const response = await fetch(`${stub.url}/getThreads`, { method: 'POST', headers: auth, body: '{}' });
      expect(response.status).to.equal(201);
      expect(await response.text()).to.equal('null');
    });

    it('applies queued faults of one operation in the order they were added', async () => {
      stub.respond('getThreads', []);
      stub.fail('getThreads', { status: 503 });
      expect((await getThreads()).body).to.deep.equal([]);
      expect((await getThreads()).status).to.equal(503);
      expect((await getThreads()).body).to.have.length(1);
    });
  });

  describe('delay', () => {
    it('records the request at once, and lets the backend handle it only after the delay', async () => {
      stub.delay('createThread', 150);
      const started = performance.now();
      const pending = post(
        stub.url,
        'createThread',
        { user: alice, memberIds: ['carol'], message: text('slow') },
        auth,
      );
      while (stub.requestsTo('createThread').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await stub.store.threadsOfMember('carol')).to.have.length(0);
      const answer = await pending;
      expect(performance.now() - started).to.be.at.least(149);
      expect(answer.status).to.equal(200);
      expect(await stub.store.threadsOfMember('carol')).to.have.length(1);
    });

    it('lets a client that stops waiting give up before the answer', async () => {
      stub.delay('getThreads', 5_000);
      const gaveUp = await fetch(`${stub.url}/getThreads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ user: alice }),
        signal: AbortSignal.timeout(50),
      }).then(
        () => false,
        (error: Error) => error.name === 'TimeoutError',
      );
      expect(gaveUp).to.equal(true);
    });
  });

  describe('destroySocket', () => {
    it('drops the connection without an answer, once', async () => {
      stub.destroySocket('getThreads');
      const failed = await getThreads().then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failed).to.be.instanceOf(TypeError); // fetch's "fetch failed", caused by the reset
      expect((await getThreads()).status).to.equal(200);
    });
  });

  describe('reset', () => {
    it('forgets pending faults and recorded requests, keeping the same requests array', async () => {
      const requests = stub.requests;
      stub.fail('getThreads', { status: 500, times: Infinity });
      await getThreads();
      stub.reset();
      expect(requests).to.have.length(0);
      expect((await getThreads()).status).to.equal(200);
      expect(stub.requests).to.equal(requests);
      expect(requests).to.have.length(1);
    });
  });

  describe('tokens and keys', () => {
    it('mints user, thread and server tokens that the backend and ECB accept', async () => {
      const session = await signIn(stub.url, 'bob');
      expect(decodeJwt(session.userToken)).to.include({ userId: 'bob' });
      expect(decodeJwt(await stub.tokens.signThreadToken({ threadId: 't1', memberIds: ['a', 'b'] }))).to.deep.include({
        threadId: 't1',
        memberIds: ['a', 'b'],
      });
      const server = decodeJwt(await stub.tokens.signServerToken());
      expect(server.role).to.equal('server');
      expect(server.exp! - server.iat!).to.equal(60);
    });

    it('uses the shared test keys by default', async () => {
      expect(
        (await post(stub.url, 'getThreads', { user: alice }, { authorization: `Bearer ${await userToken('alice')}` }))
          .status,
      ).to.equal(200);
    });

    it('uses the keys it is given, refusing tokens of the shared test keys', async () => {
      const other = await startStubBackend({ keys: await newKeys(), apiKey: 'k' });
      try {
        const headers = { authorization: `Bearer ${await userToken('alice')}`, 'x-ecb-key': 'k' };
        expect((await post(other.url, 'getThreads', { user: alice }, headers)).status).to.equal(401);
        const own = { authorization: `Bearer ${await other.tokens.signUserToken(alice)}` };
        expect((await post(other.url, 'getThreads', { user: alice }, own)).status, 'without the API key').to.equal(401);
        expect((await post(other.url, 'getThreads', { user: alice }, { ...own, 'x-ecb-key': 'k' })).status).to.equal(
          200,
        );
      } finally {
        await other.close();
      }
    });
  });

  it('close drops a request still waiting out a delay', async () => {
    stub.delay('getThreads', 60_000);
    const pending = getThreads().then(
      () => 'answered',
      () => 'dropped',
    );
    while (stub.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await stub.close();
    expect(await pending).to.equal('dropped');
    stub = await startStubBackend(); // afterEach closes it
  });
});
