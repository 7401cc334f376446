import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendAnswer, BackendTransport } from '../../../src/adapters/backend/backend-transport.js';
import { undiciBackendTransport } from '../../../src/adapters/backend/undici-backend-transport.js';

/** A node:http server whose handler a test writes, on an ephemeral port; it counts the connections it accepted. */
const startServer = async (
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; server: Server; accepted: () => number }> => {
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, accepted: () => accepted };
};

const stop = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const settings = (backendUrl: string, overrides: { maxConnections?: number; maxResponseBytes?: number } = {}) => ({
  backendUrl,
  maxConnections: overrides.maxConnections ?? 4,
  keepAliveTimeoutMs: 4_000,
  maxResponseBytes: overrides.maxResponseBytes ?? 1_024,
});

const never = new AbortController().signal;

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to reject');
};

describe('undiciBackendTransport (dispatch handler)', () => {
  let transport: BackendTransport | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await transport?.close();
    if (server !== undefined) await stop(server);
    transport = undefined;
    server = undefined;
  });

  it('POSTs the JSON with exactly its headers to {backendUrl}/{operation} and reads the answer as text', async () => {
    const seen: Array<{ url: string | undefined; headers: IncomingMessage['headers']; body: string }> = [];
    const backend = await startServer((req, res, body) => {
      seen.push({ url: req.url, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":"é"}');
    });
    server = backend.server;
    transport = undiciBackendTransport(settings(`${backend.url}/api/ecb`));
    const headers = ['content-type', 'application/json', 'x-ecb-request-id', 'r-1', 'idempotency-key', 'c-1'];
    const answer = await transport.post('getThread', '{"threadId":"t"}', headers, never);
    expect(answer).to.deep.equal({ status: 201, body: { _tag: 'Read', text: '{"ok":"é"}' } });
    expect(seen).to.have.length(1);
    expect(seen[0]!.url).to.equal('/api/ecb/getThread');
    expect(seen[0]!.body).to.equal('{"threadId":"t"}');
    expect(seen[0]!.headers['content-type']).to.equal('application/json');
    expect(seen[0]!.headers['x-ecb-request-id']).to.equal('r-1');
    expect(seen[0]!.headers['idempotency-key']).to.equal('c-1');
    expect(seen[0]!.headers).to.not.have.property('accept'); // the caller names them all
  });

  it('reads an answer sent in many chunks without a declared length, and drops a leading byte order mark as fetch does', async () => {
    const backend = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: chunked
      res.write('\ufeff{"parts":[');
      for (let i = 0; i < 20; i++) res.write(`${i},`);
      res.end('20]}');
    });
    server = backend.server;
    transport = undiciBackendTransport(settings(backend.url));
    const answer = await transport.post('getThreads', '{}', [], never);
    expect(answer.body).to.deep.equal({ _tag: 'Read', text: `{"parts":[${Array.from({ length: 21 }, (_, i) => i).join(',')}]}` });
  });

  for (const declared of [true, false]) {
    it(`answers TooLarge for a body over the cap (${declared ? 'declared length' : 'chunked'}), and drops that connection`, async function () {
      this.timeout(15_000);
      const big = `[${' '.repeat(4_096)}]`;
      let closed = false;
      const backend = await startServer((req, res) => {
        req.socket.once('close', () => (closed = true));
        res.writeHead(200, declared ? { 'content-length': Buffer.byteLength(big) } : {});
        if (declared) res.end(big);
        // more than the cap, in pieces, and never finished: only the cap can end the read
        else for (let i = 0; i < 8; i++) res.write(' '.repeat(512));
      });
      server = backend.server;
      transport = undiciBackendTransport(settings(backend.url, { maxConnections: 1 }));
      const answer = await transport.post('getContacts', '{}', [], never);
      expect(answer).to.deep.equal({ status: 200, body: { _tag: 'TooLarge' } });
      // not kept alive: undici destroys an aborted request's socket (on its next timer tick at the latest)
      const until = Date.now() + 8_000;
      while (!closed && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(closed).to.equal(true);
    });
  }

  it('rejects every call holding a deadline when it aborts, and closes its connection', async function () {
    this.timeout(15_000);
    let closed = 0;
    const held: ServerResponse[] = [];
    const backend = await startServer((req, res) => {
      req.socket.once('close', () => closed++);
      held.push(res); // never answers
    });
    server = backend.server;
    transport = undiciBackendTransport(settings(backend.url, { maxConnections: 2 }));
    const deadline = new AbortController();
    const calls = [transport.post('addThreadMessage', '{}', [], deadline.signal), transport.post('addThreadMessage', '{}', [], deadline.signal)];
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    deadline.abort(new Error('deadline passed'));
    for (const error of await Promise.all(calls.map(rejectionOf))) expect((error as Error).message).to.equal('deadline passed');
    const until = Date.now() + 8_000;
    while (closed < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).to.equal(2);
  });

  it('rejects a call still waiting for a connection at its deadline, without waiting for the call ahead of it', async () => {
    const held: ServerResponse[] = [];
    const backend = await startServer((_req, res) => held.push(res));
    server = backend.server;
    transport = undiciBackendTransport(settings(backend.url, { maxConnections: 1 }));
    const ahead = transport.post('getThread', '{}', [], never);
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const deadline = new AbortController();
    const queued = transport.post('getThread', '{}', [], deadline.signal); // one connection, and it is busy
    const started = Date.now();
    deadline.abort(new Error('deadline passed'));
    expect(((await rejectionOf(queued)) as Error).message).to.equal('deadline passed');
    expect(Date.now() - started).to.be.below(1_000);
    // the call ahead is untouched, and the aborted one never reaches the backend
    held[0]!.end('{"first":true}');
    expect((await ahead).body).to.deep.equal({ _tag: 'Read', text: '{"first":true}' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held).to.have.length(1);
  });

  it('rejects at once with an already aborted deadline, without calling the backend', async () => {
    let calls = 0;
    const backend = await startServer((_req, res) => {
      calls++;
      res.end('{}');
    });
    server = backend.server;
    transport = undiciBackendTransport(settings(backend.url));
    const error = await rejectionOf(transport.post('getThread', '{}', [], AbortSignal.abort(new Error('too late'))));
    expect((error as Error).message).to.equal('too late');
    expect(calls).to.equal(0);
  });

  it('leaves a shared deadline once answered: its later abort changes nothing for calls already settled', async () => {
    const backend = await startServer((_req, res) => res.end('{"n":1}'));
    server = backend.server;
    transport = undiciBackendTransport(settings(backend.url));
    const deadline = new AbortController();
    const answers: BackendAnswer[] = await Promise.all(
      Array.from({ length: 20 }, () => transport!.post('getThread', '{}', [], deadline.signal)),
    );
    deadline.abort();
    expect(answers.every((a) => a.status === 200 && a.body._tag === 'Read')).to.equal(true);
    // and the pool still serves
    expect((await transport.post('getThread', '{}', [], never)).status).to.equal(200);
  });

  it('rejects with the cause when the backend refuses connections', async () => {
    const backend = await startServer((_req, res) => res.end('{}'));
    const { url } = backend;
    await stop(backend.server);
    transport = undiciBackendTransport(settings(url));
    const error = (await rejectionOf(transport.post('getThread', '{}', [], never))) as { code?: string };
    expect(error.code).to.equal('ECONNREFUSED');
  });
});
