import { bodyParser } from '@koa/bodyparser';
import Koa, { type Context, type Next } from 'koa';
import type { EcbConfig } from '../../config.js';
import type { Logger } from '../observability/pino-logger.js';
import type { OriginPolicy } from '../origin-policy.js';
import type { KoaClientApi } from './koa-client-api.js';
import { clientBundleRouter } from './koa-client-bundle.js';
import { openApiRouter } from './koa-openapi.js';
import { errorBoundary, sendError, unreadableBody } from './koa-errors.js';
import type { KoaOperationsApi } from './koa-operations-api.js';
import type { KoaServerApi } from './koa-server-api.js';
import { forbidden } from '../../domain/errors.js';

export interface KoaAppParts {
  readonly config: EcbConfig;
  readonly logger: Logger;
  readonly origins: OriginPolicy;
  readonly clientApi: KoaClientApi;
  readonly serverApi: KoaServerApi;
  readonly operationsApi: KoaOperationsApi;
  /** Checks mounted after the origin guard and before bodies are read (rate limits). */
  readonly guards?: ReadonlyArray<Koa.Middleware>;
  /** Extra routes mounted last (the demo's web page and reference backend). */
  readonly extra?: ReadonlyArray<Koa.Middleware>;
}

/** The HTTP side of ECB: errors, origins, bodies, then the routers. */
export const createKoaApp = (parts: KoaAppParts): Koa => {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(errorBoundary(parts.logger));
  app.use(originGuard(parts.origins));
  for (const guard of parts.guards ?? []) app.use(guard);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: parts.config.maxRequestBytes,
      encoding: 'utf-8',
      onError: (thrown) => {
        throw unreadableBody(thrown);
      },
    }),
  );
  const routers = [parts.operationsApi.router(), clientBundleRouter(), openApiRouter(), parts.clientApi.router(), parts.serverApi.router()];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  for (const middleware of parts.extra ?? []) app.use(middleware);
  return app;
};

const CORS_METHODS = 'GET,POST,DELETE,OPTIONS';
const CORS_HEADERS = 'Authorization,Content-Type,X-Thread-Token';

/** ECB_CORS_ORIGINS for REST: refuse foreign browser origins, answer preflights. */
const originGuard =
  (origins: OriginPolicy) =>
  async (ctx: Context, next: Next): Promise<void> => {
    if (!origins.allows(ctx.req)) {
      sendError(ctx, forbidden('this origin is not allowed'));
      return;
    }
    const origin = ctx.get('origin');
    if (origin !== '' && origins.isCrossOriginAllowed(origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Vary', 'Origin');
      if (ctx.method === 'OPTIONS') {
        ctx.set('Access-Control-Allow-Methods', CORS_METHODS);
        ctx.set('Access-Control-Allow-Headers', CORS_HEADERS);
        ctx.set('Access-Control-Max-Age', '600');
        ctx.status = 204;
        return;
      }
    }
    await next();
  };
