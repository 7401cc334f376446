import { DedupeWindow } from './dedupe-window.js';
import type { ThreadMessage } from './model.js';

const byCreationTime = (a: ThreadMessage, b: ThreadMessage): number => a.creationTime - b.creationTime;

/**
 * The client's view of one open thread: its latest token, the latest
 * creationTime known (where the next catch-up starts), and the message ids
 * already delivered, so that a message reaching the client
 * twice (a push and a catch-up, a push of its own message) is delivered once.
 *
 * While a fetch of the thread is in flight, pushes are held and merged with
 * its result, so that the catch-up and the pushes come out together in
 * creationTime order.
 */
export class ThreadFeed {
  private latest: number | undefined;
  private readonly seen: DedupeWindow;
  private held: ThreadMessage[] | undefined;

  constructor(
    readonly threadId: string,
    public threadToken: string,
    dedupeWindow: number,
  ) {
    this.seen = new DedupeWindow(dedupeWindow);
  }

  /** The latest creationTime delivered (or sent by this client). */
  get latestTime(): number | undefined {
    return this.latest;
  }

  /**
   * The `since` of a catch-up: the latest creationTime known, less an
   * overlap. Pushes of different senders may arrive out of creationTime
   * order (each is pushed when its own backend call returns, possibly from
   * another node); the overlap fetches again what could have been overtaken,
   * and the dedupe window drops what was already delivered.
   */
  catchUpSince(overlapSeconds: number): number | undefined {
    return this.latest === undefined ? undefined : this.latest - overlapSeconds;
  }

  /** Holds pushes from now until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** A pushed message: what to deliver now (nothing while held or when already delivered). */
  push(message: ThreadMessage): ThreadMessage[] {
    if (this.held !== undefined) {
      this.held.push(message);
      return [];
    }
    return this.deliver([message]);
  }

  /**
   * Ends a hold with the result of the fetch. `fetchedAreNew`: the fetched
   * messages are to be delivered (a catch-up); otherwise the caller hands
   * them over itself (openThread's result) and they only count as seen.
   * Returns what to deliver, in creationTime order, without duplicates.
   */
  release(fetched: readonly ThreadMessage[], fetchedAreNew: boolean): ThreadMessage[] {
    const held = this.held ?? [];
    this.held = undefined;
    if (fetchedAreNew) return this.deliver([...fetched, ...held]);
    for (const message of fetched) this.record(message);
    return this.deliver(held);
  }

  /** A message this client sent, as ECB stored it: a later push or catch-up of it is not delivered. */
  markSent(message: ThreadMessage): void {
    this.record(message);
  }

  private deliver(messages: readonly ThreadMessage[]): ThreadMessage[] {
    return [...messages].sort(byCreationTime).filter((message) => this.record(message));
  }

  /** True when the message is new. */
  private record(message: ThreadMessage): boolean {
    if (this.latest === undefined || message.creationTime > this.latest) this.latest = message.creationTime;
    return this.seen.add(message.messageId);
  }
}
