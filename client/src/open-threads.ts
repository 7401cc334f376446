import { backoffDelay, sleep } from './backoff.js';
import type { ClientEvents, EventHub } from './client-events.js';
import type { EcbClientError } from './ecb-client-error.js';
import { threadIdOf } from './jwt-claims.js';
import type { Thread, ThreadAndMessages, ThreadMessage } from './model.js';
import type { Settings } from './options.js';
import type { Requester } from './requester.js';
import { ThreadFeed } from './thread-feed.js';

/**
 * The threads the application keeps open. ECB forgets a socket's rooms when
 * it disconnects; after every reconnection each open thread is fetched
 * again with `since` (which also re-joins its room), and what was missed is
 * delivered as `message` events, in creationTime order, once.
 */
export class OpenThreads {
  /** Open threads, and threads being opened (whose pushes are held meanwhile). */
  private readonly feeds = new Map<string, ThreadFeed>();
  private readonly open = new Set<string>();

  constructor(
    private readonly requester: Requester,
    private readonly hub: EventHub<ClientEvents>,
    private readonly settings: Settings,
    private readonly lifetime: AbortSignal,
  ) {}

  /** getThread, then keep the thread open. Pushes arriving meanwhile are merged, not lost or doubled. */
  async openThread(threadToken: string): Promise<ThreadAndMessages> {
    const expectedId = threadIdOf(threadToken);
    const pending = expectedId === undefined ? undefined : this.feedFor(expectedId, threadToken);
    pending?.hold();
    let opened: ThreadAndMessages;
    try {
      opened = await this.requester.call<ThreadAndMessages>('getThread', { threadToken });
    } catch (error) {
      if (pending !== undefined) this.settleFailedOpen(pending);
      throw error;
    }
    const { threadId } = opened.thread;
    if (pending !== undefined && pending.threadId !== threadId) this.settleFailedOpen(pending);
    const feed = this.feedFor(threadId, opened.thread.threadToken);
    feed.threadToken = opened.thread.threadToken;
    this.open.add(threadId);
    this.deliver(threadId, feed.release(opened.messages, false));
    return opened;
  }

  /** A thread this client created: ECB already joined it to the room. */
  adopt(created: ThreadAndMessages): void {
    const feed = this.feedFor(created.thread.threadId, created.thread.threadToken);
    this.open.add(created.thread.threadId);
    feed.release(created.messages, false);
  }

  /** Forgets the thread; returns whether it was open. */
  forget(threadToken: string): boolean {
    const threadId = this.threadIdFor(threadToken);
    if (threadId === undefined) return false;
    this.feeds.delete(threadId);
    return this.open.delete(threadId);
  }

  isOpen(threadId: string): boolean {
    return this.open.has(threadId);
  }

  /** The newest token the client holds for the thread `threadToken` names. */
  latestToken(threadToken: string): string {
    const threadId = threadIdOf(threadToken);
    return (threadId === undefined ? undefined : this.feeds.get(threadId)?.threadToken) ?? threadToken;
  }

  /** A `message` push: delivered unless it is a duplicate (or held during a fetch). */
  onPush(threadId: string, message: ThreadMessage): void {
    const feed = this.feeds.get(threadId);
    this.deliver(threadId, feed === undefined ? [message] : feed.push(message));
  }

  /** A `thread` push or a refreshed thread: its token may be new. */
  onThread(thread: Thread): void {
    const feed = this.feeds.get(thread.threadId);
    if (feed !== undefined) feed.threadToken = thread.threadToken;
  }

  /** This client's message, acknowledged as stored. */
  onSent(sent: ThreadAndMessages): void {
    this.onThread(sent.thread);
    const feed = this.feeds.get(sent.thread.threadId);
    for (const message of sent.messages) feed?.markSent(message);
  }

  /**
   * After a reconnection: catches every open thread up (concurrently).
   * Returns the threads caught up, or undefined when the connection was lost
   * (or the client closed) before all were: the next connection tries again.
   */
  async recoverAll(): Promise<string[] | undefined> {
    const outcomes = await Promise.all([...this.open].map(async (threadId) => [threadId, await this.recover(threadId)] as const));
    if (outcomes.some(([, outcome]) => outcome === 'interrupted')) return undefined;
    return outcomes.filter(([, outcome]) => outcome === 'caught up').map(([threadId]) => threadId);
  }

  private async recover(threadId: string): Promise<'caught up' | 'interrupted' | 'given up'> {
    for (let attempt = 1; ; attempt += 1) {
      const feed = this.feeds.get(threadId);
      if (this.lifetime.aborted) return 'interrupted';
      if (feed === undefined || !this.open.has(threadId)) return 'given up';
      feed.hold();
      const since = feed.catchUpSince(this.settings.catchUpOverlapSeconds);
      const outcome = await this.requester.attempt<ThreadAndMessages>(
        'getThread',
        since === undefined ? { threadToken: feed.threadToken } : { threadToken: feed.threadToken, since },
        { waitForConnectionMs: 0 },
      );
      if (outcome.ok) {
        feed.threadToken = outcome.data.thread.threadToken;
        this.deliver(threadId, feed.release(outcome.data.messages, true));
        return 'caught up';
      }
      this.deliver(threadId, feed.release([], true));
      const { error } = outcome;
      // Lost the connection (or the token, which renews and reconnects): the next connection recovers again.
      if (error.code === 'DISCONNECTED' || error.code === 'TOKEN_EXPIRED' || error.code === 'CLOSED') return 'interrupted';
      if (!error.retryable || attempt >= this.settings.retry.maxAttempts) {
        this.giveUp(threadId, error);
        return 'given up';
      }
      await sleep(backoffDelay(attempt, this.settings.retry), this.lifetime);
    }
  }

  private giveUp(threadId: string, error: EcbClientError): void {
    this.feeds.delete(threadId);
    this.open.delete(threadId);
    this.hub.emit('recoveryFailed', { threadId, error });
  }

  private feedFor(threadId: string, threadToken: string): ThreadFeed {
    const existing = this.feeds.get(threadId);
    if (existing !== undefined) return existing;
    const feed = new ThreadFeed(threadId, threadToken, this.settings.dedupeWindowPerThread);
    this.feeds.set(threadId, feed);
    return feed;
  }

  /** An open that failed: deliver what was held, and drop the feed unless the thread was open before. */
  private settleFailedOpen(feed: ThreadFeed): void {
    this.deliver(feed.threadId, feed.release([], true));
    if (!this.open.has(feed.threadId)) this.feeds.delete(feed.threadId);
  }

  private threadIdFor(threadToken: string): string | undefined {
    const decoded = threadIdOf(threadToken);
    if (decoded !== undefined) return decoded;
    for (const feed of this.feeds.values()) if (feed.threadToken === threadToken) return feed.threadId;
    return undefined;
  }

  private deliver(threadId: string, messages: readonly ThreadMessage[]): void {
    for (const message of messages) this.hub.emit('message', { threadId, message });
  }
}
