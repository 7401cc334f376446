import { clientError, type EcbClientError } from './ecb-client-error.js';

/** setTimeout cannot wait longer than this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: EcbClientError) => void;
}

/** Callers waiting for the next connection, each with its own time limit. */
export class ConnectionWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves at the next `resolveAll`, rejects at `rejectAll` or with DISCONNECTED after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs < MAX_TIMER_MS
          ? setTimeout(() => {
              this.waiters.delete(waiter);
              reject(clientError('DISCONNECTED', `not connected within ${timeoutMs} ms`));
            }, timeoutMs)
          : undefined;
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  resolveAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter.resolve();
  }

  rejectAll(error: EcbClientError): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }
}
