import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  bulkhead,
  circuitBreaker,
  handleWhenResult,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import * as E from 'fp-ts/lib/Either.js';
import { backendUnavailable, type EcbError } from '../../domain/errors.js';

/** What the circuit needs to know; EcbConfig provides all of it (ECB_BACKEND_BREAKER_*, ECB_BACKEND_MAX_CONCURRENCY). */
export interface BackendCircuitSettings {
  /** Consecutive BACKEND_UNAVAILABLE calls that open the circuit. */
  readonly backendBreakerThreshold: number;
  /** How long an open circuit fails fast before it lets one trial call through, ms. */
  readonly backendBreakerCooldownMs: number;
  /** Most backend calls in flight at once; more wait in a queue. */
  readonly backendMaxConcurrency: number;
  /** Calls waiting for a place; one more is refused at once. */
  readonly backendMaxQueued: number;
}

/** The circuit as the metrics show it: `ecb_backend_circuit_state`. */
export type CircuitPosition = 'closed' | 'half-open' | 'open';

export const CIRCUIT_GAUGE_VALUE: Readonly<Record<CircuitPosition, 0 | 1 | 2>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/**
 * Guards every backend call (cockatiel, docs/adr/0007): a cap on calls in
 * flight with a bounded queue (a call still queued at its deadline fails
 * without counting against the backend), then a consecutive-failure
 * circuit breaker. Only
 * BACKEND_UNAVAILABLE (5xx, timeout, refused, reset) counts as a failure:
 * a 4xx or a malformed answer proves the backend is up. While open, calls
 * fail at once with BACKEND_UNAVAILABLE and never reach the network; after
 * the cooldown the next call is the trial (callers arriving meanwhile wait
 * for its outcome), and its success closes the circuit.
 *
 * One instance per ECB node, shared by every call, so that its state is the
 * node's view of the backend (reported by /readyz and /metrics).
 */
export class BackendCircuit {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly inFlight: BulkheadPolicy;

  constructor(settings: BackendCircuitSettings) {
    this.breaker = circuitBreaker(
      handleWhenResult((result) => isUnavailable(result as E.Either<EcbError, unknown>)),
      {
        halfOpenAfter: settings.backendBreakerCooldownMs,
        breaker: new ConsecutiveBreaker(settings.backendBreakerThreshold),
      },
    );
    this.inFlight = bulkhead(settings.backendMaxConcurrency, settings.backendMaxQueued);
  }

  /**
   * Runs one backend call (its retries included) unless the circuit is open
   * or too many calls are in flight; `call` must not reject. Never rejects.
   */
  async run<A>(call: () => Promise<E.Either<EcbError, A>>, deadline?: AbortSignal): Promise<E.Either<EcbError, A>> {
    try {
      return await this.inFlight.execute(() =>
        // a call that waited in the queue past its deadline says nothing about the backend
        deadline?.aborted === true
          ? Promise.resolve(E.left(backendUnavailable('ECB is too busy: the call waited past its deadline', { circuit: 'queued' })))
          : this.breaker.execute(call),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        return E.left(backendUnavailable('the backend is failing; ECB is not calling it for a moment', { circuit: 'open' }));
      }
      if (error instanceof BulkheadRejectedError) {
        return E.left(backendUnavailable('too many backend calls are in progress', { circuit: 'saturated' }));
      }
      return E.left(backendUnavailable('the backend call failed unexpectedly', { circuit: describe(error) }));
    }
  }

  /**
   * Where the circuit stands. An open circuit whose cooldown has passed
   * still reads 'open' until a call comes and becomes the trial.
   */
  get position(): CircuitPosition {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  /** Whether this node currently believes the backend reachable (closed circuit). */
  healthy(): boolean {
    return this.position === 'closed';
  }
}

const isUnavailable = (result: E.Either<EcbError, unknown>): boolean =>
  E.isLeft(result) && result.left._tag === 'BACKEND_UNAVAILABLE';

const describe = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
