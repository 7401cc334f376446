import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { httpRequest, request, requestOk, sleep, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * /readyz and /metrics of a real ECB follow its backend circuit. /readyz
 * stays 200 while the circuit is open (docs/reliability.md#readiness): it
 * reports `backend: false` but does not take the node out of the LB.
 */
describe('backend faults: backend health in /readyz and /metrics', () => {
  let world: EcbWorld;
  let alice: ClientSocket;
  const COOLDOWN_MS = 300;

  beforeEach(async () => {
    world = await startEcbWorld({ backendBreakerThreshold: 2, backendBreakerCooldownMs: COOLDOWN_MS });
    alice = await world.connect('alice');
  });
  afterEach(async () => world.close());

  const circuitGauge = async (): Promise<number> => {
    const metrics = await httpRequest(`${world.ecb.url}/metrics`);
    const line = metrics.text.split('\n').find((l) => l.startsWith('ecb_backend_circuit_state '));
    return Number(line?.split(' ')[1]);
  };

  const readyz = () => httpRequest<{ status: string; checks: Record<string, boolean> }>(`${world.ecb.url}/readyz`);

  it('reports a healthy backend while the circuit is closed', async () => {
    const ready = await readyz();
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.backend).to.equal(true);
    expect(await circuitGauge()).to.equal(0);
  });

  it('shows the circuit open (backend: false, gauge 2) while staying ready, then closed again after a successful trial', async () => {
    world.stub.fail('getContacts', { status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const ack = await request(alice, 'getContacts', {});
      expect(ack.ok).to.equal(false);
    }

    const open = await readyz();
    expect(open.status).to.equal(200);
    expect(open.body).to.deep.include({ status: 'ready' });
    expect(open.body.checks.backend).to.equal(false);
    expect(await circuitGauge()).to.equal(2);

    // failing fast: the backend is not called while open
    const fast = await request(alice, 'getThreads', {});
    expect(fast.ok === false && fast.error.code).to.equal('BACKEND_UNAVAILABLE');
    expect(world.stub.requestsTo('getThreads')).to.have.length(0);

    await sleep(COOLDOWN_MS + 50);
    await requestOk(alice, 'getThreads', {});
    expect((await readyz()).body.checks.backend).to.equal(true);
    expect(await circuitGauge()).to.equal(0);
    expect(world.stub.requestsTo('getThreads')).to.have.length(1);
  });
});
