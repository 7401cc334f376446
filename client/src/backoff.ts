/** Exponential backoff: the base delay, doubled per attempt, capped. */
export interface BackoffSettings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Each delay is multiplied by a random factor in [1 - f, 1 + f] (socket.io's jitter). Default 0.5. */
  readonly randomizationFactor?: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry), jittered
 * so that many clients cut off together do not come back together.
 */
export const backoffDelay = (attempt: number, settings: BackoffSettings, random: () => number = Math.random): number => {
  const exponential = settings.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const factor = settings.randomizationFactor ?? 0.5;
  const jittered = Math.min(exponential, settings.maxDelayMs) * (1 - factor + 2 * factor * random());
  return Math.round(Math.min(jittered, settings.maxDelayMs));
};

/** Waits `ms`; resolves `false` at once when `signal` aborts (the client was closed). */
export const sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
