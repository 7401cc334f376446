import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts/lib/index.js';
import type Koa from 'koa';
import { authenticateUser, requireSameUser } from './authentication.js';
import type { ChatOperations } from './chat-operations.js';
import { badRequest, type Failure } from './failures.js';
import { send } from './http-edge.js';
import {
  AddThreadMessageRequest,
  CreateThreadRequest,
  decodeRequest,
  GetThreadRequest,
  GetUserTokenRequest,
  ListRequest,
} from './requests.js';
import type { Store, User } from './store.js';
import type { ReferenceTokens } from './tokens.js';

/** Idempotency keys are client message ids (UUIDs); anything much longer is not one. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * The six operations of the backend contract, each `POST /<operation>`
 * with a JSON body (ECB-SPEC §6). Every route but getUserToken reads the
 * same way: authenticate the forwarded user token, decode the body, check
 * its `user` is the token's user, run the operation, write the result.
 */
export const referenceRoutes = (deps: {
  readonly operations: ChatOperations;
  readonly tokens: ReferenceTokens;
  readonly store: Store;
  readonly prefix?: string;
}): Router => {
  const { operations } = deps;
  const asUser = asAuthenticatedUser(deps.tokens, deps.store);
  const router = new Router(deps.prefix === undefined ? {} : { prefix: deps.prefix });

  router.post('/getUserToken', async (ctx) => {
    const request = decodeRequest(GetUserTokenRequest, ctx.request.body);
    send(ctx, E.isLeft(request) ? request : await operations.getUserToken(request.right.accessToken));
  });
  router.post(
    '/getContacts',
    asUser(ListRequest, (caller) => operations.getContacts(caller)),
  );
  router.post(
    '/getThreads',
    asUser(ListRequest, (caller) => operations.getThreads(caller)),
  );
  router.post(
    '/createThread',
    asUser(CreateThreadRequest, (caller, request, key) => operations.createThread(caller, request, key)),
  );
  router.post(
    '/getThread',
    asUser(GetThreadRequest, (caller, request) => operations.getThread(caller, request)),
  );
  router.post(
    '/addThreadMessage',
    asUser(AddThreadMessageRequest, (caller, request, key) => operations.addThreadMessage(caller, request, key)),
  );
  return router;
};

type Operation<A> = (
  caller: User,
  request: A,
  idempotencyKey: string | undefined,
) => Promise<E.Either<Failure, unknown>>;

const asAuthenticatedUser =
  (tokens: ReferenceTokens, store: Store) =>
  <A extends { readonly user: { readonly userId: string }; readonly clientMessageId?: string }>(
    codec: t.Decoder<unknown, A>,
    operation: Operation<A>,
  ) =>
  async (ctx: Koa.Context): Promise<void> => {
    const caller = await authenticateUser(ctx.get('authorization'), tokens, store);
    if (E.isLeft(caller)) return send(ctx, caller);
    const request = decodeRequest(codec, ctx.request.body);
    if (E.isLeft(request)) return send(ctx, request);
    const sameUser = requireSameUser(caller.right, request.right.user);
    if (E.isLeft(sameUser)) return send(ctx, sameUser);
    const key = idempotencyKeyOf(ctx.get('idempotency-key'), request.right);
    if (E.isLeft(key)) return send(ctx, key);
    send(ctx, await operation(caller.right, request.right, key.right));
  };

/**
 * The write's idempotency key: the `Idempotency-Key` header, which ECB sends
 * whenever the client gave a clientMessageId, or else the body's clientMessageId.
 */
const idempotencyKeyOf = (
  header: string,
  body: { readonly clientMessageId?: string },
): E.Either<Failure, string | undefined> => {
  const key = header !== '' ? header : body.clientMessageId;
  if (key === undefined || key === '') return E.right(undefined);
  return key.length > MAX_IDEMPOTENCY_KEY_LENGTH
    ? E.left(badRequest(`Idempotency-Key may have at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`))
    : E.right(key);
};
