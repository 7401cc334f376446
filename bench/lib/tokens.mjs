// RS256 JWTs signed with node:crypto: minting thousands of tokens for a run
// must take seconds, not minutes (jose's WebCrypto signing is slower).
import { generateKeyPairSync, sign } from 'node:crypto';

const b64url = (value) => Buffer.from(value).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));

/** A fresh RSA-2048 key pair; the public half as SPKI PEM for ECB_PUBLIC_KEY_FILE. */
export const newKeys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) };
};

/** Signs claims with RS256; every token lives one hour (longer than any run). */
export const signJwt = (privateKey, claims) => {
  const now = Math.floor(Date.now() / 1000);
  const payload = b64url(JSON.stringify({ ...claims, iat: now, exp: now + 3600 }));
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};

/** Short user ids keep a 1,000-member thread token under the 8 KiB token limit. */
export const userId = (index) => index.toString(36);
