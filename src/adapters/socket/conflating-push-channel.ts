import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { PushChannel, SubscriberId } from '../../application/ports/push-channel.js';
import type { ThreadEventSettings } from '../../config.js';
import type { EcbError } from '../../domain/errors.js';
import type { ThreadMessage } from '../../domain/message.js';
import type { Thread } from '../../domain/thread.js';

/** A `thread` event held back until its thread's interval ends (or just pushed). */
export interface Held {
  readonly userIds: readonly string[];
  readonly thread: Thread;
}

/** One large thread inside its interval: its timer, what it last pushed, and the latest version not pushed yet. */
interface Interval {
  readonly timer: NodeJS.Timeout;
  readonly pushedTime: number;
  held: Held | undefined;
}

/**
 * Conflates the `thread` events of large threads (docs/scaling.md#large-threads).
 *
 * A `thread` event carries the whole thread (every member and the thread
 * token), and goes to every member: for a thread of n members each change
 * costs n events of a size that grows with n, so a busy 1,000-member thread
 * would push tens of megabytes per message. Clients only need a thread's
 * latest version, so for a thread with more than `largeThreadMembers`
 * members the first change is pushed at once; changes within the next
 * `intervalMs` are merged, and the latest version (highest
 * `lastMessageTime`; on a tie the later change) is pushed when the
 * interval ends, to every user of every merged change. A change older than
 * the version last pushed (answers can complete out of order) is dropped,
 * so members never step back to an older version. At most one `thread`
 * event per large thread per interval, and the latest is never dropped.
 *
 * The interval is `intervalMs`, or longer when the thread is so large that
 * its events would write more than `bytesPerSecond` a second (an event's
 * bytes times its users: ~23 KB × 1,000 for the benchmark's thread, so a
 * push every ~3 s at 8 MB/s), and never longer than `maxIntervalMs`. Each
 * push sizes the next interval, so a thread's cost per second stays bounded
 * as it grows, where a fixed interval lets it grow with the square of its
 * members (docs/benchmarks.md, finding 10).
 *
 * Messages, typing, subscriptions, disconnects and hand-overs pass through
 * untouched, as do `thread` events of smaller threads. Each node conflates
 * its own pushes. `close()` pushes what is held and stops the timers.
 */
export class ConflatingPushChannel implements PushChannel {
  private readonly intervals = new Map<string, Interval>();

  constructor(
    private readonly inner: PushChannel & { close?(): void },
    private readonly settings: ThreadEventSettings,
  ) {}

  subscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    return this.inner.subscribe(subscriber, threadId);
  }

  unsubscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    return this.inner.unsubscribe(subscriber, threadId);
  }

  pushMessage(threadId: string, message: ThreadMessage, except?: SubscriberId): void {
    this.inner.pushMessage(threadId, message, except);
  }

  pushTyping(threadId: string, typing: { readonly userId: string; readonly isTyping: boolean }, except?: SubscriberId): void {
    this.inner.pushTyping(threadId, typing, except);
  }

  pushThread(userIds: readonly string[], thread: Thread): void {
    if (this.settings.intervalMs === 0 || userIds.length <= this.settings.largeThreadMembers) {
      this.inner.pushThread(userIds, thread);
      return;
    }
    const interval = this.intervals.get(thread.threadId);
    if (interval === undefined) {
      this.inner.pushThread(userIds, thread);
      this.startInterval({ userIds, thread });
      return;
    }
    if (thread.lastMessageTime < interval.pushedTime) return;
    interval.held = merge(interval.held, { userIds, thread });
  }

  disconnectUser(userId: string): TaskEither<EcbError, void> {
    return this.inner.disconnectUser(userId);
  }

  /** A `thread` event held for its interval is not handed over until the interval ends. */
  handOver(): TaskEither<EcbError, void> {
    return this.inner.handOver();
  }

  /** Pushes every held `thread` event now and stops the timers (on shutdown). */
  close(): void {
    for (const [threadId, interval] of this.intervals) {
      clearTimeout(interval.timer);
      this.intervals.delete(threadId);
      if (interval.held !== undefined) this.inner.pushThread(interval.held.userIds, interval.held.thread);
    }
    this.inner.close?.();
  }

  private startInterval(pushed: Held): void {
    const { threadId, lastMessageTime } = pushed.thread;
    const timer = setTimeout(() => this.endInterval(threadId), intervalAfter(pushed, this.settings));
    timer.unref();
    this.intervals.set(threadId, { timer, pushedTime: lastMessageTime, held: undefined });
  }

  /** The interval is over: push what it held and start the next one, or forget the thread. */
  private endInterval(threadId: string): void {
    const held = this.intervals.get(threadId)?.held;
    this.intervals.delete(threadId);
    if (held === undefined) return;
    this.inner.pushThread(held.userIds, held.thread);
    this.startInterval(held);
  }
}

/**
 * How long after this push the thread's next `thread` event may go: what it
 * wrote (the event's UTF-8 bytes, as Socket.IO sends it, times its users)
 * at `bytesPerSecond`, within [`intervalMs`, `maxIntervalMs`]. One
 * JSON.stringify per push of a large thread, at most one push per interval.
 */
export const intervalAfter = (pushed: Held, settings: ThreadEventSettings): number => {
  if (settings.bytesPerSecond === 0) return settings.intervalMs;
  const bytes = Buffer.byteLength(JSON.stringify({ thread: pushed.thread })) * pushed.userIds.length;
  const budgeted = Math.ceil((bytes * 1000) / settings.bytesPerSecond);
  return Math.min(settings.maxIntervalMs, Math.max(settings.intervalMs, budgeted));
};

/** The latest version of the thread, for every user either change was for. */
const merge = (held: Held | undefined, next: Held): Held => {
  if (held === undefined) return next;
  const latest = next.thread.lastMessageTime >= held.thread.lastMessageTime ? next.thread : held.thread;
  return { userIds: sameUsers(held.userIds, next.userIds) ? next.userIds : union(held.userIds, next.userIds), thread: latest };
};

const sameUsers = (a: readonly string[], b: readonly string[]): boolean =>
  a === b || (a.length === b.length && a.every((userId, i) => userId === b[i]));

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];
