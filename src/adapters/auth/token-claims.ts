import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';

/**
 * The claims ECB reads from a verified token, and the rules that tell the
 * three kinds apart (ECB-SPEC §2). Pure: no jose, no clock.
 */

const CLAIM_NAMES = ['userId', 'displayName', 'data', 'threadId', 'memberIds', 'role', 'exp', 'nbf', 'iat'] as const;
type ClaimName = (typeof CLAIM_NAMES)[number];

/** Only the claims ECB reads, each copied from an own property of the payload. */
export type Claims = Readonly<Partial<Record<ClaimName, unknown>>>;

/**
 * Copies the claims ECB reads into a fresh object. Only own properties count,
 * so a `__proto__` or `constructor` key, or anything inherited, can never
 * stand in for a claim, and the raw payload never travels further.
 */
export const ownClaims = (payload: unknown): Claims => {
  const claims: Partial<Record<ClaimName, unknown>> = {};
  if (typeof payload !== 'object' || payload === null) return claims;
  for (const name of CLAIM_NAMES) {
    if (Object.hasOwn(payload, name)) claims[name] = (payload as Record<string, unknown>)[name];
  }
  return claims;
};

const has = (claims: Claims, name: ClaimName): boolean => Object.hasOwn(claims, name);

// JSON's 1e999 parses to Infinity: an instant must be a real number.
const Instant = new t.Type<number, number, unknown>(
  'Instant',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => (typeof u === 'number' && Number.isFinite(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

// An empty id names nobody; refusing it keeps a backend bug from becoming an identity.
const Id = new t.Type<string, string, unknown>(
  'Id',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const TimeClaims = t.partial({ exp: Instant, nbf: Instant, iat: Instant });

const UserClaims = t.intersection([
  t.type({ userId: Id, exp: Instant }),
  t.partial({ displayName: t.string, data: t.unknown }),
]);

const ThreadClaims = t.intersection([
  t.type({ threadId: Id, memberIds: t.array(t.string) }),
  t.partial({ exp: Instant }),
]);

const ServerClaims = t.type({ role: t.literal('server'), exp: Instant });

/** A claim that, when present at all (even null), marks a token as another kind. */
const FOREIGN: Readonly<Record<'user' | 'thread' | 'server', readonly ClaimName[]>> = {
  user: ['threadId', 'memberIds', 'role'],
  thread: ['userId', 'role'],
  server: ['userId', 'threadId', 'memberIds'],
};

const lacksForeign = (kind: keyof typeof FOREIGN, claims: Claims): boolean =>
  FOREIGN[kind].every((name) => !has(claims, name));

export interface UserClaimsOf {
  readonly userId: string;
  readonly displayName: string;
  readonly data?: unknown;
  readonly exp: number;
}

/** The claims as a user token's, or nothing when they are not one. */
export const asUser = (claims: Claims): UserClaimsOf | undefined => {
  if (!lacksForeign('user', claims)) return undefined;
  const decoded = UserClaims.decode(claims);
  if (E.isLeft(decoded)) return undefined;
  const { userId, displayName, exp } = decoded.right;
  // fresh object: only what the token proved, displayName defaulting to the id (ECB-SPEC §1)
  return has(claims, 'data')
    ? { userId, displayName: displayName ?? userId, data: claims.data, exp }
    : { userId, displayName: displayName ?? userId, exp };
};

export interface ThreadClaimsOf {
  readonly threadId: string;
  readonly memberIds: readonly string[];
  readonly exp?: number;
}

/** The claims as a thread token's, or nothing when they are not one. */
export const asThread = (claims: Claims): ThreadClaimsOf | undefined => {
  if (!lacksForeign('thread', claims)) return undefined;
  const decoded = ThreadClaims.decode(claims);
  if (E.isLeft(decoded)) return undefined;
  const { threadId, memberIds, exp } = decoded.right;
  return exp === undefined ? { threadId, memberIds: [...memberIds] } : { threadId, memberIds: [...memberIds], exp };
};

/** The claims as a server token's (its expiry), or nothing when they are not one. */
export const asServer = (claims: Claims): { readonly exp: number } | undefined => {
  if (!lacksForeign('server', claims)) return undefined;
  const decoded = ServerClaims.decode(claims);
  return E.isLeft(decoded) ? undefined : { exp: decoded.right.exp };
};

export type LifetimeProblem = 'expired' | 'not-yet-valid' | 'issued-in-future' | 'malformed';

/**
 * exp/nbf/iat against `now` with the tolerance. jose checks exp and nbf too
 * (against whole seconds); this repeats them with the clock's own decimals
 * and adds the check jose leaves out: `iat` in the future.
 */
export const lifetimeProblem = (claims: Claims, now: number, tolerance: number): LifetimeProblem | undefined => {
  const decoded = TimeClaims.decode(claims);
  if (E.isLeft(decoded)) return 'malformed';
  const { exp, nbf, iat } = decoded.right;
  if (nbf !== undefined && nbf > now + tolerance) return 'not-yet-valid';
  if (iat !== undefined && iat > now + tolerance) return 'issued-in-future';
  if (exp !== undefined && exp <= now - tolerance) return 'expired';
  return undefined;
};
