import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_EVENT_LOOP_RESOLUTION_MS } from '../../config.js';
import type { ErrorCode } from '../../domain/errors.js';
import { CountedHistogram, type HistogramSeries } from './counted-histogram.js';

export type Outcome = ErrorCode | 'OK';

type PushKind = 'message' | 'typing' | 'thread' | 'disconnect';

type Transport = 'socket' | 'rest' | 'server';

interface OperationLabels {
  readonly operation: string;
  readonly transport: string;
  readonly outcome: Outcome;
}

/** One counter series, counted in a plain field until the next scrape. */
interface Tally<L> {
  readonly labels: L;
  pending: number;
}

const BACKEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

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
 * durations go to a histogram counted in plain fields too
 * (counted-histogram.ts): prom-client's `observe` validates and hashes its
 * label object into a new key string on every call, about 2 µs per message
 * end to end one call at a time, and still about 1 µs in batches
 * (docs/benchmarks.md, findings 24 and 25).
 */
export class PromMetrics {
  readonly registry = new Registry();

  private readonly connections = new Gauge({
    name: 'ecb_connections',
    help: 'Socket.IO connections currently open on this node',
    registers: [this.registry],
  });

  // Series in the order they were first counted: the order prom-client would list them.
  private readonly operationTallies: Tally<OperationLabels>[] = [];
  private readonly operationIndex = new Map<string, Map<string, Map<Outcome, Tally<OperationLabels>>>>();

  private readonly operations: Counter<'operation' | 'transport' | 'outcome'> = new Counter({
    name: 'ecb_operations_total',
    help: 'Client and server-API operations by transport and outcome (OK or an error code)',
    labelNames: ['operation', 'transport', 'outcome'] as const,
    registers: [this.registry],
    collect: (): void => PromMetrics.handOver(this.operations, this.operationTallies),
  });

  private readonly backendLatency = new CountedHistogram<{ operation: string; outcome: Outcome }>(
    'ecb_backend_request_duration_seconds',
    'Backend calls by operation and outcome',
    BACKEND_BUCKETS,
    this.registry,
  );

  private readonly durationIndex = new Map<string, Map<Outcome, HistogramSeries<{ operation: string; outcome: Outcome }>>>();

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
  constructor(options: { defaultMetrics?: boolean; eventLoopResolutionMs?: number } = {}) {
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

  operation(operation: string, transport: Transport, outcome: Outcome): void {
    this.operationTally(operation, transport, outcome).pending += 1;
  }

  /**
   * Counts one series of `ecb_operations_total` per call, for a caller that
   * counts it on every message: its tally is found (or made) at the first
   * count and kept, so no label is looked up after that. The same series and
   * order as `operation` (a series is listed from its first count on).
   */
  operationCounter(operation: string, transport: Transport, outcome: Outcome): () => void {
    let tally: Tally<OperationLabels> | undefined;
    return () => {
      (tally ??= this.operationTally(operation, transport, outcome)).pending += 1;
    };
  }

  private operationTally(operation: string, transport: Transport, outcome: Outcome): Tally<OperationLabels> {
    const byOutcome = inner(inner(this.operationIndex, operation, () => new Map()), transport, () => new Map());
    let tally = byOutcome.get(outcome);
    if (tally === undefined) {
      tally = { labels: { operation, transport, outcome }, pending: 0 };
      byOutcome.set(outcome, tally);
      this.operationTallies.push(tally);
    }
    return tally;
  }

  /** Called by the backend gateway after every backend call. */
  onCall(operation: string, outcome: Outcome, seconds: number): void {
    // refused here, as prom-client's observe would, rather than at the next scrape
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    const byOutcome = inner(this.durationIndex, operation, () => new Map<Outcome, HistogramSeries<{ operation: string; outcome: Outcome }>>());
    let series = byOutcome.get(outcome);
    if (series === undefined) {
      series = this.backendLatency.series({ operation, outcome });
      byOutcome.set(outcome, series);
    }
    this.backendLatency.observe(series, seconds);
  }

  /** Where the gauge `ecb_backend_circuit_state` reads the circuit from, at each scrape. */
  watchBackendCircuit(read: () => 0 | 1 | 2): void {
    this.readBackendCircuit = read;
  }

  pushed(kind: PushKind): void {
    this.pushTally(kind).pending += 1;
  }

  /** Counts pushes of one kind per call, its tally kept from the first count on (as `operationCounter`). */
  pushCounter(kind: PushKind): () => void {
    let tally: Tally<{ kind: PushKind }> | undefined;
    return () => {
      (tally ??= this.pushTally(kind)).pending += 1;
    };
  }

  private pushTally(kind: PushKind): Tally<{ kind: PushKind }> {
    let tally = this.pushIndex.get(kind);
    if (tally === undefined) {
      tally = { labels: { kind }, pending: 0 };
      this.pushIndex.set(kind, tally);
      this.pushTallies.push(tally);
    }
    return tally;
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
