import { setMaxListeners } from 'node:events';

/** Longest bucket, ms: the most a shared deadline fires after a call's own one. */
const MAX_BUCKET_MS = 50;

/** One bucket's deadline, held by the calls that started in it. */
export interface DeadlineLease {
  /** Aborts no earlier than the deadline of every call holding it, and at most one bucket later. */
  readonly signal: AbortSignal;
}

interface Bucket extends DeadlineLease {
  readonly controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  /** Calls that hold it and have not released it yet. */
  holders: number;
}

/**
 * Deadlines of `timeoutMs` for backend calls, shared by the calls that start
 * close together. A call started at `now` holds the bucket `now` falls in; a
 * bucket opened at `t0` takes the calls started in `[t0, t0 + bucketMs)`
 * and aborts its signal `timeoutMs + bucketMs` after `t0`. So the signal of
 * a call aborts
 *
 * - never before that call's own deadline (`now + timeoutMs`): aborting it
 *   only affects calls that are all past theirs, and
 * - at most `bucketMs` after it (plus the lateness of any Node timer).
 *
 * The bucket is a hundredth of the timeout, at most 50 ms (50 ms late on the
 * default 5 s). What this saves, per call: an `AbortController` (and its
 * lazily created signal), a `setTimeout` and a `clearTimeout`; under load
 * one bucket serves dozens of calls (docs/benchmarks.md). Opening a bucket
 * is itself not cheap (~36 µs: this code runs too rarely for the optimising
 * compiler), so it is done at most 20 times a second (finding 12). The
 * signals are real `AbortSignal`s, so every transport and `pause()` take
 * them as before; many listeners on one of them are expected, so the
 * MaxListeners warning is off for them.
 *
 * Every `acquire` must be followed by one `release` when the call ends.
 * Once its bucket is over and every call in it released it, its timer is
 * cleared (a signal nobody listens to is never aborted: aborting costs a
 * `DOMException`). The timer is unref'd: a call in progress always holds a
 * socket, a pause timer or a place behind one that does, so the deadline
 * alone need not keep the process alive.
 */
export class SharedDeadlines {
  private readonly bucketMs: number;
  /** When the current bucket opened, and the first instant past it. */
  private opened = Number.NEGATIVE_INFINITY;
  private closes = Number.NEGATIVE_INFINITY;
  private current: Bucket | undefined;

  constructor(
    private readonly timeoutMs: number,
    bucketMs: number = Math.min(MAX_BUCKET_MS, timeoutMs / 100),
  ) {
    this.bucketMs = Math.max(0, bucketMs);
  }

  /**
   * The deadline of a call started at `now` (`performance.now()`, taken just
   * before): its signal aborts no earlier than `now + timeoutMs` and at most
   * `bucketMs` later. Release it when the call ends.
   */
  acquire(now: number): DeadlineLease {
    let bucket = this.current;
    // `now >= opened` too: a clock that went back (a fake one in a test) must not reuse a later bucket
    if (bucket === undefined || now >= this.closes || now < this.opened) {
      if (bucket !== undefined && bucket.holders === 0) stop(bucket);
      bucket = this.open(now);
    }
    bucket.holders++;
    return bucket;
  }

  /** Ends a call's hold on its deadline. */
  release(lease: DeadlineLease): void {
    const bucket = lease as Bucket;
    if (--bucket.holders === 0 && bucket !== this.current) stop(bucket);
  }

  private open(now: number): Bucket {
    const controller = new AbortController();
    const bucket: Bucket = { signal: controller.signal, controller, timer: undefined, holders: 0 };
    setMaxListeners(0, bucket.signal);
    // armed after `now` was taken, so it fires at least timeoutMs + bucketMs after `now`
    bucket.timer = setTimeout(() => {
      bucket.timer = undefined;
      if (bucket.holders > 0) controller.abort();
    }, this.timeoutMs + this.bucketMs);
    bucket.timer.unref();
    this.opened = now;
    this.closes = now + this.bucketMs;
    this.current = bucket;
    return bucket;
  }
}

const stop = (bucket: Bucket): void => {
  if (bucket.timer !== undefined) clearTimeout(bucket.timer);
  bucket.timer = undefined;
};
