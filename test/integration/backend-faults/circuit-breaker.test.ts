import { aConfig } from '../../support/config.js';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { failsWith, succeeds } from '../backend/backend-fixture.js';
import { PAGE, sleep, startGuardedGateway, text, type GuardedGateway } from './guarded-gateway.js';

describe('backend faults: the circuit breaker', () => {
  let g: GuardedGateway;
  const COOLDOWN_MS = 200;

  beforeEach(async () => {
    g = await startGuardedGateway({ backendBreakerThreshold: 3, backendBreakerCooldownMs: COOLDOWN_MS });
  });
  afterEach(async () => g.close());

  const send = () => g.gateway.addThreadMessage(g.alice, { threadId: PEER_THREAD_ID, message: text('hi') });

  /** Three consecutive 503s on writes: the threshold. */
  const openIt = async (): Promise<void> => {
    g.stub.fail('addThreadMessage', { status: 503, times: 3 });
    for (let i = 0; i < 3; i++) await failsWith('BACKEND_UNAVAILABLE', send());
  };

  it('opens after the threshold of consecutive BACKEND_UNAVAILABLE calls, then fails fast without calling the backend', async () => {
    await openIt();
    expect(g.circuit.position).to.equal('open');
    const error = await failsWith('BACKEND_UNAVAILABLE', send());
    await failsWith('BACKEND_UNAVAILABLE', g.gateway.getThreads(g.alice, PAGE));
    expect(error.message).to.contain('not calling it');
    expect(g.stub.requestsTo('addThreadMessage')).to.have.length(3);
    expect(g.stub.requestsTo('getThreads')).to.have.length(0);
  });

  it('by default takes 100 consecutive failures to open: a run of faults injected at a low rate (a test suite) leaves it closed', async () => {
    const defaults = await startGuardedGateway(); // ECB_BACKEND_BREAKER_THRESHOLD's default
    try {
      expect(defaults.circuit.position).to.equal('closed');
      defaults.stub.fail('addThreadMessage', { status: 500, times: 100 });
      const sendAsAlice = () => defaults.gateway.addThreadMessage(defaults.alice, { threadId: PEER_THREAD_ID, message: text('hi') });
      for (let i = 0; i < 99; i++) await failsWith('BACKEND_UNAVAILABLE', sendAsAlice());
      expect(defaults.circuit.position, 'after 99').to.equal('closed');
      await failsWith('BACKEND_UNAVAILABLE', sendAsAlice());
      expect(defaults.circuit.position, 'after 100').to.equal('open');
      expect(defaults.stub.requestsTo('addThreadMessage')).to.have.length(100);
    } finally {
      await defaults.close();
    }
  });

  it('stays closed below the threshold: a success in between starts the count again', async () => {
    g.stub.fail('addThreadMessage', { status: 503, times: 2 });
    for (let i = 0; i < 2; i++) await failsWith('BACKEND_UNAVAILABLE', send());
    await succeeds(send());
    g.stub.fail('addThreadMessage', { status: 500, times: 2 });
    for (let i = 0; i < 2; i++) await failsWith('BACKEND_UNAVAILABLE', send());
    expect(g.circuit.position).to.equal('closed');
    await succeeds(send());
  });

  it("does not count the backend's own answers: 4xx and malformed answers leave it closed", async () => {
    g.stub.fail('addThreadMessage', { status: 404, times: 3 });
    g.stub.fail('addThreadMessage', { status: 429, times: 3 });
    g.stub.respond('addThreadMessage', { wrong: 'shape' }, 200, 3);
    for (let i = 0; i < 3; i++) await failsWith('NOT_FOUND', send());
    for (let i = 0; i < 3; i++) await failsWith('RATE_LIMITED', send());
    for (let i = 0; i < 3; i++) await failsWith('BACKEND_ERROR', send());
    expect(g.circuit.position).to.equal('closed');
    await succeeds(send());
    expect(g.stub.requestsTo('addThreadMessage')).to.have.length(10);
  });

  it('counts timeouts and connection resets as failures', async () => {
    const impatient = await startGuardedGateway({ backendBreakerThreshold: 2, backendTimeoutMs: 100 });
    try {
      impatient.stub.delay('getThreads', 1_000);
      impatient.stub.destroySocket('getThreads');
      await failsWith('BACKEND_UNAVAILABLE', impatient.gateway.getThreads(impatient.alice, PAGE));
      await failsWith('BACKEND_UNAVAILABLE', impatient.gateway.getThreads(impatient.alice, PAGE));
      expect(impatient.circuit.position).to.equal('open');
      await failsWith('BACKEND_UNAVAILABLE', impatient.gateway.getThreads(impatient.alice, PAGE));
      expect(impatient.stub.requestsTo('getThreads')).to.have.length(2);
    } finally {
      await impatient.close();
    }
  });

  it('after the cooldown lets one trial call through (half-open), and closes when it succeeds', async () => {
    await openIt();
    await sleep(COOLDOWN_MS + 50);
    g.stub.delay('addThreadMessage', 300);
    const trial = send()();
    expect(g.circuit.position).to.equal('half-open'); // from the moment the trial call starts
    await succeeds(() => trial);
    expect(g.circuit.position).to.equal('closed');
    await succeeds(send());
    expect(g.stub.requestsTo('addThreadMessage')).to.have.length(5);
  });

  it('opens again when the trial call fails, and fails fast for another cooldown', async () => {
    await openIt();
    await sleep(COOLDOWN_MS + 50);
    g.stub.fail('addThreadMessage', { status: 502 });
    await failsWith('BACKEND_UNAVAILABLE', send());
    expect(g.circuit.position).to.equal('open');
    await failsWith('BACKEND_UNAVAILABLE', send());
    expect(g.stub.requestsTo('addThreadMessage')).to.have.length(4);
  });

  it('queues a call beyond ECB_BACKEND_MAX_CONCURRENCY, and runs it once a place is free', async () => {
    const narrow = await startGuardedGateway({ backendMaxConcurrency: 1, backendMaxQueued: 1 });
    try {
      narrow.stub.delay('getThreads', 200, 1);
      const first = narrow.gateway.getThreads(narrow.alice, PAGE)();
      const queued = narrow.gateway.getThreads(narrow.alice, PAGE)();
      const refused = await failsWith('BACKEND_UNAVAILABLE', narrow.gateway.getThreads(narrow.alice, PAGE));
      expect(refused.message).to.contain('too many');
      await succeeds(() => first);
      await succeeds(() => queued);
      expect(narrow.stub.requestsTo('getThreads')).to.have.length(2);
    } finally {
      await narrow.close();
    }
  });

  it('fails a call still queued at its deadline without calling the backend or counting it against it', async () => {
    const narrow = await startGuardedGateway({ backendMaxConcurrency: 1, backendMaxQueued: 10, backendTimeoutMs: 2_000, backendBreakerThreshold: 1 });
    // a second gateway on the same circuit, with a shorter deadline
    const impatient = new HttpBackendGateway(await aConfig({ backendUrl: narrow.stub.url, backendTimeoutMs: 200 }), undefined, narrow.circuit);
    try {
      narrow.stub.delay('getThreads', 800, 1);
      const holding = narrow.gateway.getThreads(narrow.alice, PAGE)();
      const queued = await failsWith('BACKEND_UNAVAILABLE', impatient.getThreads(narrow.alice, PAGE));
      expect(queued.message).to.contain('too busy');
      await succeeds(() => holding);
      expect(narrow.stub.requestsTo('getThreads')).to.have.length(1);
      // threshold 1: had the queued call counted, the circuit would be open
      expect(narrow.circuit.position).to.equal('closed');
    } finally {
      await impatient.close();
      await narrow.close();
    }
  });

  it('refuses a call beyond ECB_BACKEND_MAX_CONCURRENCY at once when the queue is full, without calling the backend', async () => {
    const narrow = await startGuardedGateway({ backendMaxConcurrency: 2, backendMaxQueued: 0 });
    try {
      narrow.stub.delay('getThreads', 300, 2);
      const slow = [narrow.gateway.getThreads(narrow.alice, PAGE)(), narrow.gateway.getThreads(narrow.alice, PAGE)()];
      const refused = await failsWith('BACKEND_UNAVAILABLE', narrow.gateway.getThreads(narrow.alice, PAGE));
      expect(refused.message).to.contain('too many');
      for (const call of slow) await succeeds(() => call);
      expect(narrow.stub.requestsTo('getThreads')).to.have.length(2);
      expect(narrow.circuit.position).to.equal('closed');
      await succeeds(narrow.gateway.getThreads(narrow.alice, PAGE));
    } finally {
      await narrow.close();
    }
  });
});
