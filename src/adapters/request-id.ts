import { randomBytes } from 'node:crypto';

/** Ids drawn from one prefix before the next: the counter fills the last 12 hex digits. */
const IDS_PER_PREFIX = 2 ** 48;

/** `xxxxxxxx-xxxx-4xxx-Yxxx-` with 74 random bits: the version 4 and variant bits of RFC 9562 set. */
const randomPrefix = (): string => {
  const hex = randomBytes(10).toString('hex');
  const variant = '89ab'[Number.parseInt(hex[15]!, 16) & 3]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(16, 19)}-`;
};

let prefix = randomPrefix();
let counter = 0;

/**
 * A new `X-ECB-Request-Id`: a UUID (version 4 layout) unique to this
 * request. Its first 20 hex digits are random, drawn once per process (and
 * again every 2^48 ids); the last 12 count up. Ids never repeat within a
 * process, and two processes share a prefix with odds of 1 in 2^74. It
 * correlates logs and is no secret, so it need not be unpredictable:
 * `randomUUID()` costs about half a microsecond per request more, on the
 * hot path of every message (docs/benchmarks.md, finding 13).
 *
 * The id is one flat string: V8 keeps a joined string longer than 12
 * characters as a tree of its pieces, and a request's id lives as long as
 * its backend call, in the caller and in the headers, where the garbage
 * collector would copy every piece on each scavenge (finding 7). Reading a
 * character makes V8 flatten it in place, once.
 */
export const newRequestId = (): string => {
  if (counter === IDS_PER_PREFIX) {
    prefix = randomPrefix();
    counter = 0;
  }
  const id = prefix + (counter++).toString(16).padStart(12, '0');
  id.charCodeAt(0);
  return id;
};
