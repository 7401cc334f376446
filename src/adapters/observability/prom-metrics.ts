import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_EVENT_LOOP_RESOLUTION_MS } from '../../config.js';
import type { ErrorCode } from '../../domain/errors.js';

export type Outcome = ErrorCode | 'OK';

type PushKind = 'message' | 'typing' | 'thread' | 'disconnect';

/** One counter series, counted in a plain field until the next scrape. */
interface Tally<L> {
  readonly labels: L;
  pending: number;
}

const BACKEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How many backend call durations are kept per series before they go to the histogram (and at every scrape). */
const DURATION_BATCH = 256;

/** One histogram series: its durations not yet observed. */
interface DurationBatch {
  readonly labels: { readonly operation: string; readonly outcome: Outcome };
  readonly seconds: Float64Array;
  size: number;
}

/** The map at `key`, created empty on first use. */
const inner = <K, V>(outer: Map<K, V>, key: K, create: () => V): V => {
  let value = outer.get(key);
  if (value === undefined) {
    value = create();
    outer.set(key, value);
  }
  return value;
};

/**
 * ECB's Prometheus metrics, in one registry per server instance (tests run
 * several servers in one process). Served as text by GET /metrics.
 *
 * The per-message counters (operations, pushes) are counted in plain
 * fields, found through nested maps of label values, and added to
 * prom-client's counters by each counter's `collect()` hook at scrape time:
 * prom-client's own `inc` hashes and validates its label object on every
 * call. The scrape shows exactly the series, values and order prom-client's
 * own counting would (a unit test compares the two). Backend call
 * durations are kept in a small array per series and handed to prom-client's
 * `observe` in one loop, every `durationBatch` calls of a series and at each
 * scrape: a histogram has no public way to add counts in bulk, and an
 * `observe` (a label object validated and hashed into a new key string, a
 * closure) made between two messages cost about 2 µs per message end to end
 * (docs/benchmarks.md, finding 24). Each series' durations are observed in
 * the order they came, every series at once and in the order first seen, so
 * the scrape shows the sums, counts, series and order one `observe` per
 * call would.
 */
export class PromMetrics {
  readonly registry = new Registry();

  private readonly connections = new Gauge({
    name: 'ecb_connections',
    help: 'Socket.IO connections currently open on this node',
    registers: [this.registry],
  });

  // Series in the order they were first counted: the order prom-client would list them.
  private readonly operationTallies: Tally<{ operation: string; transport: string; outcome: Outcome }>[] = [];
  private readonly operationIndex = new Map<string, Map<string, Map<Outcome, Tally<{ operation: string; transport: string; outcome: Outcome }>>>>();

  private readonly operations: Counter<'operation' | 'transport' | 'outcome'> = new Counter({
    name: 'ecb_operations_total',
    help: 'Client and server-API operations by transport and outcome (OK or an error code)',
    labelNames: ['operation', 'transport', 'outcome'] as const,
    registers: [this.registry],
    collect: (): void => PromMetrics.handOver(this.operations, this.operationTallies),
  });

  private readonly backendLatency: Histogram<'operation' | 'outcome'> = new Histogram({
    name: 'ecb_backend_request_duration_seconds',
    help: 'Backend calls by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: BACKEND_BUCKETS,
    registers: [this.registry],
    collect: (): void => this.observeDurations(),
  });

  // Series in the order they were first seen, as prom-client would list them.
  private readonly durationBatches: DurationBatch[] = [];
  private readonly durationIndex = new Map<string, Map<Outcome, DurationBatch>>();
  private readonly durationBatch: number;

  private readonly pushTallies: Tally<{ kind: PushKind }>[] = [];
  private readonly pushIndex = new Map<PushKind, Tally<{ kind: PushKind }>>();

  private readonly pushes: Counter<'kind'> = new Counter({
    name: 'ecb_pushes_total',
    help: 'Events pushed to rooms by kind (message, typing, thread, disconnect)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: (): void => PromMetrics.handOver(this.pushes, this.pushTallies),
  });

  private readBackendCircuit: () => number = () => 0;

  private readonly backendCircuit: Gauge = new Gauge({
    name: 'ecb_backend_circuit_state',
    help: 'Circuit breaker around backend calls on this node: 0 closed, 1 half-open (trial call), 2 open (failing fast)',
    registers: [this.registry],
    collect: (): void => this.backendCircuit.set(this.readBackendCircuit()),
  });

  /**
   * `defaultMetrics` (on unless false): prom-client's process and Node.js
   * metrics, whose event-loop delay histogram samples every
   * `eventLoopResolutionMs` (ECB_METRICS_EVENT_LOOP_RESOLUTION_MS).
   */
  constructor(options: { defaultMetrics?: boolean; eventLoopResolutionMs?: number; durationBatch?: number } = {}) {
    this.durationBatch = Math.max(1, options.durationBatch ?? DURATION_BATCH);
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({
        register: this.registry,
        prefix: 'ecb_',
        eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? DEFAULT_EVENT_LOOP_RESOLUTION_MS,
      });
    }
  }

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  operation(operation: string, transport: 'socket' | 'rest' | 'server', outcome: Outcome): void {
    const byOutcome = inner(inner(this.operationIndex, operation, () => new Map()), transport, () => new Map());
    let tally = byOutcome.get(outcome);
    if (tally === undefined) {
      tally = { labels: { operation, transport, outcome }, pending: 0 };
      byOutcome.set(outcome, tally);
      this.operationTallies.push(tally);
    }
    tally.pending += 1;
  }

  /** Called by the backend gateway after every backend call. */
  onCall(operation: string, outcome: Outcome, seconds: number): void {
    // refused here, as prom-client's observe would, rather than at the next scrape
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    const byOutcome = inner(this.durationIndex, operation, () => new Map<Outcome, DurationBatch>());
    let batch = byOutcome.get(outcome);
    if (batch === undefined) {
      batch = { labels: { operation, outcome }, seconds: new Float64Array(this.durationBatch), size: 0 };
      byOutcome.set(outcome, batch);
      this.durationBatches.push(batch);
    }
    batch.seconds[batch.size++] = seconds;
    if (batch.size === batch.seconds.length) this.observeDurations();
  }

  /** Where the gauge `ecb_backend_circuit_state` reads the circuit from, at each scrape. */
  watchBackendCircuit(read: () => 0 | 1 | 2): void {
    this.readBackendCircuit = read;
  }

  pushed(kind: PushKind): void {
    let tally = this.pushIndex.get(kind);
    if (tally === undefined) {
      tally = { labels: { kind }, pending: 0 };
      this.pushIndex.set(kind, tally);
      this.pushTallies.push(tally);
    }
    tally.pending += 1;
  }

  /** The durations kept so far, to the histogram: every series, in the order first seen. */
  private observeDurations(): void {
    for (const batch of this.durationBatches) {
      for (let i = 0; i < batch.size; i++) this.backendLatency.observe(batch.labels, batch.seconds[i]!);
      batch.size = 0;
    }
  }

  /** At scrape time: what was counted since the last scrape, added to the counter in first-counted order. */
  private static handOver<L extends string>(counter: Counter<L>, tallies: readonly Tally<Partial<Record<L, string>>>[]): void {
    for (const tally of tallies) {
      if (tally.pending > 0) {
        counter.inc(tally.labels, tally.pending);
        tally.pending = 0;
      }
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
