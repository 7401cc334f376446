import type {} from '@koa/bodyparser';
import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import type { Actor } from '../../application/actor.js';
import type { AuthenticateUser } from '../../application/authenticate-user.js';
import type { CreateThread } from '../../application/create-thread.js';
import type { ExchangeAccessToken } from '../../application/exchange-access-token.js';
import type { ListContacts } from '../../application/list-contacts.js';
import type { ListThreads } from '../../application/list-threads.js';
import type { OpenThread } from '../../application/open-thread.js';
import {
  AccessTokenRequestCodec,
  CreateThreadRequestCodec,
  decodeRequest,
  GetThreadRequestCodec,
  PagingRequestCodec,
  SendMessageRequestCodec,
} from '../../application/requests.js';
import type { SendMessage } from '../../application/send-message.js';
import { badRequest, unauthorized, type EcbError } from '../../domain/errors.js';
import { TOKENS } from '../../tokens.js';
import type { InFlightOperations } from '../in-flight-operations.js';
import { describeCause } from '../observability/describe-cause.js';
import type { Logger } from '../observability/pino-logger.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { sendError } from './koa-errors.js';
import { isServerSideFailure } from '../wire-error.js';
import { newRequestId } from '../request-id.js';

/**
 * The REST mirror of the socket events (ECB-SPEC §4): the same use-cases,
 * with the user token in `Authorization` and the thread token in
 * `X-Thread-Token`. There is no connection, so nothing is subscribed and
 * pushes go to every socket in the room.
 */
@injectable()
export class KoaClientApi {
  constructor(
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.InFlight) private readonly inFlight: InFlightOperations,
    @inject(TOKENS.AuthenticateUser) private readonly authenticateUser: AuthenticateUser,
    @inject(TOKENS.ExchangeAccessToken) private readonly exchangeAccessToken: ExchangeAccessToken,
    @inject(TOKENS.ListContacts) private readonly listContacts: ListContacts,
    @inject(TOKENS.ListThreads) private readonly listThreads: ListThreads,
    @inject(TOKENS.CreateThread) private readonly createThread: CreateThread,
    @inject(TOKENS.OpenThread) private readonly openThread: OpenThread,
    @inject(TOKENS.SendMessage) private readonly sendMessage: SendMessage,
  ) {}

  router(): Router {
    const router = new Router({ prefix: '/api/v1' });

    router.post('/user-token', (ctx) =>
      this.respond(ctx, 'getUserToken', async () => {
        const body = decodeRequest(AccessTokenRequestCodec)(ctx.request.body);
        if (E.isLeft(body)) return body;
        const session = await this.exchangeAccessToken.execute(body.right.accessToken, newRequestId())();
        return E.map(({ userToken, user }: { userToken: string; user: unknown }) => ({ userToken, user }))(session);
      }),
    );

    router.get('/contacts', (ctx) =>
      this.asUser(ctx, 'getContacts', (actor) =>
        this.run(decodePaging(ctx.query), (paging) => this.listContacts.execute(actor, paging)),
      ),
    );

    router.get('/threads', (ctx) =>
      this.asUser(ctx, 'getThreads', (actor) =>
        this.run(decodePaging(ctx.query), (paging) => this.listThreads.execute(actor, paging)),
      ),
    );

    router.post('/threads', (ctx) =>
      this.asUser(ctx, 'createThread', (actor) =>
        this.run(decodeRequest(CreateThreadRequestCodec)(ctx.request.body), (request) =>
          this.createThread.execute(actor, request),
        ),
      ),
    );

    router.get('/threads/:threadId', (ctx) =>
      this.asUser(ctx, 'getThread', (actor) =>
        this.run(
          decodeRequest(GetThreadRequestCodec)({ threadToken: threadTokenOf(ctx), since: sinceOf(ctx.query['since']) }),
          (request) => this.openThread.execute(actor, { ...request, threadId: ctx.params['threadId'] }),
        ),
      ),
    );

    router.post('/threads/:threadId/messages', (ctx) =>
      this.asUser(ctx, 'sendMessage', (actor) => {
        const body: unknown = ctx.request.body;
        const request = isRecord(body) ? { ...body, threadToken: threadTokenOf(ctx) } : body;
        return this.run(decodeRequest(SendMessageRequestCodec)(request), (decoded) =>
          this.sendMessage.execute(actor, { ...decoded, threadId: ctx.params['threadId'] }),
        );
      }),
    );

    return router;
  }

  /** Authenticates the bearer user token, then runs the operation as that user. */
  private asUser(
    ctx: Context,
    operation: string,
    run: (actor: Actor) => Promise<E.Either<EcbError, unknown>>,
  ): Promise<void> {
    return this.respond(ctx, operation, async () => {
      const credential = bearerOf(ctx);
      if (credential === undefined) return E.left(unauthorized('send Authorization: Bearer <userToken>'));
      const identity = await this.authenticateUser.execute(credential)();
      if (E.isLeft(identity)) return identity;
      return run({ caller: { user: identity.right.user, credential, requestId: newRequestId() } });
    });
  }

  private run<A, B>(input: E.Either<EcbError, A>, useCase: (a: A) => TaskEither<EcbError, B>): Promise<E.Either<EcbError, B>> {
    return E.isLeft(input) ? Promise.resolve(input) : useCase(input.right)();
  }

  private async respond(ctx: Context, operation: string, work: () => Promise<E.Either<EcbError, unknown>>): Promise<void> {
    const result = await this.inFlight.track(work);
    if (E.isRight(result)) {
      this.metrics.operation(operation, 'rest', 'OK');
      ctx.status = 200;
      ctx.body = result.right;
    } else {
      const error = result.left;
      this.metrics.operation(operation, 'rest', error._tag);
      if (isServerSideFailure(error)) {
        this.logger.warn({ operation, transport: 'rest', code: error._tag, cause: describeCause(error.cause) }, error.message);
      }
      sendError(ctx, error);
    }
  }
}

export const bearerOf = (ctx: Context): string | undefined => {
  const header = ctx.get('authorization');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
};

const threadTokenOf = (ctx: Context): string | undefined => {
  const token = ctx.get('x-thread-token');
  return token === '' ? undefined : token;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Query strings carry text; paging wants whole numbers, or nothing (an empty value, as in `?pageSize=`, is nothing, as `since` has it). */
const queryNumber = (value: unknown): number | undefined | typeof NOT_A_NUMBER => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return NOT_A_NUMBER;
  return Number(value);
};
const NOT_A_NUMBER = Symbol('not a number');

const decodePaging = (query: Record<string, unknown>): E.Either<EcbError, { pageStartIndex?: number; pageSize?: number }> => {
  const pageStartIndex = queryNumber(query['pageStartIndex']);
  const pageSize = queryNumber(query['pageSize']);
  if (pageStartIndex === NOT_A_NUMBER) return E.left(badRequest('pageStartIndex must be an integer >= 0'));
  if (pageSize === NOT_A_NUMBER) return E.left(badRequest('pageSize must be an integer from 1 to 100'));
  return decodeRequest(PagingRequestCodec)({ pageStartIndex, pageSize });
};

const sinceOf = (value: unknown): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  const parsed = Number(value);
  return Number.isFinite(parsed) && /^-?\d+(\.\d+)?$/.test(value) ? parsed : value;
};
