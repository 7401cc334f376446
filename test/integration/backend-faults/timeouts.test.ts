import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendCircuit } from '../../../src/adapters/backend/backend-circuit.js';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import { aConfig } from '../../support/config.js';
import { failsWith, succeeds } from '../backend/backend-fixture.js';
import { PAGE, startGuardedGateway, type GuardedGateway } from './guarded-gateway.js';

/** A backend that reads each request and never answers: every call times out. */
const startSilentBackend = async (): Promise<{ server: Server; url: string; received: () => number }> => {
  let received = 0;
  const server = createServer((req) => {
    received++;
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received };
};

const openSockets = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

const eventually = async (check: () => Promise<boolean>, ms = 5_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) expect.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('backend faults: timeouts', () => {
  it('aborts every timed-out call and closes its connection: no socket is left open after many timeouts', async () => {
    const silent = await startSilentBackend();
    const config = await aConfig({ backendUrl: silent.url, backendTimeoutMs: 300, backendBreakerThreshold: 1_000 });
    const gateway = new HttpBackendGateway(config, undefined, new BackendCircuit(config));
    const caller = { user: { userId: 'alice', displayName: 'Alice' }, credential: 'token', requestId: 'r' };
    try {
      for (let round = 0; round < 5; round++) {
        const calls = Array.from({ length: 20 }, () => failsWith('BACKEND_UNAVAILABLE', gateway.getThreads(caller, PAGE)));
        await Promise.all(calls);
      }
      // a timed-out read is never retried (a call that timed out while still connecting sends nothing)
      expect(silent.received()).to.be.at.most(100);
      await eventually(async () => (await openSockets(silent.server)) === 0);
    } finally {
      await gateway.close();
      await new Promise<void>((resolve) => {
        silent.server.close(() => resolve());
        silent.server.closeAllConnections();
      });
    }
  });

  describe('against the stub backend', () => {
    let g: GuardedGateway;
    beforeEach(async () => {
      g = await startGuardedGateway({ backendTimeoutMs: 300, backendBreakerThreshold: 1_000 });
    });
    afterEach(async () => g.close());

    it('keeps serving after a burst of timeouts: the pool is not exhausted by abandoned calls', async () => {
      await succeeds(g.gateway.getThreads(g.alice, PAGE)); // warm: the first connection costs the most
      g.stub.delay('getThreads', 3_000, 50);
      await Promise.all(Array.from({ length: 50 }, () => failsWith('BACKEND_UNAVAILABLE', g.gateway.getThreads(g.alice, PAGE))));
      g.stub.reset(); // forget delays left over for calls that timed out before reaching the stub
      const threads = await succeeds(g.gateway.getThreads(g.alice, PAGE));
      expect(threads._tag).to.be.oneOf(['Complete', 'Paged']);
    });
  });
});
