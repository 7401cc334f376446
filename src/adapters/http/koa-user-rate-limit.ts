import * as E from 'fp-ts/lib/Either.js';
import { inject, injectable } from 'inversify';
import type { Context, Next } from 'koa';
import type { AuthenticateUser } from '../../application/authenticate-user.js';
import type { EcbConfig } from '../../config.js';
import { rateLimited } from '../../domain/errors.js';
import { TOKENS } from '../../tokens.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { KeyedTokenBuckets, retryHint } from '../token-buckets.js';
import { bearerOf } from './koa-client-api.js';
import { sendError } from './koa-errors.js';

/** The client REST API; the server API and the token exchange carry no user token. */
const CLIENT_API = /^\/api\/v1\/(contacts|threads)(\/|$)/;

/**
 * Per-user rate limit of the client REST API (`ECB_RATE_REST_PER_USER`):
 * over it, HTTP 429 `RATE_LIMITED` with `Retry-After`. The user is the one
 * the bearer token names once verified (a token cache hit, usually); a
 * request without a valid token passes on, to be refused by its route.
 */
@injectable()
export class KoaUserRateLimit {
  private readonly buckets: KeyedTokenBuckets;

  constructor(
    @inject(TOKENS.Config) config: EcbConfig,
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.AuthenticateUser) private readonly authenticateUser: AuthenticateUser,
  ) {
    this.buckets = new KeyedTokenBuckets(config.rateLimits.restPerUser);
  }

  middleware(): (ctx: Context, next: Next) => Promise<void> {
    return async (ctx, next) => {
      const credential = CLIENT_API.test(ctx.path) ? bearerOf(ctx) : undefined;
      if (credential === undefined) return next();
      const identity = await this.authenticateUser.execute(credential)();
      if (E.isLeft(identity)) return next();
      const wait = this.buckets.take(identity.right.user.userId);
      if (wait === 0) return next();
      this.metrics.operation('rest', 'rest', 'RATE_LIMITED');
      ctx.set('Retry-After', String(Math.ceil(wait / 1000)));
      sendError(ctx, rateLimited(`too many requests; ${retryHint(wait)}`));
    };
  }
}
