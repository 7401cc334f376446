import { SignJWT, decodeJwt } from 'jose';
import type { Fault } from './faulty-backend.js';
import { testKeys } from '../../support/keys.js';

/**
 * Deliberately broken backends: each one breaks one rule of the backend
 * contract (ECB-SPEC §6) that the checker must report by name.
 */

type Body = Record<string, unknown>;
const bodyOf = (ctx: { request: { body?: unknown } }): Body => (ctx.request.body ?? {}) as Body;
const operationOf = (ctx: { path: string }): string => ctx.path.replace(/^\//, '');

/** Acts for whoever the body names: no token needed at all. */
export const noAuthCheck: Fault = (backend) => async (ctx, next) => {
  const user = bodyOf(ctx)['user'] as { userId: string; displayName: string } | undefined;
  if (ctx.get('authorization') === '' && user !== undefined) {
    ctx.request.headers['authorization'] = `Bearer ${await backend.tokens.signUserToken(user)}`;
  }
  await next();
};

/** Verifies the token but then trusts body.user. */
export const trustsBodyUser: Fault = (backend) => async (ctx, next) => {
  const user = bodyOf(ctx)['user'] as { userId: string; displayName: string } | undefined;
  if (user !== undefined && ctx.get('authorization') !== '') {
    const token = ctx.get('authorization').replace(/^Bearer\s+/i, '');
    const claims = decodeJwt(token);
    if (claims['userId'] !== user.userId && (await backend.tokens.verifyUserToken(token))._tag === 'Right') {
      ctx.request.headers['authorization'] = `Bearer ${await backend.tokens.signUserToken(user)}`;
    }
  }
  await next();
};

/** Crashes with 500 on every malformed body. */
export const crashOnBadInput: Fault = () => async (ctx, next) => {
  await next();
  if (ctx.status === 400) {
    ctx.status = 500;
    ctx.body = { error: { code: 'INTERNAL', message: 'boom' } };
  }
};

/** Stores a repeated addThreadMessage again. */
export const nonIdempotentAdd: Fault = () => async (ctx, next) => {
  if (operationOf(ctx) === 'addThreadMessage') {
    delete ctx.request.headers['idempotency-key'];
    delete bodyOf(ctx)['clientMessageId'];
  }
  await next();
};

/** Ignores `since` on getThread. */
export const ignoresSince: Fault = () => async (ctx, next) => {
  if (operationOf(ctx) === 'getThread') delete bodyOf(ctx)['since'];
  await next();
};

/** An unknown thread is a 500. */
export const unknownThreadCrashes: Fault = () => async (ctx, next) => {
  await next();
  if (ctx.status === 404) ctx.status = 500;
};

/** Re-signs every thread token in the answer with `sign`. */
const rewriteThreadTokens =
  (sign: (claims: Record<string, unknown>) => Promise<string>): Fault =>
  () =>
  async (ctx, next) => {
    await next();
    const body = ctx.body as Body | Body[] | undefined;
    const threads = Array.isArray(body) ? body : body?.['thread'] !== undefined ? [body['thread'] as Body] : [];
    for (const thread of threads) {
      if (typeof thread['threadToken'] === 'string') thread['threadToken'] = await sign(decodeJwt(thread['threadToken']));
    }
  };

/** Thread tokens signed HS256 with a shared secret. */
export const hs256ThreadTokens: Fault = rewriteThreadTokens((claims) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long')),
);

/** Thread tokens without memberIds (RS256, properly signed otherwise). */
export const threadTokensWithoutMembers: Fault = rewriteThreadTokens(async (claims) => {
  const { memberIds: _dropped, ...rest } = claims;
  return new SignJWT(rest).setProtectedHeader({ alg: 'RS256' }).sign((await testKeys()).privateKey);
});

/** getContacts wraps its list: `{ users: [...] }`. */
export const wrappedContacts: Fault = () => async (ctx, next) => {
  await next();
  if (operationOf(ctx) === 'getContacts' && ctx.status === 200) ctx.body = { users: ctx.body };
};

/** A page without its links. */
export const incompletePage: Fault = () => async (ctx, next) => {
  await next();
  if (operationOf(ctx) === 'getThreads' && Array.isArray(ctx.body)) {
    ctx.body = { pageStartIndex: 0, pageSize: ctx.body.length, items: ctx.body };
  }
};

/** Message times as ISO strings instead of epoch seconds. */
export const isoMessageTimes: Fault = () => async (ctx, next) => {
  await next();
  const messages = (ctx.body as Body | undefined)?.['messages'];
  if (Array.isArray(messages)) {
    for (const m of messages as Body[]) m['creationTime'] = new Date(Number(m['creationTime']) * 1000).toISOString();
  }
};

/** Thread tokens signed HS256 in every answer but createThread's: a second code path that signs differently. */
export const hs256ThreadTokensOutsideCreate: Fault = (backend) => {
  const rewrite = hs256ThreadTokens(backend);
  return async (ctx, next) => (operationOf(ctx) === 'createThread' ? next() : rewrite(ctx, next));
};

/** Answers getThread with `since` without the messages after it. */
export const sinceAnswersNothing: Fault = () => async (ctx, next) => {
  const asked = operationOf(ctx) === 'getThread' && bodyOf(ctx)['since'] !== undefined;
  await next();
  if (asked && ctx.status === 200) (ctx.body as Body)['messages'] = [];
};

/** Times in milliseconds: creationTime and lastMessageTime a thousand times too large. */
export const millisecondTimes: Fault = () => async (ctx, next) => {
  await next();
  if (operationOf(ctx) === 'getContacts' || ctx.status !== 200) return;
  // a copy: the answer may hold the store's own objects
  const body = structuredClone(ctx.body) as Body | Body[] | undefined;
  ctx.body = body;
  const threads = Array.isArray(body) ? body : body?.['thread'] !== undefined ? [body['thread'] as Body] : [];
  for (const thread of threads) thread['lastMessageTime'] = Number(thread['lastMessageTime']) * 1000;
  const messages = Array.isArray(body) ? [] : body?.['messages'];
  if (Array.isArray(messages)) for (const m of messages as Body[]) m['creationTime'] = Number(m['creationTime']) * 1000;
};

/** Pages its lists itself, with ECB-SPEC §1's arithmetic broken by `bend`. */
const selfPaging =
  (bend: (page: Body, start: number, size: number, total: number) => void): Fault =>
  () =>
  async (ctx, next) => {
    const operation = operationOf(ctx);
    const { pageStartIndex: start = 0, pageSize: size = 20 } = bodyOf(ctx) as { pageStartIndex?: number; pageSize?: number };
    await next();
    if ((operation !== 'getContacts' && operation !== 'getThreads') || !Array.isArray(ctx.body)) return;
    const all = ctx.body as Body[];
    const items = all.slice(start, start + size);
    const page: Body = {
      pageStartIndex: start,
      pageSize: items.length,
      items,
      previousPage: start === 0 ? null : { pageStartIndex: Math.max(0, start - size), pageSize: size },
      nextPage: start + size < all.length ? { pageStartIndex: start + size, pageSize: size } : null,
    };
    bend(page, start, size, all.length);
    ctx.body = page;
  };

/** pageSize is the size asked, and nextPage is there at the end too. */
export const pagingOffByOneAtTheEnd: Fault = selfPaging((page, start, size) => {
  page['pageSize'] = size;
  page['nextPage'] = { pageStartIndex: start + size, pageSize: size };
});

/** previousPage without the max(0, ...): a negative start after a short first page. */
export const previousPageBelowZero: Fault = selfPaging((page, start, size) => {
  if (start !== 0) page['previousPage'] = { pageStartIndex: start - size, pageSize: size };
});

/** Stores a repeated createThread again. */
export const nonIdempotentCreate: Fault = () => async (ctx, next) => {
  if (operationOf(ctx) === 'createThread') {
    delete ctx.request.headers['idempotency-key'];
    delete bodyOf(ctx)['clientMessageId'];
  }
  await next();
};

/** Takes the algorithm from the token: an unsigned or HS256 user token is accepted as its claims say. */
export const trustsTokenAlgorithm: Fault = (backend) => async (ctx, next) => {
  const token = ctx.get('authorization').replace(/^Bearer\s+/i, '');
  if (token !== '') {
    const { alg } = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string };
    if (alg === 'none' || alg === 'HS256') {
      const claims = decodeJwt(token) as { userId: string; displayName: string };
      ctx.request.headers['authorization'] = `Bearer ${await backend.tokens.signUserToken({ userId: claims.userId, displayName: claims.displayName })}`;
    }
  }
  await next();
};
