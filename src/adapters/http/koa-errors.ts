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

/** A request body the body parser could not read: the client's error, as ECB-SPEC §3 codes it. */
export class UnreadableBody extends Error {
  override readonly name = 'UnreadableBody';

  constructor(readonly error: EcbError) {
    super(error.message);
  }
}

/**
 * What a failure of the body parser (co-body over raw-body and inflation)
 * means: every way a request body can be unreadable is the client's
 * BAD_REQUEST (or PAYLOAD_TOO_LARGE), never INTERNAL: JSON that does not
 * parse, a Content-Encoding ECB does not decode, a body that does not
 * decompress as its Content-Encoding says (zlib's errors carry no HTTP
 * status), a body shorter than its Content-Length. Only raw-body's own 5xx
 * failures, which would be ECB's reading gone wrong, stay errors to log.
 */
export const unreadableBody = (thrown: unknown): unknown => {
  const { status, type } = (thrown ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 500) return thrown;
  if (status === 413) return new UnreadableBody(payloadTooLarge('the request body is too large'));
  if (status === 415) return new UnreadableBody(badRequest('the request body has a Content-Encoding ECB does not decode (gzip, deflate, br)'));
  // co-body's JSON errors have a status of 400 and no raw-body type
  if (status === 400 && type === undefined) return new UnreadableBody(badRequest('the request body is not valid JSON'));
  return new UnreadableBody(badRequest('the request body could not be read as its headers describe it'));
};

/**
 * The outermost middleware: whatever escapes (an unreadable body, a bug)
 * becomes a spec error in JSON, never a stack trace; an unmatched route is
 * NOT_FOUND.
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
      if (thrown instanceof UnreadableBody) {
        sendError(ctx, thrown.error);
      } else if (status === 413) {
        sendError(ctx, payloadTooLarge('the request is too large'));
      } else if (typeof status === 'number' && status >= 400 && status < 500) {
        // an HTTP error some other middleware threw about the request
        sendError(ctx, badRequest('the request is not valid'));
      } else {
        logger.error({ path: ctx.path, cause: describeCause(thrown) }, 'unexpected error in an HTTP request');
        sendError(ctx, internal('an unexpected error occurred'));
      }
    }
  };
