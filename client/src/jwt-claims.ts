import type { User } from './model.js';

/**
 * Reads a JWT's payload WITHOUT verifying it: the client only needs hints
 * (when a token expires, which thread it names). ECB verifies every token.
 */
export const decodeJwtPayload = (token: string): Record<string, unknown> | undefined => {
  if (typeof token !== 'string') return undefined;
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** `exp` in UNIX epoch seconds, when the token has one. */
export const expiryOf = (token: string): number | undefined => {
  const exp = decodeJwtPayload(token)?.['exp'];
  return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
};

/** The `threadId` a thread token names. */
export const threadIdOf = (threadToken: string): string | undefined => {
  const threadId = decodeJwtPayload(threadToken)?.['threadId'];
  return typeof threadId === 'string' ? threadId : undefined;
};

/** The user a user token names, as ECB reads it: `displayName` defaults to `userId`. */
export const userOf = (userToken: string): User | undefined => {
  const claims = decodeJwtPayload(userToken);
  const userId = claims?.['userId'];
  if (claims === undefined || typeof userId !== 'string') return undefined;
  const displayName = typeof claims['displayName'] === 'string' ? claims['displayName'] : userId;
  return claims['data'] === undefined ? { userId, displayName } : { userId, displayName, data: claims['data'] };
};
