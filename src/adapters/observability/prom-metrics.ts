import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ErrorCode } from '../../domain/errors.js';

export type Outcome = ErrorCode | 'OK';

/**
 * ECB's Prometheus metrics, in one registry per server instance (tests run
 * several servers in one process). Served as text by GET /metrics.
 */
export class PromMetrics {
  readonly registry = new Registry();

  private readonly connections = new Gauge({
    name: 'ecb_connections',
    help: 'Socket.IO connections currently open on this node',
    registers: [this.registry],
  });

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

  private readBackendCircuit: () => number = () => 0;

  private readonly backendCircuit: Gauge = new Gauge({
    name: 'ecb_backend_circuit_state',
    help: 'Circuit breaker around backend calls on this node: 0 closed, 1 half-open (trial call), 2 open (failing fast)',
    registers: [this.registry],
    collect: (): void => this.backendCircuit.set(this.readBackendCircuit()),
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'ecb_' });
  }

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  operation(operation: string, transport: 'socket' | 'rest' | 'server', outcome: Outcome): void {
    this.operations.inc({ operation, transport, outcome });
  }

  /** Called by the backend gateway after every backend call. */
  onCall(operation: string, outcome: Outcome, seconds: number): void {
    this.backendLatency.observe({ operation, outcome }, seconds);
  }

  /** Where the gauge `ecb_backend_circuit_state` reads the circuit from, at each scrape. */
  watchBackendCircuit(read: () => 0 | 1 | 2): void {
    this.readBackendCircuit = read;
  }

  pushed(kind: 'message' | 'typing' | 'thread' | 'disconnect'): void {
    this.pushes.inc({ kind });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
