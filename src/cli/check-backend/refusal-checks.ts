import type { Operation } from './backend-probe.js';
import type { Acting, CheckContext, UserReference } from './check-context.js';
import { statusIs } from './expectations.js';

const FIX_AUTH =
  'Verify the forwarded user token on every operation but getUserToken: read "Authorization: Bearer <token>", ' +
  'verify it (RS256 only, with the public key), and answer 401 when it is missing, invalid or expired.';
const FIX_MISMATCH =
  'Compare body.user.userId with the userId of the verified user token and answer 403 when they differ ' +
  '(never act for the user named in the body).';
const FIX_BAD_INPUT =
  'Validate each request body (a schema validator, io-ts, FluentValidation, ...) and answer 400 or 422 with ' +
  '{ error: { message } } for a malformed one; a 500 tells ECB your backend is down (BACKEND_UNAVAILABLE).';

type UserOperation = Exclude<Operation, 'getUserToken'>;

/** A valid body of each operation, for `user`, about `threadId`. */
const validBody = (operation: UserOperation, user: UserReference, threadId: string, memberId: string): object => {
  const message = { type: 'text', data: { messageText: 'ecb check-backend: must be refused' } };
  switch (operation) {
    case 'getContacts':
    case 'getThreads':
      return { user, pageStartIndex: 0, pageSize: 20 };
    case 'createThread':
      return { user, memberIds: [memberId], message };
    case 'getThread':
      return { user, threadId };
    case 'addThreadMessage':
      return { user, threadId, message };
  }
};

const USER_OPERATIONS: readonly UserOperation[] = ['getContacts', 'getThreads', 'createThread', 'getThread', 'addThreadMessage'];

/**
 * What a backend must refuse (ECB-SPEC §6): calls without a valid user token
 * (401), calls whose `user` is not the token's user (403), malformed bodies
 * (400/422, never 500).
 */
export const checkRefusals = async (
  context: CheckContext,
  acting: Acting,
  target: { readonly threadId: string; readonly memberId: string; readonly otherUserId: string },
): Promise<void> => {
  const { probe, keys, log } = context;
  const body = (operation: UserOperation, user: UserReference = acting.user) =>
    validBody(operation, user, target.threadId, target.memberId);

  for (const operation of USER_OPERATIONS) {
    const answer = await probe.call(operation, body(operation));
    log.add(`auth-required:${operation}`, `${operation} without Authorization answers 401`, statusIs(answer, [401], FIX_AUTH));
  }
  const foreign = await probe.call('getContacts', body('getContacts'), { token: await keys.userToken(acting.user, { foreign: true }) });
  log.add('auth-foreign-key', 'a user token signed by another key answers 401', statusIs(foreign, [401], FIX_AUTH));
  const expired = await probe.call('getContacts', body('getContacts'), { token: await keys.userToken(acting.user, { expired: true }) });
  log.add('auth-expired', 'an expired user token answers 401', statusIs(expired, [401], FIX_AUTH));
  for (const alg of ['none', 'HS256'] as const) {
    const forged = await probe.call('getContacts', body('getContacts'), { token: await keys.forgedUserToken(acting.user, alg) });
    const what = alg === 'none' ? 'an unsigned user token (alg none)' : 'a user token signed HS256 with the public key as the secret';
    log.add(`auth-alg-${alg.toLowerCase()}`, `${what} answers 401`, statusIs(forged, [401], FIX_AUTH));
  }

  const other = { userId: target.otherUserId, displayName: target.otherUserId };
  for (const operation of USER_OPERATIONS) {
    const answer = await probe.call(operation, body(operation, other), { token: acting.token });
    log.add(`user-mismatch:${operation}`, `${operation} for another user than the token's answers 403`, statusIs(answer, [403], FIX_MISMATCH));
  }

  const badBodies: ReadonlyArray<[Operation, object]> = [
    ['getUserToken', {}],
    ['createThread', { user: acting.user, memberIds: 'not-a-list', message: { type: 'text' } }],
    ['getThread', { user: acting.user, threadId: 42 }],
    ['addThreadMessage', { user: acting.user, threadId: target.threadId, message: 'not-a-message' }],
  ];
  for (const [operation, bad] of badBodies) {
    const answer = await probe.call(operation, bad, operation === 'getUserToken' ? {} : { token: acting.token });
    log.add(`bad-input:${operation}`, `${operation} with a malformed body answers 400 or 422`, statusIs(answer, [400, 422], FIX_BAD_INPUT));
  }
};
