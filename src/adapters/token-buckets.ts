/**
 * A rate as operators set it: `perSecond` tokens are added every second, up
 * to `burst` saved ones. `perSecond` 0 turns the limit off.
 */
export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

/** Milliseconds on a clock that never goes backwards. */
export type MonotonicMs = () => number;

export const monotonic: MonotonicMs = () => performance.now();

/**
 * One token bucket, refilled lazily on each use (no timers). It starts
 * full, so a fresh client may burst at once.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: MonotonicMs = monotonic,
    startedAt: number = now(),
  ) {
    this.tokens = rate.burst;
    this.updatedAt = startedAt;
  }

  /**
   * Takes one token: 0 when there was one, else how many ms until there will
   * be. `now` lets a caller that takes from several buckets read the clock once.
   */
  take(now: number = this.now()): number {
    if (this.rate.perSecond <= 0) return 0;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate.perSecond));
  }

  /** Gives back a token taken for a request that another limit then refused. */
  refund(): void {
    if (this.rate.perSecond > 0) this.tokens = Math.min(this.rate.burst, this.tokens + 1);
  }

  /** True when the bucket is as full as a new one: forgetting it changes nothing. */
  isFull(now: number = this.now()): boolean {
    this.refill(now);
    return this.tokens >= this.rate.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.updatedAt) * this.rate.perSecond) / 1000);
    this.updatedAt = now;
  }
}

/** How often idle keys are forgotten, so memory follows active keys only. */
const SWEEP_EVERY_MS = 60_000;

/** A key's bucket, and how many holders (open connections) keep it from being forgotten. */
interface Entry {
  readonly bucket: TokenBucket;
  holders: number;
}

/**
 * One bucket per key (a user id), created on first use. Full buckets are
 * forgotten at most once a minute, so the map holds only keys seen lately,
 * unless held: a connection holds its user's bucket while it is open
 * (`hold`, `release`) and takes from it directly, without looking the key
 * up on every event (a lookup in a map that had gone cold cost as much as
 * the rest of the rate check: docs/benchmarks.md, finding 25).
 */
export class KeyedTokenBuckets {
  private readonly entries = new Map<string, Entry>();
  private lastSweep: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: MonotonicMs = monotonic,
  ) {
    this.lastSweep = now();
  }

  /** Takes one token for `key`: 0 when allowed, else ms until the next token (`now`: as `TokenBucket.take`). */
  take(key: string, now: number = this.now()): number {
    if (this.rate.perSecond <= 0) return 0;
    this.sweepNow(now);
    return this.entry(key, now).bucket.take(now);
  }

  /**
   * The bucket of `key`, kept (never forgotten) until as many `release`s as
   * `hold`s: the same bucket `take(key)` takes from. Sweeps as `take` does:
   * a caller that only holds (each connection) must still let released,
   * full buckets be forgotten.
   */
  hold(key: string): TokenBucket {
    const now = this.now();
    this.sweepNow(now);
    const entry = this.entry(key, now);
    entry.holders++;
    return entry.bucket;
  }

  /** One holder of `key` is done with its bucket: once none is left, a full bucket may be forgotten again. */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.holders > 0) entry.holders--;
  }

  refund(key: string): void {
    this.entries.get(key)?.bucket.refund();
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private entry(key: string, now: number): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { bucket: new TokenBucket(this.rate, this.now, now), holders: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private sweepNow(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.holders === 0 && entry.bucket.isFull(now)) this.entries.delete(key);
  }
}

/** "retry in 0.4 s": the hint a refused client gets in the error message. */
export const retryHint = (retryAfterMs: number): string => `retry in ${(Math.ceil(retryAfterMs / 100) / 10).toFixed(1)} s`;
