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
import { backendUnavailable, type EcbError } from '../../src/domain/errors.js';
import type { BackendCircuitSettings, CircuitPosition } from '../../src/adapters/backend/backend-circuit.js';

/**
 * The first BackendCircuit, on cockatiel 3 (bulkhead outside a circuit
 * breaker with a ConsecutiveBreaker), kept as the reference the current,
 * written-out BackendCircuit is compared with (docs/adr/0007).
 */
export class CockatielCircuit {
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
