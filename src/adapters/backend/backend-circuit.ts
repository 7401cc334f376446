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
 * Guards every backend call (docs/adr/0007): a cap on calls in flight with a
 * bounded queue (a call still queued at its deadline fails without counting
 * against the backend), then a consecutive-failure circuit breaker. Only
 * BACKEND_UNAVAILABLE (5xx, timeout, refused, reset) counts as a failure:
 * a 4xx or a malformed answer proves the backend is up. While open, calls
 * fail at once with BACKEND_UNAVAILABLE and never reach the network; after
 * the cooldown the next call is the trial (callers arriving meanwhile wait
 * for its outcome, then go on as the circuit then says), and its success
 * closes the circuit, its failure opens it for another cooldown.
 *
 * The same policy as cockatiel's `bulkhead` outside its `circuitBreaker`
 * with a `ConsecutiveBreaker` (the first version of this class), written
 * out: cockatiel's three `async` frames per call stay alive while the
 * backend answers, and at hundreds of calls in flight they cost about a
 * quarter of a backend call's CPU (docs/benchmarks.md). A property test
 * runs this class and the cockatiel policy side by side on the same calls
 * (test/unit/adapters/backend-circuit.test.ts).
 *
 * One instance per ECB node, shared by every call, so that its state is the
 * node's view of the backend (reported by /readyz and /metrics).
 */
export class BackendCircuit {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  /** Calls admitted and not yet settled, trial waiters included. */
  private active = 0;
  /** Calls waiting for a place, first come first served. */
  private readonly waiting: Array<() => void> = [];
  private state: CircuitPosition = 'closed';
  /** Consecutive BACKEND_UNAVAILABLE outcomes while closed. */
  private failures = 0;
  private openedAt = 0;
  /** The half-open trial in progress. */
  private trial: Promise<unknown> | undefined;

  constructor(settings: BackendCircuitSettings, private readonly now: () => number = Date.now) {
    this.threshold = settings.backendBreakerThreshold;
    this.cooldownMs = settings.backendBreakerCooldownMs;
    this.maxInFlight = settings.backendMaxConcurrency;
    this.maxQueued = settings.backendMaxQueued;
  }

  /**
   * Runs one backend call (its retries included) unless the circuit is open
   * or too many calls are in flight; `call` must not reject. Never rejects.
   */
  run<A>(call: () => Promise<E.Either<EcbError, A>>, deadline?: AbortSignal): Promise<E.Either<EcbError, A>> {
    if (this.active < this.maxInFlight) return this.admit(call, deadline);
    if (this.waiting.length >= this.maxQueued) {
      return Promise.resolve(E.left(backendUnavailable('too many backend calls are in progress', { circuit: 'saturated' })));
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(this.admit(call, deadline))));
  }

  /**
   * The fast path of `run` for a caller that makes its call itself, in its
   * own frame: when the circuit is closed and a place is free, takes the
   * place and answers true; the caller then makes the call and must report
   * its result with `leave` exactly once. Otherwise answers false and takes
   * nothing: the caller goes through `run` (which queues, fails fast or
   * waits for the trial). `run` on a closed circuit does exactly this.
   */
  tryEnter(): boolean {
    if (this.state !== 'closed' || this.active >= this.maxInFlight) return false;
    this.active++;
    return true;
  }

  /** Ends a call that `tryEnter` admitted: its result counted as `run` counts it, then its place freed; `undefined` for a call that threw (counts neither way). */
  leave(result: E.Either<EcbError, unknown> | undefined): void {
    if (result !== undefined) this.count(result);
    this.release();
  }

  /**
   * Where the circuit stands. An open circuit whose cooldown has passed
   * still reads 'open' until a call comes and becomes the trial.
   */
  get position(): CircuitPosition {
    return this.state;
  }

  /** Whether this node currently believes the backend reachable (closed circuit). */
  healthy(): boolean {
    return this.state === 'closed';
  }

  private admit<A>(call: () => Promise<E.Either<EcbError, A>>, deadline: AbortSignal | undefined): Promise<E.Either<EcbError, A>> {
    this.active++;
    let outcome: Promise<E.Either<EcbError, A>>;
    try {
      if (deadline?.aborted === true) {
        // a call that waited in the queue past its deadline says nothing about the backend
        outcome = Promise.resolve(E.left(backendUnavailable('ECB is too busy: the call waited past its deadline', { circuit: 'queued' })));
      } else if (this.state === 'closed') {
        // nearly every call: one reaction that counts the outcome and frees the place, made once
        // per circuit, so nothing of the circuit's stays alive per call while the backend answers
        return call().then(this.closedOutcome, this.unexpected) as Promise<E.Either<EcbError, A>>;
      } else {
        outcome = this.guarded(call);
      }
    } catch (error) {
      // a call that throws instead of rejecting: answered like a rejection, never thrown at the caller
      outcome = Promise.reject(error);
    }
    // the place is freed in a later reaction, never here: freeing it admits the next queued call,
    // and a queue of calls past their deadline must not be refused recursively (the stack)
    return outcome.then(
      (result) => {
        this.release();
        return result;
      },
      this.unexpected,
    );
  }

  /** A closed circuit's call settled: counted (even when the circuit moved on meanwhile: a failure seen now is news of the backend now), then its place freed. */
  private readonly closedOutcome = (result: E.Either<EcbError, unknown>): E.Either<EcbError, unknown> => {
    this.count(result);
    this.release();
    return result;
  };

  /** A call that rejected or threw: not a backend answer at all, so it counts neither way. */
  private readonly unexpected = (error: unknown): E.Either<EcbError, never> => {
    this.release();
    return E.left(backendUnavailable('the backend call failed unexpectedly', { circuit: describe(error) }));
  };

  private count(result: E.Either<EcbError, unknown>): void {
    if (!isUnavailable(result)) this.failures = 0;
    else if (++this.failures >= this.threshold) this.open();
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next !== undefined) next();
  }

  private guarded<A>(call: () => Promise<E.Either<EcbError, A>>): Promise<E.Either<EcbError, A>> {
    switch (this.state) {
      case 'closed':
        // after waiting for a trial (admit runs a call on a closed circuit itself)
        return call().then((result) => {
          this.count(result);
          return result;
        });
      case 'half-open':
        // wait for the trial, then go on as the circuit says
        return (this.trial ?? Promise.resolve()).then(() => this.guarded(call));
      default: {
        if (this.now() - this.openedAt < this.cooldownMs) {
          return Promise.resolve(
            E.left(backendUnavailable('the backend is failing; ECB is not calling it for a moment', { circuit: 'open' })),
          );
        }
        this.state = 'half-open';
        const trial = call().then(
          (result) => {
            if (isUnavailable(result)) {
              this.failures++;
              this.open();
            } else {
              this.failures = 0;
              this.close();
            }
            return result;
          },
          (error: unknown) => {
            // not a backend answer at all: says nothing against the backend
            this.close();
            throw error;
          },
        );
        this.trial = trial.catch(() => undefined);
        return trial;
      }
    }
  }

  /** Opens the circuit for a cooldown, unless it is open already (a late failure does not extend it). */
  private open(): void {
    if (this.state === 'open') return;
    this.state = 'open';
    this.openedAt = this.now();
    this.trial = undefined;
  }

  /** Closes the circuit after a successful trial; a circuit reopened meanwhile stays open. */
  private close(): void {
    if (this.state !== 'half-open') return;
    this.state = 'closed';
    this.trial = undefined;
  }
}

const isUnavailable = (result: E.Either<EcbError, unknown>): boolean =>
  E.isLeft(result) && result.left._tag === 'BACKEND_UNAVAILABLE';

const describe = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
