import { expect } from 'chai';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import type { ErrorCode } from '../../../src/domain/errors.js';
import { aConfig } from '../../support/config.js';
import { failsWith, PAGE, startBackendFixture, succeeds, type BackendFixture } from './backend-fixture.js';
import { BACKEND_CLIENTS } from './backend-fixture.js';

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

/** A plain HTTP server whose handler a test writes, on an ephemeral port. */
const startRawServer = async (handle: (res: ServerResponse) => void): Promise<{ url: string; server: Server }> => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

const closeRawServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const openConnections = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

/** A port nothing listens on: bound, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

const eventually = async (check: () => Promise<boolean>, ms = 2_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) expect.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

for (const backendClient of BACKEND_CLIENTS) describe(`HttpBackendGateway: failures (${backendClient})`, () => {
  let f: BackendFixture;

  beforeEach(async () => {
    f = await startBackendFixture({ config: { backendClient } });
  });

  afterEach(async () => {
    await f.close();
  });

  describe('maps what the backend refused (ECB-SPEC §6)', () => {
    const cases: Array<[number, ErrorCode]> = [
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [400, 'BAD_REQUEST'],
      [409, 'BAD_REQUEST'],
      [422, 'BAD_REQUEST'],
      [429, 'RATE_LIMITED'],
      [500, 'BACKEND_UNAVAILABLE'],
      [502, 'BACKEND_UNAVAILABLE'],
      [503, 'BACKEND_UNAVAILABLE'],
      [504, 'BACKEND_UNAVAILABLE'],
      [418, 'BACKEND_ERROR'],
      [410, 'BACKEND_ERROR'],
    ];
    for (const [status, code] of cases) {
      it(`HTTP ${status} as ${code}`, async () => {
        f.stub.fail('createThread', { status });
        await failsWith(code, f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      });
    }

    it("passes the backend's error.message on with BAD_REQUEST", async () => {
      f.stub.fail('createThread', { status: 422, body: { error: { code: 'X', message: 'memberIds: too many members' } } });
      const error = await failsWith('BAD_REQUEST', f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      expect(error.message).to.equal('memberIds: too many members');
    });

    it("cuts a long error.message, and removes the caller's token from it", async () => {
      const message = `your token ${f.alice.credential} is fine but ${'x'.repeat(2_000)}`;
      f.stub.fail('addThreadMessage', { status: 400, body: { error: { message } } });
      const error = await failsWith(
        'BAD_REQUEST',
        f.gateway.addThreadMessage(f.alice, { threadId: 'thread-alice-bob', message: text('hi') }),
      );
      expect(error.message).to.not.contain(f.alice.credential);
      expect(error.message.length).to.be.at.most(501);
      expect(error.message).to.match(/^your token \[redacted\] is fine/);
    });

    it('passes on no stack trace and no PEM key from error.message: its first line only, any frame on it and any key block redacted', async () => {
      const cases: Array<[string, string]> = [
        ['Error: db exploded\n    at Query.run (/srv/app/db.js:42:11)\n    at async handler (/srv/app/routes.js:7:3)', 'Error: db exploded'],
        ['failed at Query.run (/srv/app/db.js:42:11)', 'failed [redacted]'],
        ['failed at /srv/app/db.js:42:11', 'failed [redacted]'],
        ['failed at com.acme.Thread.add(Thread.java:42)', 'failed [redacted]'],
        ['failed at Acme.Threads.Add() in C:\\src\\Threads.cs:line 42', 'failed [redacted]'],
        ['bad key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- here', 'bad key [redacted] here'],
        ['lunch at 12:30 is not a message type', 'lunch at 12:30 is not a message type'],
      ];
      for (const [message, passed] of cases) {
        f.stub.fail('createThread', { status: 422, body: { error: { message } } });
        const error = await failsWith('BAD_REQUEST', f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
        expect(error.message, JSON.stringify(message)).to.equal(passed);
      }
    });

    it('never repeats the backend API key (X-ECB-Key) from error.message, on any call', async () => {
      const key = 'sekret-api-key-123';
      const gateway = await f.gatewayWith({ backendApiKey: key });
      f.stub.fail('getContacts', { status: 400, body: { error: { message: `X-ECB-Key ${key} rejected` } } });
      expect((await failsWith('BAD_REQUEST', gateway.getContacts(f.alice, PAGE))).message).to.equal('X-ECB-Key [redacted] rejected');
      f.stub.fail('getUserToken', { status: 400, body: { error: { message: `access token access-alice / key ${key}` } } });
      expect((await failsWith('BAD_REQUEST', gateway.exchangeAccessToken('access-alice', 'request-1'))).message).to.equal(
        'access token [redacted] / key [redacted]',
      );
    });

    it('says something of its own when a 400 carries no error.message', async () => {
      f.stub.fail('createThread', { status: 400, body: '<html>Bad Request</html>', contentType: 'text/html' });
      const error = await failsWith('BAD_REQUEST', f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      expect(error.message).to.not.contain('<html>');
    });

    it("never passes on the backend's message for a status that is not bad input", async () => {
      f.stub.fail('createThread', { status: 401, body: { error: { message: `token ${f.alice.credential} expired` } } });
      const error = await failsWith('UNAUTHORIZED', f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      expect(JSON.stringify(error)).to.not.contain(f.alice.credential);
    });

    it('maps an HTML error page with a 5xx to BACKEND_UNAVAILABLE', async () => {
      f.stub.fail('getThread', { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>', contentType: 'text/html', times: 2 });
      await failsWith('BACKEND_UNAVAILABLE', f.gateway.getThread(f.alice, { threadId: 'thread-alice-bob' }));
    });
  });

  describe('retries', () => {
    it('tries a read once more after a 503, and succeeds', async () => {
      f.stub.fail('getThreads', { status: 503 });
      await succeeds(f.gateway.getThreads(f.alice, PAGE));
      expect(f.stub.requestsTo('getThreads')).to.have.length(2);
    });

    it('tries a read only once more: a second 502 is BACKEND_UNAVAILABLE', async () => {
      f.stub.fail('getContacts', { status: 502, times: 2 });
      await failsWith('BACKEND_UNAVAILABLE', f.gateway.getContacts(f.alice, PAGE));
      expect(f.stub.requestsTo('getContacts')).to.have.length(2);
    });

    it('tries the access token exchange once more after a 504', async () => {
      f.stub.fail('getUserToken', { status: 504 });
      await succeeds(f.gateway.exchangeAccessToken('access-alice', 'request-1'));
      expect(f.stub.requestsTo('getUserToken')).to.have.length(2);
    });

    it('does not retry a read after a 500', async () => {
      f.stub.fail('getThread', { status: 500 });
      await failsWith('BACKEND_UNAVAILABLE', f.gateway.getThread(f.alice, { threadId: 'thread-alice-bob' }));
      expect(f.stub.requestsTo('getThread')).to.have.length(1);
    });

    it('never retries a write after a 503', async () => {
      f.stub.fail('createThread', { status: 503 });
      f.stub.fail('addThreadMessage', { status: 503 });
      await failsWith('BACKEND_UNAVAILABLE', f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      await failsWith(
        'BACKEND_UNAVAILABLE',
        f.gateway.addThreadMessage(f.alice, { threadId: 'thread-alice-bob', message: text('hi') }),
      );
      expect(f.stub.requestsTo('createThread')).to.have.length(1);
      expect(f.stub.requestsTo('addThreadMessage')).to.have.length(1);
    });

    it('never retries after a timeout', async () => {
      const impatient = await f.gatewayWith({ backendTimeoutMs: 100 });
      f.stub.delay('getThreads', 1_000);
      await failsWith('BACKEND_UNAVAILABLE', impatient.getThreads(f.alice, PAGE));
      expect(f.stub.requestsTo('getThreads')).to.have.length(1);
    });
  });

  describe('transport failures', () => {
    it('maps a refused connection to BACKEND_UNAVAILABLE', async () => {
      const gateway = new HttpBackendGateway(await aConfig({ backendUrl: `http://127.0.0.1:${await closedPort()}` }));
      try {
        const error = await failsWith('BACKEND_UNAVAILABLE', gateway.getContacts(f.alice, PAGE));
        expect(error.message).to.contain('refused');
        await failsWith('BACKEND_UNAVAILABLE', gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      } finally {
        await gateway.close();
      }
    });

    it('maps a connection reset before any answer to BACKEND_UNAVAILABLE, without retrying', async () => {
      f.stub.destroySocket('getThreads');
      await failsWith('BACKEND_UNAVAILABLE', f.gateway.getThreads(f.alice, PAGE));
      expect(f.stub.requestsTo('getThreads')).to.have.length(1);
    });

    it('answers BACKEND_UNAVAILABLE when the backend is slower than the timeout, without waiting for it', async () => {
      const impatient = await f.gatewayWith({ backendTimeoutMs: 100 });
      f.stub.delay('getThread', 3_000);
      const started = Date.now();
      const error = await failsWith('BACKEND_UNAVAILABLE', impatient.getThread(f.alice, { threadId: 'thread-alice-bob' }));
      expect(Date.now() - started).to.be.below(2_000);
      expect(error.message).to.contain('100 ms');
    });

    it('times out a backend that sends its headers and then stalls, and closes that connection', async function () {
      this.timeout(15_000);
      const stalling = await startRawServer((res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"userToken":');
      });
      const gateway = new HttpBackendGateway(await aConfig({ backendUrl: stalling.url, backendTimeoutMs: 150, backendClient }));
      try {
        await failsWith('BACKEND_UNAVAILABLE', gateway.exchangeAccessToken('access-alice', 'request-1'));
        // undici's Pool drops an aborted connection on its next timer tick (about 3 s); fetch at once
        await eventually(async () => (await openConnections(stalling.server)) === 0, 8_000);
      } finally {
        await gateway.close();
        await closeRawServer(stalling.server);
      }
    });

    it('does not follow a redirect: a 3xx is BACKEND_ERROR and nothing reaches the target', async () => {
      const redirecting = await startRawServer((res) => {
        res.writeHead(307, { location: `${f.stub.url}/getContacts` });
        res.end();
      });
      const gateway = new HttpBackendGateway(await aConfig({ backendUrl: redirecting.url, backendClient }));
      try {
        await failsWith('BACKEND_ERROR', gateway.getContacts(f.alice, PAGE));
        expect(f.stub.requests).to.have.length(0);
      } finally {
        await gateway.close();
        await closeRawServer(redirecting.server);
      }
    });

    it('answers BACKEND_UNAVAILABLE, never rejects, once closed', async () => {
      const gateway = await f.gatewayWith({});
      await gateway.close();
      await failsWith('BACKEND_UNAVAILABLE', gateway.getContacts(f.alice, PAGE));
    });
  });
});

describe('HttpBackendGateway: a request the HTTP client will not send (undici)', () => {
  let f: BackendFixture;
  beforeEach(async () => {
    f = await startBackendFixture({ config: { backendClient: 'undici' } });
  });
  afterEach(async () => f.close());

  it('is INTERNAL, not BACKEND_UNAVAILABLE, reaches no backend and does not count against it (a header value HTTP cannot carry)', async () => {
    // the socket and REST edges refuse such a clientMessageId as BAD_REQUEST; this is the gateway's own guard
    const gateway = await f.gatewayWith({ backendBreakerThreshold: 1 });
    const created = await succeeds(gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
    for (let i = 0; i < 3; i++) {
      await failsWith(
        'INTERNAL',
        gateway.addThreadMessage(f.alice, { threadId: created.thread.threadId, message: text('x'), clientMessageId: '消息-1' }),
      );
    }
    expect(f.stub.requestsTo('addThreadMessage')).to.deep.equal([]);
    // a breaker of threshold 1 would have opened on one BACKEND_UNAVAILABLE: the next call still goes through
    await succeeds(gateway.addThreadMessage(f.alice, { threadId: created.thread.threadId, message: text('ok'), clientMessageId: 'm-1' }));
  });
});
