import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../../domain/errors.js';
import type { ThreadMessage } from '../../domain/message.js';
import type { Thread } from '../../domain/thread.js';

/**
 * Identifies one live connection of a client, so it can subscribe to threads
 * and be left out of pushes it caused itself. Opaque to the core.
 */
export type SubscriberId = string;

/**
 * Delivers stored events to connected clients, wherever (on whichever node)
 * they are connected.
 *
 * Guarantees: subscribe/unsubscribe hold for the subscriber once they resolve.
 * Pushes are fire-and-forget, at most once per connected subscriber, in the
 * order they were made for one thread; a subscriber not connected at that
 * moment misses them and recovers with a read (`getThread` since). Pushes
 * never fail the operation that caused them. `disconnectUser` is the
 * exception: it fails with `BACKEND_UNAVAILABLE` when it cannot be handed to
 * every node, since revocation must not fail silently; and a caller that
 * must not call a push done before it is (the server API's push) confirms
 * it with `handOver`.
 */
export interface PushChannel {
  /** The subscriber receives this thread's messages and typing from now on. */
  subscribe(subscriber: SubscriberId, threadId: string): Promise<void>;
  unsubscribe(subscriber: SubscriberId, threadId: string): Promise<void>;
  /** A stored message, to every subscriber of the thread except `except`. */
  pushMessage(threadId: string, message: ThreadMessage, except?: SubscriberId): void;
  /** A typing signal, to every subscriber of the thread except `except`. */
  pushTyping(
    threadId: string,
    typing: { readonly userId: string; readonly isTyping: boolean },
    except?: SubscriberId,
  ): void;
  /** A created or changed thread, to every connection of each of these users. */
  pushThread(userIds: readonly string[], thread: Thread): void;
  /** Closes every connection of the user, on every node. */
  disconnectUser(userId: string): TaskEither<EcbError, void>;
  /**
   * Sends the pushes made so far and resolves once they have been handed to
   * every node. Fails with `BACKEND_UNAVAILABLE` when that cannot be
   * confirmed (the other nodes cannot be reached); the pushes still reach
   * the subscribers this node can reach, so a retry may deliver them twice
   * there. A `thread` push held back by conflation is not covered.
   */
  handOver(): TaskEither<EcbError, void>;
}
