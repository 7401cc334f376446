import * as E from 'fp-ts/lib/Either.js';
import { forbidden, unauthorized, type Failure } from './failures.js';
import type { Store, User } from './store.js';
import type { ReferenceTokens } from './tokens.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Who is calling: ECB forwards the client's user token as
 * `Authorization: Bearer <userToken>`, and the backend verifies it itself
 * rather than trusting ECB. A valid token for a user the store does not know
 * (deleted since) is refused too.
 */
export const authenticateUser = async (
  authorization: string,
  tokens: ReferenceTokens,
  store: Store,
): Promise<E.Either<Failure, User>> => {
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return E.left(unauthorized('a user token is required (Authorization: Bearer)'));
  const verified = await tokens.verifyUserToken(token);
  if (E.isLeft(verified)) return verified;
  const user = await store.findUser(verified.right.userId);
  return user === undefined ? E.left(unauthorized('unknown user')) : E.right(user);
};

/** The request's `user` must be the one the token proved (ECB-SPEC §6). */
export const requireSameUser = (caller: User, claimed: { readonly userId: string }): E.Either<Failure, User> =>
  claimed.userId === caller.userId ? E.right(caller) : E.left(forbidden('user does not match the user token'));
