import { setMaxListeners } from 'node:events';

/** Longest bucket, ms: the most a shared deadline fires after a call's own one. */
const MAX_BUCKET_MS = 10;

/**
 * Deadlines of `timeoutMs` for backend calls, shared by the calls that start
 * close together. A call started at `now` gets the signal of the bucket
 * `now` falls in; a bucket opened at `t0` takes the calls started in
 * `[t0, t0 + bucketMs)` and aborts its signal `timeoutMs + bucketMs` after
 * `t0`. So the signal of a call aborts
 *
 * - never before that call's own deadline (`now + timeoutMs`): aborting it
 *   only affects calls that are all past theirs, and
 * - at most `bucketMs` after it (plus the lateness of any Node timer).
 *
 * The bucket is a hundredth of the timeout, at most 10 ms (10 ms late on the
 * default 5 s). What this saves, per call: an `AbortController` (and its
 * lazily created signal), a `setTimeout` and a `clearTimeout`; under load
 * one bucket serves dozens of calls (docs/benchmarks.md). The signals are
 * real `AbortSignal`s, so every transport and `pause()` take them as before;
 * many listeners on one of them are expected, so the MaxListeners warning
 * is off for them.
 *
 * The timer of a bucket is not cleared when its calls end (that would cost
 * the bookkeeping it saves); it is unref'd, so it never keeps the process
 * alive: a call in progress always holds a socket, a pause timer or a place
 * behind one that does.
 */
export class SharedDeadlines {
  private readonly bucketMs: number;
  /** When the current bucket opened, and the first instant past it. */
  private opened = Number.NEGATIVE_INFINITY;
  private closes = Number.NEGATIVE_INFINITY;
  private current: AbortSignal | undefined;

  constructor(
    private readonly timeoutMs: number,
    bucketMs: number = Math.min(MAX_BUCKET_MS, timeoutMs / 100),
  ) {
    this.bucketMs = Math.max(0, bucketMs);
  }

  /**
   * The signal for a call started at `now` (`performance.now()`, taken just
   * before): it aborts no earlier than `now + timeoutMs` and at most
   * `bucketMs` later.
   */
  signalFor(now: number): AbortSignal {
    // `now >= opened` too: a clock that went back (a fake one in a test) must not reuse a later bucket
    if (this.current !== undefined && now < this.closes && now >= this.opened) return this.current;
    const controller = new AbortController();
    const signal = controller.signal;
    setMaxListeners(0, signal);
    // armed after `now` was taken, so it fires at least timeoutMs + bucketMs after `now`
    setTimeout(() => controller.abort(), this.timeoutMs + this.bucketMs).unref();
    this.opened = now;
    this.closes = now + this.bucketMs;
    this.current = signal;
    return signal;
  }
}
