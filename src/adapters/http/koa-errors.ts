import type { Context, Next } from 'koa';
import { badRequest, internal, notFound, payloadTooLarge, type EcbError } from '../../domain/errors.js';
import type { Logger } from '../observability/pino-logger.js';
import { describeCause } from '../observability/describe-cause.js';
import { HTTP_STATUS, toWireError } from '../wire-error.js';

/** Writes an error in the REST wire form (ECB-SPEC §4). */
export const sendError = (ctx: Context, error: EcbError): void => {
  ctx.status = HTTP_STATUS[error._tag];
  ctx.body = { error: toWireError(error) };
};

/**
 * The outermost middleware: whatever escapes (a body too large, malformed
 * JSON, a bug) becomes a spec error in JSON, never a stack trace; an
 * unmatched route is NOT_FOUND.
 */
export const errorBoundary =
  (logger: Logger) =>
  async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) sendError(ctx, notFound(`no route ${ctx.method} ${ctx.path}`));
      if (ctx.status === 405 && (ctx.body === undefined || typeof ctx.body === 'string')) {
        ctx.body = { error: { code: 'BAD_REQUEST', message: `${ctx.method} is not allowed here`, retryable: false } };
      }
    } catch (thrown) {
      const status = (thrown as { status?: unknown }).status;
      if (status === 413) {
        sendError(ctx, payloadTooLarge('the request body is too large'));
      } else if (typeof status === 'number' && status >= 400 && status < 500) {
        sendError(ctx, badRequest('the request body is not valid JSON'));
      } else {
        logger.error({ path: ctx.path, cause: describeCause(thrown) }, 'unexpected error in an HTTP request');
        sendError(ctx, internal('an unexpected error occurred'));
      }
    }
  };
