import type {} from '@koa/bodyparser';
import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { inject, injectable } from 'inversify';
import type { Context } from 'koa';
import type { AuthenticateServer } from '../../application/authenticate-server.js';
import type { DisconnectUser } from '../../application/disconnect-user.js';
import type { PushStoredMessage } from '../../application/push-stored-message.js';
import { decodeRequest } from '../../application/requests.js';
import { unauthorized, type EcbError } from '../../domain/errors.js';
import { ThreadMessageCodec } from '../../domain/message.js';
import { ThreadCodec } from '../../domain/thread.js';
import { TOKENS } from '../../tokens.js';
import type { InFlightOperations } from '../in-flight-operations.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { bearerOf } from './koa-client-api.js';
import { sendError } from './koa-errors.js';

const PushRequestCodec = t.intersection([
  t.type({ message: ThreadMessageCodec }),
  t.partial({ thread: t.union([ThreadCodec, t.undefined, t.null]) }),
]);

/**
 * The backend's door into ECB (ECB-SPEC §5), guarded by a short-lived
 * server token: push a message the backend stored by itself, and revoke a
 * user by closing all their connections. Both answer 204 once handed to
 * every node.
 */
@injectable()
export class KoaServerApi {
  constructor(
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.InFlight) private readonly inFlight: InFlightOperations,
    @inject(TOKENS.AuthenticateServer) private readonly authenticateServer: AuthenticateServer,
    @inject(TOKENS.PushStoredMessage) private readonly pushStoredMessage: PushStoredMessage,
    @inject(TOKENS.DisconnectUser) private readonly disconnectUser: DisconnectUser,
  ) {}

  router(): Router {
    const router = new Router({ prefix: '/api/v1/server' });

    router.post('/threads/:threadId/messages', (ctx) =>
      this.asServer(ctx, 'pushMessage', async () => {
        const body = decodeRequest(PushRequestCodec)(ctx.request.body);
        if (E.isLeft(body)) return body;
        const { message, thread } = body.right;
        return this.pushStoredMessage.execute({
          threadId: ctx.params['threadId'] as string,
          message,
          thread: thread ?? undefined,
        })();
      }),
    );

    router.delete('/users/:userId/connections', (ctx) =>
      this.asServer(ctx, 'disconnectUser', () => this.disconnectUser.execute(ctx.params['userId'] as string)()),
    );

    return router;
  }

  private async asServer(ctx: Context, operation: string, work: () => Promise<E.Either<EcbError, void>>): Promise<void> {
    const result = await this.inFlight.track(async () => {
      const credential = bearerOf(ctx);
      if (credential === undefined) return E.left(unauthorized('send Authorization: Bearer <server token>'));
      const verified = await this.authenticateServer.execute(credential)();
      return E.isLeft(verified) ? verified : work();
    });
    if (E.isRight(result)) {
      this.metrics.operation(operation, 'server', 'OK');
      ctx.status = 204;
    } else {
      this.metrics.operation(operation, 'server', result.left._tag);
      sendError(ctx, result.left);
    }
  }
}
