import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { httpRequest, request, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { restClient } from './rest-client.js';

/** The operational endpoints of ECB-SPEC §4: /healthz, /readyz, /metrics. */

/** The value of one sample line, e.g. `ecb_operations_total{operation="getContacts",...}`. */
const sample = (metrics: string, name: string, labels: Record<string, string>): number | undefined => {
  const line = metrics.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`)) return false;
    return Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('operational endpoints', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld();
  });
  afterEach(async () => world.close());

  it('GET /healthz answers 200 without any credential', async () => {
    expect((await httpRequest(`${world.ecb.url}/healthz`)).status).to.equal(200);
  });

  it('GET /readyz answers 200 once listening', async () => {
    const answer = await httpRequest(`${world.ecb.url}/readyz`);
    expect(answer.status).to.equal(200);
  });

  it('GET /metrics counts operations by transport and outcome, connections and pushes, in Prometheus text', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const threadToken = await world.threadToken(PEER_THREAD_ID);
    await requestOk(alice, 'getContacts', {});
    await requestOk(alice, 'getContacts', {});
    await request(alice, 'getThread', { threadToken: 'forged' });
    await requestOk(bob, 'getThread', { threadToken });
    await requestOk(alice, 'sendMessage', { threadToken, message: { type: 'text', data: { messageText: 'hi' } } });
    await restClient(world.ecb.url).get('/api/v1/threads', { token: await world.userToken('carol') });

    const answer = await httpRequest(`${world.ecb.url}/metrics`);
    expect(answer.status).to.equal(200);
    expect(answer.headers['content-type']).to.match(/^text\/plain/);
    const metrics = answer.text;
    expect(sample(metrics, 'ecb_operations_total', { operation: 'getContacts', transport: 'socket', outcome: 'OK' })).to.equal(2);
    expect(sample(metrics, 'ecb_operations_total', { operation: 'getThread', transport: 'socket', outcome: 'FORBIDDEN' })).to.equal(1);
    expect(sample(metrics, 'ecb_operations_total', { operation: 'sendMessage', transport: 'socket', outcome: 'OK' })).to.equal(1);
    expect(sample(metrics, 'ecb_operations_total', { operation: 'getThreads', transport: 'rest', outcome: 'OK' })).to.equal(1);
    expect(metrics).to.match(/^ecb_connections 2$/m);
    expect(sample(metrics, 'ecb_pushes_total', { kind: 'message' })).to.equal(1);
    expect(metrics).to.include('ecb_backend_request_duration_seconds_bucket');
    expect(metrics).not.to.include(threadToken);
  });
});
