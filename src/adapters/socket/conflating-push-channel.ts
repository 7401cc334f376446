import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { PushChannel, SubscriberId } from '../../application/ports/push-channel.js';
import type { ThreadEventSettings } from '../../config.js';
import type { EcbError } from '../../domain/errors.js';
import type { ThreadMessage } from '../../domain/message.js';
import type { Thread } from '../../domain/thread.js';

/** A `thread` event held back until its thread's interval ends. */
interface Held {
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
 * Messages, typing, subscriptions and disconnects pass through untouched,
 * as do `thread` events of smaller threads. Each node conflates its own
 * pushes. `close()` pushes what is held and stops the timers.
 */
export class ConflatingPushChannel implements PushChannel {
  private readonly intervals = new Map<string, Interval>();

  constructor(
    private readonly inner: PushChannel,
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
      this.startInterval(thread);
      return;
    }
    if (thread.lastMessageTime < interval.pushedTime) return;
    interval.held = merge(interval.held, { userIds, thread });
  }

  disconnectUser(userId: string): TaskEither<EcbError, void> {
    return this.inner.disconnectUser(userId);
  }

  /** Pushes every held `thread` event now and stops the timers (on shutdown). */
  close(): void {
    for (const [threadId, interval] of this.intervals) {
      clearTimeout(interval.timer);
      this.intervals.delete(threadId);
      if (interval.held !== undefined) this.inner.pushThread(interval.held.userIds, interval.held.thread);
    }
  }

  private startInterval(pushed: Thread): void {
    const timer = setTimeout(() => this.endInterval(pushed.threadId), this.settings.intervalMs);
    timer.unref();
    this.intervals.set(pushed.threadId, { timer, pushedTime: pushed.lastMessageTime, held: undefined });
  }

  /** The interval is over: push what it held and start the next one, or forget the thread. */
  private endInterval(threadId: string): void {
    const held = this.intervals.get(threadId)?.held;
    this.intervals.delete(threadId);
    if (held === undefined) return;
    this.inner.pushThread(held.userIds, held.thread);
    this.startInterval(held.thread);
  }
}

/** The latest version of the thread, for every user either change was for. */
const merge = (held: Held | undefined, next: Held): Held => {
  if (held === undefined) return next;
  const latest = next.thread.lastMessageTime >= held.thread.lastMessageTime ? next.thread : held.thread;
  return { userIds: sameUsers(held.userIds, next.userIds) ? next.userIds : union(held.userIds, next.userIds), thread: latest };
};

const sameUsers = (a: readonly string[], b: readonly string[]): boolean =>
  a === b || (a.length === b.length && a.every((userId, i) => userId === b[i]));

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];
