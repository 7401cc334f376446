/**
 * Counts operations in progress on every inbound transport, so a graceful
 * shutdown can let them finish (within a bound) before closing connections.
 */
export class InFlightOperations {
  private count = 0;
  private idleWaiters: Array<() => void> = [];

  /** Runs `operation`, counted while it is in progress. */
  async track<T>(operation: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await operation();
    } finally {
      this.end();
    }
  }

  /**
   * Counts one operation as started; call `end()` exactly once when it is
   * over. For a hot path that settles its own promise: no frame of its own
   * stays alive while the operation waits (docs/benchmarks.md).
   */
  begin(): void {
    this.count++;
  }

  /** The operation counted by `begin()` is over. */
  end(): void {
    this.count--;
    if (this.count === 0) this.wakeIdle();
  }

  get size(): number {
    return this.count;
  }

  /** Resolves true once nothing is in progress, or false after `timeoutMs`. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  private wakeIdle(): void {
    // nearly always nobody waits (only a shutdown does): no array per idle moment then
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
