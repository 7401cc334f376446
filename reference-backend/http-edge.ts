import { createHash, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type Koa from 'koa';
import { badRequest, errorBody, internal, notFound, STATUS_OF, unauthorized, type Failure } from './failures.js';

/**
 * The HTTP edge shared by every route: how results and failures are
 * written, what an unexpected exception becomes, and the API-key check.
 */

/** Writes an operation's result: 200 with the bare answer, or the failure's status and error body. */
export const send = (ctx: Koa.Context, result: E.Either<Failure, unknown>): void => {
  if (E.isRight(result)) {
    ctx.status = 200;
    ctx.body = result.right;
  } else {
    ctx.status = STATUS_OF[result.left.code];
    ctx.body = errorBody(result.left);
  }
};

/**
 * Outermost middleware: every answer is JSON in ECB's error shape. A body
 * that is not JSON is a 400, an unknown path a 404, and anything unexpected
 * a 500 that says nothing more (the error goes to the app's 'error' event).
 */
export const jsonErrors = (): Koa.Middleware => async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body == null) send(ctx, E.left(notFound('no such operation')));
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Thrown by the body parser: malformed JSON, a body too large, an unknown charset or coding, a body that does not decompress.
      send(
        ctx,
        E.left(badRequest(status === 413 ? 'the request body is too large' : 'the request body is not valid JSON')),
      );
    } else {
      send(ctx, E.left(internal('internal error')));
      ctx.app.emit('error', error, ctx);
    }
  }
};

/** What the body parser throws, as `jsonErrors` answers it: without an HTTP status (zlib's errors), a 400. */
export const unreadable = (error: unknown): unknown =>
  typeof (error as { status?: unknown } | null)?.status === 'number' ? error : Object.assign(new Error('unreadable request body', { cause: error }), { status: 400 });

/** When the backend has an API key, every request must carry it in `X-ECB-Key`. */
export const requireApiKey =
  (apiKey: string | undefined): Koa.Middleware =>
  async (ctx, next) => {
    if (apiKey !== undefined && !sameSecret(ctx.get('x-ecb-key'), apiKey)) {
      send(ctx, E.left(unauthorized('missing or wrong X-ECB-Key')));
      return;
    }
    await next();
  };

// Comparing digests takes the same time whatever the input, so timing reveals nothing of the key.
const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
