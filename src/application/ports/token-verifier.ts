import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../../domain/errors.js';
import type { ThreadGrant } from '../../domain/thread.js';
import type { UserIdentity } from '../../domain/user.js';

/**
 * Proves who a caller is and what it may touch, from credentials the backend
 * issued. Implementations accept only what the backend signed, with the
 * pinned algorithm and key, and never accept a credential of one kind as
 * another (a thread credential is never a user's, and so on).
 *
 * Failures: `UNAUTHORIZED` for a user or server credential that is missing,
 * malformed, forged, of the wrong kind, or expired (`TOKEN_EXPIRED` when
 * only its lifetime is wrong); `FORBIDDEN` for any thread credential that
 * does not verify. `BACKEND_UNAVAILABLE` (retryable) when the keys cannot be
 * fetched right now (no verdict on the credential); `INTERNAL` when the
 * configured key cannot verify at all. Never throws; never rejects.
 */
export interface TokenVerifier {
  /** A user's credential: who they are and until when. */
  verifyUser(credential: string): TaskEither<EcbError, UserIdentity>;
  /** A thread's credential: which thread, for which members. */
  verifyThread(credential: string): TaskEither<EcbError, ThreadGrant>;
  /**
   * The grant of a thread credential this verifier proved before and still
   * holds valid, at once, without a task to wait for; undefined when it
   * would have to verify it (then `verifyThread` does). Optional: a
   * verifier that remembers nothing need not offer it. For the hot path of
   * every message (sendMessage), whose thread token is nearly always known.
   */
  knownThread?(credential: string): ThreadGrant | undefined;
  /** The backend's own short-lived credential for the server API. */
  verifyServer(credential: string): TaskEither<EcbError, void>;
}
