import type { Thread } from '../../domain/thread.js';
import type { CheckContext } from './check-context.js';
import { fail, pass } from './check-result.js';

const FIX_SIGNATURE =
  'Sign every thread token with RS256 and the private key whose public key ECB is given ' +
  '(jose: new SignJWT(claims).setProtectedHeader({ alg: "RS256" }); never HS256 or a shared secret).';
const FIX_CLAIMS =
  'A thread token carries { threadId: <the thread\'s id>, memberIds: [<every member\'s userId>] } and exp, ' +
  'and neither "userId" nor "role": ECB reads membership from memberIds and refuses a token of another kind.';

/** The thread token ECB will verify on every request about this thread (ECB-SPEC §2). */
export const checkThreadToken = async (context: CheckContext, thread: Thread): Promise<void> => {
  const { keys, log } = context;
  const verified = await keys.verify(thread.threadToken);
  if (!verified.ok) {
    log.add('threadToken.signature', 'the thread token is RS256 and verifies with the public key', fail(`ECB would refuse it: ${verified.reason}`, FIX_SIGNATURE));
    return;
  }
  log.add('threadToken.signature', 'the thread token is RS256 and verifies with the public key', pass());

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
  log.add(
    'threadToken.claims',
    'the thread token names the thread and all its members',
    problems.length === 0 ? pass() : fail(problems.join('; '), FIX_CLAIMS),
  );
};
