import { expect } from 'chai';
import fc from 'fast-check';
import perfHooks from 'node:perf_hooks';
import sinon from 'sinon';
import { Counter, Histogram, Registry } from 'prom-client';
import { PromMetrics, type Outcome } from '../../../src/adapters/observability/prom-metrics.js';
import { buildContainer } from '../../../src/container.js';
import { aConfig } from '../../support/config.js';

/** The metrics as prom-client counts them itself, one `inc`/`observe` per call: what /metrics showed before. */
class PromClientCounting {
  readonly registry = new Registry();
  private readonly operations = new Counter({
    name: 'ecb_operations_total',
    help: 'Client and server-API operations by transport and outcome (OK or an error code)',
    labelNames: ['operation', 'transport', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly backendLatency = new Histogram({
    name: 'ecb_backend_request_duration_seconds',
    help: 'Backend calls by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly pushes = new Counter({
    name: 'ecb_pushes_total',
    help: 'Events pushed to rooms by kind (message, typing, thread, disconnect)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  operation(operation: string, transport: 'socket' | 'rest' | 'server', outcome: Outcome): void {
    this.operations.inc({ operation, transport, outcome });
  }
  onCall(operation: string, outcome: Outcome, seconds: number): void {
    this.backendLatency.observe({ operation, outcome }, seconds);
  }
  pushed(kind: 'message' | 'typing' | 'thread' | 'disconnect'): void {
    this.pushes.inc({ kind });
  }
}

type Call =
  | { readonly call: 'operation'; readonly operation: string; readonly transport: 'socket' | 'rest' | 'server'; readonly outcome: Outcome; readonly kept: boolean }
  | { readonly call: 'onCall'; readonly operation: string; readonly outcome: Outcome; readonly seconds: number }
  | { readonly call: 'pushed'; readonly kind: 'message' | 'typing' | 'thread' | 'disconnect'; readonly kept: boolean }
  | { readonly call: 'scrape' };

const operation = fc.constantFrom('sendMessage', 'getThread', 'createThread', 'addThreadMessage');
const outcome = fc.constantFrom<Outcome>('OK', 'FORBIDDEN', 'BAD_REQUEST', 'BACKEND_ERROR');
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ call: fc.constant('operation' as const), operation, transport: fc.constantFrom('socket' as const, 'rest' as const, 'server' as const), outcome, kept: fc.boolean() }),
  fc.record({
    call: fc.constant('onCall' as const),
    operation,
    outcome,
    seconds: fc.oneof(fc.constantFrom(0, ...BOUNDS), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 0.2, noNaN: true })),
  }),
  fc.record({ call: fc.constant('pushed' as const), kind: fc.constantFrom('message' as const, 'typing' as const, 'thread' as const, 'disconnect' as const), kept: fc.boolean() }),
  fc.constant({ call: 'scrape' as const }),
);

/** Only the three metrics both count (PromMetrics also has gauges). */
const countedPart = (text: string): string =>
  text
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => /ecb_(operations_total|backend_request_duration_seconds|pushes_total)/.test(block))
    .join('\n\n');

describe('PromMetrics', () => {
  it('shows at every scrape exactly what prom-client counting each call itself shows: series, values, order', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(call, { maxLength: 60 }), async (calls) => {
          const ours = new PromMetrics({ defaultMetrics: false });
          const reference = new PromClientCounting();
          const compare = async (): Promise<void> => {
            expect(countedPart(await ours.text())).to.equal(countedPart(await reference.registry.metrics()));
            expect(JSON.stringify((await ours.registry.getMetricsAsJSON()).filter((m) => m.name !== 'ecb_connections' && m.name !== 'ecb_backend_circuit_state')))
              .to.equal(JSON.stringify(await reference.registry.getMetricsAsJSON()));
          };
          // `kept`: counted through a counter kept per series (operationCounter, pushCounter), made at its
          // first use here and reused after, as ECB's handlers and push channel keep theirs
          const counters = new Map<string, () => void>();
          const kept = (key: string, make: () => () => void): void => {
            let counter = counters.get(key);
            if (counter === undefined) counters.set(key, (counter = make()));
            counter();
          };
          for (const c of calls) {
            if (c.call === 'operation' && c.kept) {
              kept(`${c.operation}/${c.transport}/${c.outcome}`, () => ours.operationCounter(c.operation, c.transport, c.outcome));
              reference.operation(c.operation, c.transport, c.outcome);
            } else if (c.call === 'operation') {
              ours.operation(c.operation, c.transport, c.outcome);
              reference.operation(c.operation, c.transport, c.outcome);
            } else if (c.call === 'onCall') {
              ours.onCall(c.operation, c.outcome, c.seconds);
              reference.onCall(c.operation, c.outcome, c.seconds);
            } else if (c.call === 'pushed' && c.kept) {
              kept(c.kind, () => ours.pushCounter(c.kind));
              reference.pushed(c.kind);
            } else if (c.call === 'pushed') {
              ours.pushed(c.kind);
              reference.pushed(c.kind);
            } else {
              await compare();
            }
          }
          await compare();
        }),
        { numRuns: 300 },
      );
  });

  it('lists the duration series first observed first, and again from their next observation after a reset', async () => {
    const ours = new PromMetrics({ defaultMetrics: false });
    const reference = new PromClientCounting();
    for (const metrics of [ours, reference]) {
      metrics.onCall('getThread', 'OK', 0.02);
      for (const seconds of [0.001, 0.3, 7, 11]) metrics.onCall('addThreadMessage', 'OK', seconds);
      metrics.onCall('getThread', 'OK', 0.04);
    }
    const text = countedPart(await ours.text());
    expect(text).to.equal(countedPart(await reference.registry.metrics()));
    expect(text.indexOf('operation="getThread"')).to.be.below(text.indexOf('operation="addThreadMessage"'));
    expect(text).to.include('ecb_backend_request_duration_seconds_count{operation="getThread",outcome="OK"} 2');
    expect(text).to.include('ecb_backend_request_duration_seconds_bucket{le="10",operation="addThreadMessage",outcome="OK"} 3');
    expect(text).to.include('ecb_backend_request_duration_seconds_bucket{le="+Inf",operation="addThreadMessage",outcome="OK"} 4');
    ours.registry.resetMetrics();
    reference.registry.resetMetrics();
    for (const metrics of [ours, reference]) {
      metrics.onCall('addThreadMessage', 'OK', 0.2);
      metrics.onCall('getThread', 'NOT_FOUND', 0.01);
    }
    const after = countedPart(await ours.text());
    expect(after).to.equal(countedPart(await reference.registry.metrics()));
    expect(after).to.not.include('outcome="OK"} 4');
    expect(after.indexOf('operation="addThreadMessage"')).to.be.below(after.indexOf('operation="getThread"'));
  });

  it('lists the series of every metric in the /metrics text', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    metrics.operation('sendMessage', 'socket', 'OK');
    metrics.operation('sendMessage', 'socket', 'OK');
    metrics.pushed('message');
    metrics.onCall('addThreadMessage', 'OK', 0.007);
    const text = await metrics.text();
    expect(text).to.include('ecb_operations_total{operation="sendMessage",transport="socket",outcome="OK"} 2');
    expect(text).to.include('ecb_pushes_total{kind="message"} 1');
    expect(text).to.include('ecb_backend_request_duration_seconds_bucket{le="0.005",operation="addThreadMessage",outcome="OK"} 0');
    expect(text).to.include('ecb_backend_request_duration_seconds_bucket{le="0.01",operation="addThreadMessage",outcome="OK"} 1');
    expect(text).to.include('ecb_backend_request_duration_seconds_count{operation="addThreadMessage",outcome="OK"} 1');
  });

  it('samples the event-loop delay at the resolution it is given, 50 ms by default', async () => {
    // prom-client reads perf_hooks' function when its default metrics are collected
    const monitor = sinon.spy(perfHooks, 'monitorEventLoopDelay');
    try {
      const metrics = new PromMetrics({ eventLoopResolutionMs: 200 });
      new PromMetrics();
      expect(monitor.args.map(([options]) => options?.resolution)).to.deep.equal([200, 50]);
      expect(await metrics.text()).to.include('ecb_nodejs_eventloop_lag_p99_seconds');
    } finally {
      for (const call of monitor.returnValues) call.disable();
      monitor.restore();
    }
  });

  it('is given ECB_METRICS_EVENT_LOOP_RESOLUTION_MS by the composition root', async () => {
    const monitor = sinon.spy(perfHooks, 'monitorEventLoopDelay');
    try {
      buildContainer(await aConfig({ metricsEventLoopResolutionMs: 123 }));
      expect(monitor.args.map(([options]) => options?.resolution)).to.deep.equal([123]);
    } finally {
      for (const call of monitor.returnValues) call.disable();
      monitor.restore();
    }
  });

  it('refuses a duration that is not a finite number, as prom-client does', () => {
    expect(() => new PromMetrics({ defaultMetrics: false }).onCall('getThread', 'OK', Number.NaN)).to.throw(TypeError);
  });
});
