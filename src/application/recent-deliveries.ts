/**
 * How many pushed messages a node remembers to recognise a client's retry:
 * at most this many message ids (1.75 MB with 46-character ids, measured;
 * 3.1 MB as joined keys before finding 19 of docs/benchmarks.md). A retry comes
 * within seconds of its first attempt; 10,000 covers that many sends with a
 * `clientMessageId` in between.
 */
const RECENT_DELIVERIES_CAPACITY = 10_000;

/**
 * The messages sent with a `clientMessageId` that this node stored and
 * pushed lately. A client that lost its ack retries with the same
 * `clientMessageId`, and the backend answers the message it already stored
 * (ECB-SPEC §6): that answer is acked again but not pushed again, since the
 * thread's connections got it the first time. A first attempt that failed
 * before its push (the backend's answer lost to a timeout) left no record,
 * so its retry is pushed. Per node: a retry on another node is pushed again
 * (clients de-duplicate by `messageId`).
 */
export class RecentDeliveries {
  /** The messages remembered, by thread: a thread's entry goes when its last message is forgotten. */
  private readonly threads = new Map<string, ThreadDeliveries>();
  /** The same messages in the order recorded, a ring: the next one to forget is at `next` once it is full. */
  private readonly ringThreads: ThreadDeliveries[] = [];
  private readonly ringMessages: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number = RECENT_DELIVERIES_CAPACITY) {}

  /** Records the message; false when it was already recorded (a retry), true the first time. */
  firstTime(threadId: string, messageId: string): boolean {
    // by thread, then by message id: no key is built (a joined key was a new string to flatten and
    // hash per message, and it kept both ids alive with it: about five objects the collector
    // promoted per message, where this keeps the message id alone; docs/benchmarks.md, finding 19)
    let thread = this.threads.get(threadId);
    if (thread === undefined) {
      thread = { threadId, messageIds: new Set() };
      this.threads.set(threadId, thread);
    } else if (thread.messageIds.has(messageId)) {
      return false;
    }
    thread.messageIds.add(messageId);
    if (this.ringMessages.length < this.capacity) {
      this.ringThreads.push(thread);
      this.ringMessages.push(messageId);
    } else {
      // forget the oldest (a ring rather than a Set's own order: taking a Set's first entry again
      // and again walks over every deleted one before it, microseconds at 10,000)
      const oldest = this.ringThreads[this.next]!;
      oldest.messageIds.delete(this.ringMessages[this.next]!);
      // each ring slot holds one of its thread's ids, so an empty thread has no slot left
      if (oldest.messageIds.size === 0) this.threads.delete(oldest.threadId);
      this.ringThreads[this.next] = thread;
      this.ringMessages[this.next] = messageId;
      this.next = (this.next + 1) % this.capacity;
    }
    return true;
  }
}

/** One thread's remembered message ids; the ring points here, so it holds the thread's id once. */
interface ThreadDeliveries {
  readonly threadId: string;
  readonly messageIds: Set<string>;
}
