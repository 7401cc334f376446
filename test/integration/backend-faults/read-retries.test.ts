import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import { aConfig } from '../../support/config.js';
import { BACKEND_LIMITS } from '../../../src/adapters/backend/backend-limits.js';
import { backoffDelayMs, pause } from '../../../src/adapters/backend/read-backoff.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { failsWith, succeeds } from '../backend/backend-fixture.js';
import { PAGE, startGuardedGateway, text, type GuardedGateway } from './guarded-gateway.js';

describe('backend faults: read retries with backoff', () => {
  let g: GuardedGateway;
  let arrivedAt: number[];

  beforeEach(async () => {
    g = await startGuardedGateway({ backendBreakerThreshold: 1_000 });
    arrivedAt = [];
    // the stub records in arrival order; stamp each arrival as the backend sees it
    const push = g.stub.requests.push.bind(g.stub.requests);
    g.stub.requests.push = (...items) => {
      arrivedAt.push(performance.now());
      return push(...items);
    };
  });
  afterEach(async () => g.close());

  it(`retries a read at most ${BACKEND_LIMITS.readRetries} time(s), after a pause of at least half the base delay`, async () => {
    g.stub.fail('getThreads', { status: 503, times: Infinity });
    await failsWith('BACKEND_UNAVAILABLE', g.gateway.getThreads(g.alice, PAGE));
    expect(g.stub.requests).to.have.length(1 + BACKEND_LIMITS.readRetries);
    const gap = (arrivedAt[1] ?? 0) - (arrivedAt[0] ?? 0);
    expect(gap).to.be.at.least(BACKEND_LIMITS.retryBaseDelayMs / 2 - 1);
  });

  it('retries a read after a 502, and succeeds when the backend then answers', async () => {
    g.stub.fail('getContacts', { status: 502 });
    await succeeds(g.gateway.getContacts(g.alice, PAGE));
    expect(g.stub.requestsTo('getContacts')).to.have.length(2);
  });

  it('never retries a write, whatever the failure', async () => {
    g.stub.fail('addThreadMessage', { status: 503 });
    g.stub.fail('createThread', { status: 504 });
    await failsWith('BACKEND_UNAVAILABLE', g.gateway.addThreadMessage(g.alice, { threadId: PEER_THREAD_ID, message: text('x') }));
    await failsWith('BACKEND_UNAVAILABLE', g.gateway.createThread(g.alice, { memberIds: ['bob'], message: text('x') }));
    expect(g.stub.requestsTo('addThreadMessage')).to.have.length(1);
    expect(g.stub.requestsTo('createThread')).to.have.length(1);
  });

  it('does not retry when the pause would not fit in ECB_BACKEND_TIMEOUT_MS', async () => {
    // a backend that answers 503 after 190 ms: at least 25 ms of pause would end past a 200 ms deadline
    let received = 0;
    const server = createServer((req, res) => {
      received++;
      req.resume();
      setTimeout(() => res.writeHead(503, { 'content-type': 'application/json' }).end('{}'), 190);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = await aConfig({ backendUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, backendTimeoutMs: 200 });
    const gateway = new HttpBackendGateway(config);
    try {
      await failsWith('BACKEND_UNAVAILABLE', gateway.getThreads(g.alice, PAGE));
      expect(received).to.equal(1);
    } finally {
      await gateway.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});

describe('read backoff', () => {
  const limits = { retryBaseDelayMs: 100, retryMaxDelayMs: 300 };

  it('waits between half and all of a ceiling that doubles per retry, up to the maximum', () => {
    expect(backoffDelayMs(0, limits, () => 0)).to.equal(50);
    expect(backoffDelayMs(0, limits, () => 0.999)).to.be.closeTo(100, 0.5);
    expect(backoffDelayMs(1, limits, () => 0)).to.equal(100);
    expect(backoffDelayMs(5, limits, () => 0)).to.equal(150);
    expect(backoffDelayMs(5, limits, () => 0.999)).to.be.closeTo(300, 0.5);
  });

  it('stops pausing when the deadline aborts, and says so', async () => {
    const deadline = new AbortController();
    const paused = pause(10_000, deadline.signal);
    deadline.abort();
    expect(await paused).to.equal(false);
    expect(await pause(1, new AbortController().signal)).to.equal(true);
  });
});
