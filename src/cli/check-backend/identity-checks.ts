import * as E from 'fp-ts/lib/Either.js';
import { userTokenAnswer } from '../../adapters/backend/backend-answers.js';
import type { Acting, CheckContext } from './check-context.js';
import { fail, pass, skip } from './check-result.js';
import { decodedAnswer, statusIs } from './expectations.js';

const FIX_USER_TOKEN =
  'getUserToken must answer 200 { "userToken": "<jwt>" } for a valid access token: a JWT signed RS256 with ' +
  'your private key, with claims userId (string), displayName (optional) and exp. If every call answers 404, ' +
  'check the URL: ECB posts to {ECB_BACKEND_URL}/getUserToken, so give the URL with your path prefix (https://host/ecb).';
const FIX_USER_TOKEN_CLAIMS =
  'Sign the user token with RS256 and the private key whose public key ECB is given; include "userId" ' +
  '(string) and "exp", and none of "threadId", "memberIds" or "role" (ECB refuses a token of another kind).';
const FIX_UNKNOWN_ACCESS_TOKEN =
  'getUserToken must refuse an access token it does not recognise with 401 (never 200, never 5xx).';

/**
 * Finds out who the checker acts as: through getUserToken with the given
 * access token (checking the answer and the token), or by minting a token
 * for `--user-id` directly. Undefined when neither works; the caller stops.
 */
export const checkIdentity = async (
  context: CheckContext,
  given: { readonly accessToken?: string | undefined; readonly userId?: string | undefined; readonly displayName?: string | undefined },
): Promise<Acting | undefined> => {
  const { probe, keys, log } = context;
  const unknown = await probe.call('getUserToken', { accessToken: `ecb-check-unknown-${context.runId}` });
  log.add('getUserToken.unknown-access-token', 'an unknown access token is refused with 401', statusIs(unknown, [401], FIX_UNKNOWN_ACCESS_TOKEN));

  if (given.accessToken === undefined) {
    log.add('getUserToken', 'getUserToken answers { userToken }', skip('no --access-token given; acting as --user-id'));
    if (given.userId === undefined) return undefined;
    const user = { userId: given.userId, displayName: given.displayName ?? given.userId };
    return { user, token: await keys.userToken(user) };
  }

  const answer = await probe.call('getUserToken', { accessToken: given.accessToken });
  const userToken = decodedAnswer(answer, userTokenAnswer, FIX_USER_TOKEN);
  if (E.isLeft(userToken)) {
    log.add('getUserToken', 'getUserToken answers { userToken }', userToken.left);
    return undefined;
  }
  log.add('getUserToken', 'getUserToken answers { userToken }', pass());
  const verified = await keys.verify(userToken.right);
  const claims = verified.ok ? verified.claims : undefined;
  const title = 'the user token is RS256, verifies with the public key, and carries userId';
  if (claims === undefined) {
    log.add('userToken', title, fail(`ECB would refuse the user token: ${verified.ok ? '' : verified.reason}`, FIX_USER_TOKEN_CLAIMS));
    return undefined;
  }
  const otherKind = ['threadId', 'memberIds', 'role'].filter((claim) => claim in claims);
  if (typeof claims.userId !== 'string' || typeof claims.exp !== 'number' || otherKind.length > 0) {
    const problem =
      typeof claims.userId !== 'string'
        ? 'it has no string "userId" claim'
        : typeof claims.exp !== 'number'
          ? 'it has no "exp" claim'
          : `it also carries ${otherKind.join(', ')}`;
    log.add('userToken', title, fail(`ECB would refuse the user token: ${problem}`, FIX_USER_TOKEN_CLAIMS));
    return undefined;
  }
  log.add('userToken', title, pass());
  const displayName = typeof claims['displayName'] === 'string' ? claims['displayName'] : claims.userId;
  return { user: { userId: claims.userId, displayName }, token: userToken.right };
};
