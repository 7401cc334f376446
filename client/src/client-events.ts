import type { EcbClientError } from './ecb-client-error.js';
import type { Thread, ThreadMessage, User } from './model.js';

/**
 * - `connecting`: before the first connection (and while its handshake is retried);
 * - `connected`: requests flow; after a reconnection, open threads are being caught up;
 * - `reconnecting`: the connection was lost (or is being renewed with a fresh token);
 * - `disconnected`: final: `close()` was called, or ECB refused the client for good (see `error`).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** A new message in a thread, pushed or caught up after a reconnection; never the same messageId twice per open thread. */
export interface MessagePush {
  readonly threadId: string;
  readonly message: ThreadMessage;
}

export interface TypingPush {
  readonly threadId: string;
  readonly userId: string;
  readonly isTyping: boolean;
}

/** A thread this user belongs to was created or changed (its token may be new). */
export interface ThreadPush {
  readonly thread: Thread;
}

/** After an access-token handshake: the user token ECB obtained, and who it is. */
export interface SessionPush {
  readonly userToken: string;
  readonly user: User;
}

export interface StateChange {
  readonly state: ConnectionState;
  /** Why the client stopped for good (with `disconnected` after a refusal). */
  readonly error?: EcbClientError;
}

/** The client now uses a user token it obtained itself (from `getToken` or a `session`). */
export interface TokenRefresh {
  readonly userToken: string;
}

/**
 * After a (re)connection, every open thread is re-joined and caught up:
 * from now on its messages arrive as pushes. `threadIds`: the threads caught up.
 */
export interface Recovered {
  readonly threadIds: readonly string[];
}

/** An open thread could not be caught up after a reconnection; it is no longer open. */
export interface RecoveryFailure {
  readonly threadId: string;
  readonly error: EcbClientError;
}

/** Every event `EcbClient.on` accepts, with its payload. */
export interface ClientEvents {
  message: MessagePush;
  typing: TypingPush;
  thread: ThreadPush;
  session: SessionPush;
  state: StateChange;
  tokenRefreshed: TokenRefresh;
  recovered: Recovered;
  recoveryFailed: RecoveryFailure;
}

export type Unsubscribe = () => void;

type Handler<T> = (payload: T) => void;

/**
 * A tiny typed event emitter. A handler that throws does not stop the
 * others; its error is rethrown on its own, as a DOM event listener's would be.
 */
export class EventHub<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<Handler<never>>>();

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): Unsubscribe {
    const set = this.handlers.get(event) ?? new Set();
    this.handlers.set(event, set);
    const entry = handler as Handler<never>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        (handler as Handler<Events[K]>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
