import { createHmac, sign, constants } from 'node:crypto';

/**
 * Tokens an attacker could write by hand: built from raw JSON text and raw
 * signatures, so that nothing here is checked by the library under test.
 */

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const signingInput = (header: unknown, payload: unknown): string => `${b64url(json(header))}.${b64url(json(payload))}`;

/** `alg: none` (any casing): header and payload with an empty signature, or the one given. */
export const unsignedToken = (alg: string, payload: unknown, signature = ''): string =>
  `${signingInput({ alg, typ: 'JWT' }, payload)}.${signature}`;

/** The classic key confusion: HMAC keyed with the verifier's public key bytes. */
export const hmacToken = (secret: string, payload: unknown, alg = 'HS256'): string => {
  const input = signingInput({ alg, typ: 'JWT' }, payload);
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
};

export interface RawSignOptions {
  readonly hash?: 'sha256' | 'sha384' | 'sha512';
  /** RSA-PSS instead of PKCS#1 v1.5 (PS256 with the right key). */
  readonly pss?: boolean;
}

/**
 * Signs raw header and payload JSON text (which may hold duplicate or
 * `__proto__` keys, or 1e999) with an RSA private key, without jose.
 */
export const rawSigned = (header: unknown, payload: unknown, privatePem: string, options: RawSignOptions = {}): string => {
  const input = signingInput(header, payload);
  const key = options.pss
    ? { key: privatePem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : { key: privatePem };
  return `${input}.${sign(options.hash ?? 'sha256', Buffer.from(input), key).toString('base64url')}`;
};

/** The same signature over a different payload. */
export const withPayload = (token: string, payload: unknown): string => {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(json(payload))}.${signature}`;
};

/** The claims of a token, read without verifying. */
export const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
