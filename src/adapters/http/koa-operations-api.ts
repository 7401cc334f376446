import Router from '@koa/router';
import { inject, injectable } from 'inversify';
import { TOKENS } from '../../tokens.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import type { Readiness } from './readiness.js';

/** /healthz (alive), /readyz (ready to serve), /metrics (Prometheus text). */
@injectable()
export class KoaOperationsApi {
  constructor(
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.Readiness) private readonly readiness: Readiness,
  ) {}

  router(): Router {
    const router = new Router();
    router.get('/healthz', (ctx) => {
      ctx.body = { status: 'ok' };
    });
    router.get('/readyz', (ctx) => {
      const { ready, checks } = this.readiness.status();
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', checks };
    });
    router.get('/metrics', async (ctx) => {
      ctx.type = this.metrics.contentType;
      ctx.body = await this.metrics.text();
    });
    return router;
  }
}
