/** The pause before a read is tried again: small, growing, jittered. */
export interface BackoffLimits {
  /** Pause ceiling before the first retry, ms; doubled for each later one. */
  readonly retryBaseDelayMs: number;
  /** Largest pause ceiling, ms. */
  readonly retryMaxDelayMs: number;
}

/**
 * "Equal jitter": half the ceiling fixed, half random. Retries of many
 * callers after the same blip spread out instead of arriving together, and
 * the pause is never shorter than half the ceiling. `retry` counts from 0.
 */
export const backoffDelayMs = (retry: number, limits: BackoffLimits, random: () => number = Math.random): number => {
  const ceiling = Math.min(limits.retryMaxDelayMs, limits.retryBaseDelayMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
};

/** Waits `ms`, or less if `signal` aborts first; resolves whether the full pause passed. */
export const pause = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (completed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
