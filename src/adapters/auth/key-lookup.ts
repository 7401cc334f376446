import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import type { KeySource } from '../../config.js';
import { TokenBucket, type Rate } from '../token-buckets.js';

/** A JWKS fetch that takes longer than this fails, ms. */
export const JWKS_TIMEOUT_MS = 5_000;
/** An unknown `kid` refetches the JWKS at most this often, so forged kids cannot flood the key server, ms. */
export const JWKS_COOLDOWN_MS = 30_000;
/**
 * Within that cooldown, an unknown `kid` may still refetch the JWKS at once
 * this often: 3 in a row, then one every 10 s. A key the backend has just
 * added (a rotation) is then accepted at once rather than after up to 30 s,
 * and forged kids still cost the key server at most 6 fetches a minute.
 */
export const JWKS_EARLY_RELOADS: Rate = { burst: 3, perSecond: 0.1 };
/** A fetched JWKS is trusted this long before it is fetched again, ms. */
export const JWKS_MAX_AGE_MS = 600_000;

/** The configured key source could not be reached (JWKS down, or answering something that is not a key set). */
export class KeysUnavailable extends Error {}
/** The configured key cannot verify anything (e.g. not an RSA public key). */
export class KeysBroken extends Error {}

/** Finds the key for a token from its (not yet verified) protected header. */
export type KeyLookup = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/**
 * Where the verifier gets the key for a token: only ever the configured one. Throws
 * KeysUnavailable or KeysBroken when the fault is the key source's, and
 * jose's own errors when it is the token's (no key for its `kid`).
 */
export const keyLookup = (source: KeySource): KeyLookup =>
  source.kind === 'pem' ? pemKey(source.pem) : remoteKeys(source.url);

/** One PEM key, imported once on first use; any `kid` in the header is ignored. */
const pemKey = (pem: string): KeyLookup => {
  let key: Promise<CryptoKey> | undefined;
  return () =>
    (key ??= importSPKI(pem, 'RS256').catch((cause: unknown) => {
      throw new KeysBroken('the configured public key cannot verify RS256', { cause });
    }));
};

/**
 * The configured JWKS URL and nothing else, with jose's cache and cooldown,
 * and a few early refetches for an unknown kid (JWKS_EARLY_RELOADS).
 * A key that cannot be found is the token's fault; a key set that cannot be
 * fetched is not.
 */
const remoteKeys = (url: string): KeyLookup => {
  let jwks: RemoteJWKSet | undefined;
  const earlyReloads = new TokenBucket(JWKS_EARLY_RELOADS);
  return async (header, token) => {
    try {
      jwks ??= createRemoteJWKSet(new URL(url), {
        timeoutDuration: JWKS_TIMEOUT_MS,
        cooldownDuration: JWKS_COOLDOWN_MS,
        cacheMaxAge: JWKS_MAX_AGE_MS,
      });
      // jose refetches the set for an unknown kid only once its cooldown is over
      const coolingDown = jwks.coolingDown;
      try {
        return await jwks(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || !coolingDown || earlyReloads.take() > 0) throw error;
        await jwks.reload();
        return await jwks(header, token);
      }
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new KeysUnavailable('the JWKS could not be fetched', { cause: error });
    }
  };
};
