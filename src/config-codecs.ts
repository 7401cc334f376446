import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';

/**
 * io-ts codecs for environment variables: each decodes the variable's text
 * into a typed setting, and its `name` says what was expected, so that a
 * bad setting stops start-up with one line naming it (config.ts).
 */

/** A whole number within [min, max], written in decimal. */
export const WholeNumber = (min: number, max: number): t.Type<number, string, unknown> =>
  new t.Type<number, string, unknown>(
    `a whole number from ${min} to ${max}`,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) => {
      if (typeof u !== 'string' || !/^-?\d+$/.test(u)) return t.failure(u, c);
      const value = Number(u);
      return Number.isSafeInteger(value) && value >= min && value <= max ? t.success(value) : t.failure(u, c);
    },
    String,
  );

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/** true/false (also 1/0, yes/no, on/off), any case. */
export const Flag = new t.Type<boolean, string, unknown>(
  'true or false',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    const word = typeof u === 'string' ? u.toLowerCase() : undefined;
    if (word !== undefined && TRUE.includes(word)) return t.success(true);
    if (word !== undefined && FALSE.includes(word)) return t.success(false);
    return t.failure(u, c);
  },
  String,
);

/** An absolute URL with one of these protocols, without trailing slashes. */
export const UrlWith = (
  protocols: readonly string[],
  rule?: { readonly described: string; readonly holds: (url: URL) => boolean },
): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    `a ${protocols.join(' or ')} URL${rule === undefined ? '' : ` ${rule.described}`}`,
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c);
      const parsed = E.tryCatch(() => new URL(u), () => undefined);
      return E.isRight(parsed) && protocols.includes(parsed.right.protocol) && (rule?.holds(parsed.right) ?? true)
        ? t.success(u.replace(/\/+$/, ''))
        : t.failure(u, c);
    },
    (s) => s,
  );

/** The backend's base URL: the operation is appended to its path, so a query, a fragment or credentials could only be lost or misplaced. */
export const BACKEND_URL_RULE = {
  described: 'without user, password, query or fragment (send a key with ECB_BACKEND_API_KEY)',
  holds: (url: URL): boolean => url.username === '' && url.password === '' && url.search === '' && url.hash === '',
} as const;

/** What the Redis client reads from its URL: a database number as the path, user and password percent-encoded. */
export const REDIS_URL_RULE = {
  described: 'whose path is empty or a database number, with user and password percent-encoded',
  holds: (url: URL): boolean =>
    /^\/?(\d+)?$/.test(url.pathname) && E.isRight(E.tryCatch(() => decodeURIComponent(url.username) + decodeURIComponent(url.password), () => undefined)),
} as const;

/** One of a few words, any case. */
export const OneOf = <const W extends string>(words: readonly W[]): t.Type<W, string, unknown> =>
  new t.Type<W, string, unknown>(
    `one of ${words.join(', ')}`,
    (u): u is W => typeof u === 'string' && (words as readonly string[]).includes(u),
    (u, c) => {
      const word = typeof u === 'string' ? u.toLowerCase() : undefined;
      return word !== undefined && (words as readonly string[]).includes(word) ? t.success(word as W) : t.failure(u, c);
    },
    (w) => w,
  );

/** A string matching a pattern, described in words. */
export const Matching = (pattern: RegExp, described: string): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    described,
    (u): u is string => typeof u === 'string' && pattern.test(u),
    (u, c) => (typeof u === 'string' && pattern.test(u) ? t.success(u) : t.failure(u, c)),
    (s) => s,
  );
