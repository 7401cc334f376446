import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { httpRequest, startTestEcb } from '../../support/ecb-harness.js';
import type { RunningEcb } from '../../../src/server.js';

/**
 * Slowloris (docs/security.md#limits): a client that dribbles its headers
 * or body, or idles on a keep-alive connection, is disconnected after the
 * configured timeout, and ECB keeps serving others meanwhile.
 */
describe('abuse: slow HTTP clients', () => {
  let ecb: RunningEcb;
  const opened: Socket[] = [];

  beforeEach(async () => {
    ecb = await startTestEcb({ httpHeadersTimeoutMs: 300, httpRequestTimeoutMs: 600, httpKeepAliveTimeoutMs: 200 });
  });
  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.destroy();
    await ecb.close();
  });

  /** A raw TCP client; `dribble` is written every 50 ms until the server closes. */
  const slowClient = (first: string, dribble: string | undefined): Promise<{ closedAfterMs: number; answer: string }> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(ecb.port, '127.0.0.1');
      opened.push(socket);
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.once('connect', () => {
        socket.write(first);
        if (dribble !== undefined) timer = setInterval(() => socket.writable && socket.write(dribble), 50);
      });
      socket.once('close', () => {
        clearInterval(timer);
        resolve({ closedAfterMs: Date.now() - started, answer });
      });
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`still connected after 4 s; got ${JSON.stringify(answer)}`));
      }, 4_000).unref();
    });

  it('disconnects a client that sends its headers too slowly (ECB_HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const outcome = await slowClient('GET /healthz HTTP/1.1\r\nHost: ecb\r\n', 'X-Slow: 1\r\n');
    expect(outcome.answer).to.match(/^HTTP\/1\.1 408/);
    expect(outcome.closedAfterMs).to.be.at.least(250);
  });

  it('disconnects a client that sends its body too slowly (ECB_HTTP_REQUEST_TIMEOUT_MS)', async () => {
    const outcome = await slowClient(
      'POST /api/v1/threads HTTP/1.1\r\nHost: ecb\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[',
      '1,',
    );
    expect(outcome.answer).to.match(/^HTTP\/1\.1 408/);
    expect(outcome.closedAfterMs).to.be.at.least(500);
  });

  it('closes an idle keep-alive connection (ECB_HTTP_KEEP_ALIVE_TIMEOUT_MS)', async () => {
    const outcome = await slowClient('GET /healthz HTTP/1.1\r\nHost: ecb\r\nConnection: keep-alive\r\n\r\n', undefined);
    expect(outcome.answer).to.match(/^HTTP\/1\.1 200/);
    expect(outcome.closedAfterMs).to.be.at.least(150);
  });

  it('keeps serving other clients while slow ones hang on', async () => {
    const slow = slowClient('GET /healthz HTTP/1.1\r\nHost: ecb\r\n', 'X-Slow: 1\r\n');
    expect((await httpRequest(`${ecb.url}/healthz`)).status).to.equal(200);
    await slow;
  });
});
