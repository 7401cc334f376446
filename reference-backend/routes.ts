import type Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import { ContractError } from '../backend-kit/contract-error.js';
import type { ContractHandlers } from '../backend-kit/contract-handlers.js';
import { createContractRouter } from '../backend-kit/contract-router.js';
import type { IdempotencyStore } from '../backend-kit/idempotency.js';
import type { ChatOperations } from './chat-operations.js';
import type { Failure } from './failures.js';
import type { Store, User } from './store.js';
import type { ReferenceTokens } from './tokens.js';

export { MAX_IDEMPOTENCY_KEY_LENGTH } from '../backend-kit/contract-core.js';

/**
 * The six operations of the backend contract, each `POST /<operation>`
 * (ECB-SPEC §6): the backend kit's router, fed by ChatOperations. The kit
 * checks the forwarded user token, decodes the body, checks its `user`,
 * makes the writes idempotent and writes the answer; this file only says
 * who the token's user is and where idempotency records are kept.
 */
export const referenceRoutes = (deps: {
  readonly operations: ChatOperations;
  readonly tokens: ReferenceTokens;
  readonly store: Store;
  readonly prefix?: string;
  /** Hears unexpected exceptions (answered 500). */
  readonly onError?: (error: unknown) => void;
}): Router => {
  const { operations, tokens, store } = deps;
  const kit = createContractRouter<User>(handlersOf(operations), {
    authenticate: async (token) => {
      const verified = await tokens.verifyUserToken(token);
      if (E.isLeft(verified)) return toContractError(verified.left);
      // A valid token for a user the store does not know (deleted since) is refused too.
      return (await store.findUser(verified.right.userId)) ?? ContractError.unauthorized('unknown user');
    },
    idempotencyStore: idempotencyIn(store),
    ...(deps.prefix === undefined ? {} : { prefix: deps.prefix }),
    ...(deps.onError === undefined ? {} : { onError: deps.onError }),
  });
  return kit.router;
};

const handlersOf = (operations: ChatOperations): ContractHandlers<User> => ({
  getUserToken: (accessToken) => answer(operations.getUserToken(accessToken)),
  getContacts: (caller) => answer(operations.getContacts(caller)),
  getThreads: (caller) => answer(operations.getThreads(caller)),
  createThread: (caller, request) => answer(operations.createThread(caller, request)),
  getThread: (caller, request) => answer(operations.getThread(caller, request)),
  addThreadMessage: (caller, request) => answer(operations.addThreadMessage(caller, request)),
});

const answer = async <T>(result: Promise<E.Either<Failure, T>>): Promise<T | ContractError> => {
  const settled = await result;
  return E.isRight(settled) ? settled.right : toContractError(settled.left);
};

const toContractError = (failure: Failure): ContractError => new ContractError(failure.code, failure.message);

/** The Store keeps idempotency records, so a SQLite or Postgres store keeps them across restarts. */
const idempotencyIn = (store: Store): IdempotencyStore => ({
  find: (userId, key) => store.findIdempotencyRecord(userId, key),
  save: (userId, key, record) => store.saveIdempotencyRecord(userId, key, record),
});
