import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import { requireMembership, requireThread, type ThreadGrant } from '../domain/thread.js';
import type { ChatPolicy } from './chat-policy.js';
import type { TokenVerifier } from './ports/token-verifier.js';

export interface ThreadAccess {
  readonly userId: string;
  readonly threadToken: string;
  /** The thread the transport addressed, when it names one (REST paths do). */
  readonly threadId?: string | undefined;
}

/**
 * The step every thread operation starts with: the thread token verifies,
 * names the thread asked for (when the transport names one), and, with
 * block-non-members on, lists the caller among its members.
 */
export const authorizeThread =
  (tokens: TokenVerifier, policy: ChatPolicy) =>
  (access: ThreadAccess): TE.TaskEither<EcbError, ThreadGrant> =>
  // plain awaits rather than a pipe of chains (one promise hop, not three)
  async () => checkThreadAccess(policy, access, await tokens.verifyThread(access.threadToken)());

/**
 * What `authorizeThread` checks once the token verified (or not): for a
 * caller that awaits the verification itself, in its own frame, and so
 * saves the promise hop of one more async function (sendMessage does).
 */
export const checkThreadAccess = (
  policy: ChatPolicy,
  access: ThreadAccess,
  verified: E.Either<EcbError, ThreadGrant>,
): E.Either<EcbError, ThreadGrant> => {
  if (E.isLeft(verified)) return verified;
  const named = access.threadId === undefined ? verified : requireThread(access.threadId)(verified.right);
  if (E.isLeft(named) || !policy.blockNonMembers) return named;
  return requireMembership(access.userId)(named.right);
};
