import type { Thread } from '../../domain/thread.js';
import type { CheckContext } from './check-context.js';
import type { CheckKeys } from './check-keys.js';
import { fail, pass } from './check-result.js';

const FIX_SIGNATURE =
  'Sign every thread token with RS256 and the private key whose public key ECB is given ' +
  '(jose: new SignJWT(claims).setProtectedHeader({ alg: "RS256" }); never HS256 or a shared secret).';
const FIX_CLAIMS =
  'A thread token carries { threadId: <the thread\'s id>, memberIds: [<every member\'s userId>] } and exp, ' +
  'and neither "userId" nor "role": ECB reads membership from memberIds and refuses a token of another kind.';
const FIX_EVERYWHERE =
  'Every thread in every answer (getThreads, getThread, createThread, addThreadMessage) carries a thread token ' +
  'ECB accepts: RS256 with the private key whose public key ECB is given, with { threadId, memberIds: [<every member>] }. ' +
  'Sign them all in one place.';

/** Why ECB would refuse this thread's token: the signature's problem, or the claims' problems. */
const tokenProblems = async (
  keys: CheckKeys,
  thread: Thread,
): Promise<{ readonly signature?: string; readonly claims: readonly string[] }> => {
  const verified = await keys.verify(thread.threadToken);
  if (!verified.ok) return { signature: `ECB would refuse it: ${verified.reason}`, claims: [] };
  const claims = verified.claims;
  const memberIds = claims['memberIds'];
  const problems: string[] = [];
  if (claims['threadId'] !== thread.threadId) problems.push('its threadId claim is not the thread\'s threadId');
  if (!Array.isArray(memberIds) || !memberIds.every((id) => typeof id === 'string')) {
    problems.push('it has no memberIds claim (an array of user ids)');
  } else {
    const missing = thread.members.map((m) => m.userId).filter((id) => !memberIds.includes(id));
    if (missing.length > 0) problems.push(`memberIds lacks ${missing.map((id) => JSON.stringify(id)).join(', ')}`);
  }
  const otherKind = ['userId', 'role'].filter((claim) => claim in claims);
  if (otherKind.length > 0) problems.push(`it also carries ${otherKind.join(', ')}`);
  return { claims: problems };
};

/** The thread token ECB will verify on every request about this thread (ECB-SPEC §2). */
export const checkThreadToken = async (context: CheckContext, thread: Thread): Promise<void> => {
  const { keys, log } = context;
  const { signature, claims } = await tokenProblems(keys, thread);
  const title = 'the thread token is RS256 and verifies with the public key';
  if (signature !== undefined) {
    log.add('threadToken.signature', title, fail(signature, FIX_SIGNATURE));
    return;
  }
  log.add('threadToken.signature', title, pass());
  log.add(
    'threadToken.claims',
    'the thread token names the thread and all its members',
    claims.length === 0 ? pass() : fail(claims.join('; '), FIX_CLAIMS),
  );
};

/**
 * The thread tokens of every other answer: ECB verifies each one it is
 * given back, whichever operation answered it, so one signed differently
 * (a second code path) fails there and only there.
 */
export const checkEveryThreadToken = async (context: CheckContext, answered: ReadonlyArray<readonly [string, Thread]>): Promise<void> => {
  const problems: string[] = [];
  for (const [operation, thread] of answered) {
    const { signature, claims } = await tokenProblems(context.keys, thread);
    const found = signature ?? claims.join('; ');
    if (found !== '') problems.push(`${operation} (thread ${JSON.stringify(thread.threadId)}): ${found}`);
  }
  context.log.add(
    'threadToken.everywhere',
    'the thread tokens of getThreads, getThread and addThreadMessage verify and name their thread and members',
    answered.length === 0 ? pass('no other thread was answered')
      : problems.length === 0 ? pass(`${answered.length} tokens`)
        : fail(problems.slice(0, 3).join('; '), FIX_EVERYWHERE),
  );
};
