/**
 * How many pushed messages a node remembers to recognise a client's retry:
 * at most this many keys of about 100 bytes each (~1 MB). A retry comes
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
  private readonly keys = new Set<string>();
  /** The same keys in the order recorded, a ring: the next one to forget is at `next` once it is full. */
  private readonly order: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number = RECENT_DELIVERIES_CAPACITY) {}

  /** Records the message; false when it was already recorded (a retry), true the first time. */
  firstTime(threadId: string, messageId: string): boolean {
    // the length first: no pair of other ids makes the same key
    const key = `${threadId.length}:${threadId}${messageId}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.order.length < this.capacity) {
      this.order.push(key);
    } else {
      // forget the oldest (a ring rather than the Set's own order: taking a Set's first entry
      // again and again walks over every deleted one before it, microseconds at 10,000)
      this.keys.delete(this.order[this.next]!);
      this.order[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    return true;
  }
}
