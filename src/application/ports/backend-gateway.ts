import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../../domain/errors.js';
import type { OutgoingMessage } from '../../domain/message.js';
import type { Listing, Paging } from '../../domain/paging.js';
import type { Thread, ThreadAndMessages } from '../../domain/thread.js';
import type { Caller, User } from '../../domain/user.js';

export interface NewThread {
  readonly memberIds: readonly string[];
  readonly message: OutgoingMessage;
  /** The client's idempotency key: the same key means the same write. */
  readonly clientMessageId?: string | undefined;
}

export interface NewMessage {
  readonly threadId: string;
  readonly message: OutgoingMessage;
  readonly clientMessageId?: string | undefined;
}

/**
 * The company's backend, which owns users, threads and messages. ECB stores
 * nothing; every read and write goes through here.
 *
 * Guarantees: every answer has been validated against the domain's shapes
 * (a malformed answer is `BACKEND_ERROR`, never passed on). Failures are
 * values: `BACKEND_UNAVAILABLE` when the backend cannot be reached, timed
 * out or failed on its side (retryable); `UNAUTHORIZED`, `FORBIDDEN`,
 * `NOT_FOUND`, `BAD_REQUEST` and `RATE_LIMITED` when the backend refused;
 * `BACKEND_ERROR` for anything else. A write is attempted at most once:
 * a write whose outcome is unknown is reported as failed, and the client
 * retries it with the same `clientMessageId`. Never throws; never rejects.
 */
export interface BackendGateway {
  /** Trades an opaque access credential for a user's credential. */
  exchangeAccessToken(accessToken: string, requestId: string): TaskEither<EcbError, string>;
  getContacts(caller: Caller, paging: Paging): TaskEither<EcbError, Listing<User>>;
  getThreads(caller: Caller, paging: Paging): TaskEither<EcbError, Listing<Thread>>;
  createThread(caller: Caller, thread: NewThread): TaskEither<EcbError, ThreadAndMessages>;
  /** The thread and its messages; with `since`, the backend may send only later ones. */
  getThread(
    caller: Caller,
    query: { readonly threadId: string; readonly since?: number | undefined },
  ): TaskEither<EcbError, ThreadAndMessages>;
  /** Stores a message; the answer's messages hold the stored message. */
  addThreadMessage(caller: Caller, message: NewMessage): TaskEither<EcbError, ThreadAndMessages>;
}
