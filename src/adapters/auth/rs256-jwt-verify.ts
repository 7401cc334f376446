// The default import, not `{ verify }`: a call through the module object is one a test can spy on.
import nodeCrypto, { type KeyObject } from 'node:crypto';
import {
  base64url,
  decodeProtectedHeader,
  errors,
  UnsecuredJWT,
  type CryptoKey,
  type JWSHeaderParameters,
  type JWTClaimVerificationOptions,
  type JWTPayload,
} from 'jose';
import type { KeyLookup } from './key-lookup.js';

/**
 * jose's `jwtVerify(token, keys, { algorithms: ['RS256'], ...claimOptions })`
 * with the one expensive step, the RSA signature check, done by node:crypto
 * with a `KeyObject` instead of WebCrypto: the signature step costs about a
 * third, a whole cache-missing verification about half the CPU (ADR 0008),
 * and a handshake with a fresh token always pays it.
 *
 * Everything else is jose's own code or a step-for-step copy of jose 6's
 * `verifyCompact` (dist/webapi/lib/jws_verify.js), in the same order and
 * throwing the same error classes, so a token refused by one is refused by
 * the other for the same reason:
 *
 * 1. three parts, each strictly base64url (jose: three parts; the caller
 *    already checks the alphabet, this repeats it so nothing here ever hands
 *    a lax decoder other characters);
 * 2. the protected header decoded by jose (`decodeProtectedHeader`:
 *    base64url, fatal UTF-8, JSON, an object);
 * 3. `crit`: a non-empty array of non-empty strings naming only `b64`, which
 *    must then be present and boolean; anything else is refused;
 * 4. `alg`: a non-empty string, and exactly `RS256`;
 * 5. the key from `keys` (only the configured PEM or JWKS);
 * 6. the signature decoded by jose's base64url decoder;
 * 7. the key checked as jose checks it: a public RSASSA-PKCS1-v1_5 SHA-256
 *    key that may verify, of at least 2048 bits;
 * 8. the signature, over the ASCII bytes of `header.payload`;
 * 9. `b64: false` refused (a JWT must encode its payload), the payload
 *    decoded by jose's base64url decoder;
 * 10. the claims set validated by jose's own `validateClaimsSet` (JSON
 *    object, `iss`, `aud`, `nbf`, `exp` with the tolerance), reached through
 *    `UnsecuredJWT.decode` on the already verified payload under a fixed
 *    header of this module: never on anything a caller sent as a header.
 *
 * Throws jose's errors (and TypeError for an unfit key, as jose does);
 * `JWTExpired` carries the payload, whose signature has been verified.
 */
export const rs256JwtVerify = async (
  token: string,
  keys: KeyLookup,
  options: JWTClaimVerificationOptions,
): Promise<JWTPayload> => {
  if (!COMPACT_JWS.test(token)) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [encodedHeader = '', payload = '', encodedSignature = ''] = token.split('.');
  const header = protectedHeader(encodedHeader);
  const b64 = b64Of(header);
  const { alg } = header;
  if (typeof alg !== 'string' || alg.length === 0) {
    throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  }
  if (alg !== 'RS256') throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  const key = await keys(header, { payload, protected: encodedHeader, signature: encodedSignature });
  const signature = decoded(encodedSignature, 'signature');
  const verifier = keyObjectOf(key);
  // the three parts are base64url (checked above): ASCII, so latin1 gives exactly their bytes
  const signingInput = Buffer.from(`${encodedHeader}.${payload}`, 'latin1');
  let verified = false;
  try {
    verified = nodeCrypto.verify('sha256', signingInput, { key: verifier, padding: RSA_PKCS1_PADDING }, signature);
  } catch (cause) {
    throw new errors.JWSSignatureVerificationFailed(undefined, { cause });
  }
  if (!verified) throw new errors.JWSSignatureVerificationFailed();
  if (!b64) throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
  decoded(payload, 'payload');
  return UnsecuredJWT.decode(`${CLAIMS_ONLY_HEADER}.${payload}.`, options).payload;
};

// Every part non-empty (an empty signature is `alg: none`) and of the base64url alphabet only:
// jose's decoder (atob underneath on Node 20) skips whitespace and takes `=` padding, so nothing else may reach it.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const RSA_PKCS1_PADDING = nodeCrypto.constants.RSA_PKCS1_PADDING;

/** The header `UnsecuredJWT.decode` requires; only ever paired with a payload whose signature is verified. */
const CLAIMS_ONLY_HEADER = base64url.encode(JSON.stringify({ alg: 'none' }));

const protectedHeader = (encoded: string): JWSHeaderParameters => {
  try {
    return decodeProtectedHeader({ protected: encoded });
  } catch (cause) {
    throw new errors.JWSInvalid('JWS Protected Header is invalid', { cause });
  }
};

/**
 * jose's `validateCrit` (recognising only `b64`) and `validateB64`: the value
 * of `b64` when `crit` names it, otherwise true.
 */
const b64Of = (header: JWSHeaderParameters): boolean => {
  const { crit } = header;
  if (crit === undefined) return true;
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || name.length === 0)) {
    throw new errors.JWSInvalid('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
  }
  for (const name of crit) {
    if (name !== 'b64') throw new errors.JOSENotSupported(`Extension Header Parameter "${name}" is not recognized`);
    if (!Object.hasOwn(header, name) || header[name] === undefined) {
      throw new errors.JWSInvalid(`Extension Header Parameter "${name}" is missing`);
    }
  }
  const { b64 } = header;
  if (typeof b64 !== 'boolean') {
    throw new errors.JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
  }
  return b64;
};

/** jose's base64url decoder (refuses `+`, `/` and a length of 4n+1), failing as jose fails. */
const decoded = (part: string, label: 'signature' | 'payload'): Uint8Array => {
  try {
    return base64url.decode(part);
  } catch (cause) {
    throw new errors.JWSInvalid(`Failed to base64url decode the ${label}`, { cause });
  }
};

// A CryptoKey never changes, so one that passed the checks once maps to its KeyObject for good.
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * The KeyObject for `key`, after jose's checks for an RS256 verification key
 * (`prepareKey`, `checkCryptoKey`, `checkModulusLength`), with jose's error:
 * a TypeError.
 */
const keyObjectOf = (key: CryptoKey): KeyObject => {
  const known = keyObjects.get(key);
  if (known !== undefined) return known;
  if (key.type !== 'public') throw new TypeError('CryptoKey instances must be of type "public" for the RS256 algorithm');
  const algorithm = key.algorithm as Partial<RsaHashedKeyAlgorithm>;
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5') {
    throw new TypeError('CryptoKey does not support this operation, its algorithm.name must be RSASSA-PKCS1-v1_5');
  }
  if (algorithm.hash?.name !== 'SHA-256') {
    throw new TypeError('CryptoKey does not support this operation, its algorithm.hash must be SHA-256');
  }
  if (!key.usages.includes('verify')) {
    throw new TypeError('CryptoKey does not support this operation, its usages must include verify.');
  }
  if (typeof algorithm.modulusLength !== 'number' || algorithm.modulusLength < 2048) {
    throw new TypeError('RS256 requires key modulusLength to be 2048 bits or larger');
  }
  const keyObject = nodeCrypto.KeyObject.from(key as unknown as Parameters<typeof nodeCrypto.KeyObject.from>[0]);
  keyObjects.set(key, keyObject);
  return keyObject;
};
