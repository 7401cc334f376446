import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { newKeys, serverToken, signToken, testKeys, threadToken, userToken } from '../../support/keys.js';

/**
 * The user-token cases of ECB-SPEC §2, shared by the socket handshake and
 * the REST tests: each credential, and what ECB must make of it.
 */
export interface TokenCase {
  readonly name: string;
  readonly token: () => Promise<string>;
  /** 'accepted', or the error code of the refusal. */
  readonly expected: 'accepted' | 'UNAUTHORIZED' | 'TOKEN_EXPIRED';
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const aliceClaims = (): Record<string, unknown> => ({ userId: 'alice', displayName: 'Alice', exp: now() + 3600, iat: now() });

/** alg "none": a header and claims, and no signature at all. */
const unsigned = (): string => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(aliceClaims())}.`;

/** The classic key confusion: HS256 with the public key's PEM as the shared secret. */
const hmacWithPublicPem = async (): Promise<string> => {
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(aliceClaims())}`;
  const signature = createHmac('sha256', (await testKeys()).publicPem).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
};

const es256 = async (): Promise<string> => {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(aliceClaims()).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
};

/** Signed by another key, which the header offers as an embedded JWK: never to be trusted. */
const embeddedJwk = async (): Promise<string> => {
  const foreign = await newKeys();
  const jwk = await exportJWK(foreign.publicKey);
  return new SignJWT(aliceClaims()).setProtectedHeader({ alg: 'RS256', jwk }).sign(foreign.privateKey);
};

/** A genuine signature over other claims, with the claims swapped for bob's. */
const tampered = async (): Promise<string> => {
  const [header, , signature] = (await userToken('alice', 'Alice')).split('.');
  return `${header}.${base64url({ userId: 'bob', displayName: 'Bob', exp: now() + 3600 })}.${signature}`;
};

export const USER_TOKEN_CASES: readonly TokenCase[] = [
  { name: 'a valid RS256 user token', token: () => userToken('alice', 'Alice'), expected: 'accepted' },
  {
    name: 'a user token expired 10 s ago (within the 30 s tolerance)',
    token: () => userToken('alice', 'Alice', { expiresIn: -10 }),
    expected: 'accepted',
  },
  { name: 'alg "none"', token: async () => unsigned(), expected: 'UNAUTHORIZED' },
  { name: 'HS256 signed with the public key PEM as secret', token: hmacWithPublicPem, expected: 'UNAUTHORIZED' },
  { name: 'ES256', token: es256, expected: 'UNAUTHORIZED' },
  { name: 'RS256 signed by another key', token: async () => userToken('alice', 'Alice', { keys: await newKeys() }), expected: 'UNAUTHORIZED' },
  { name: 'another key offered as an embedded jwk header', token: embeddedJwk, expected: 'UNAUTHORIZED' },
  { name: 'claims swapped under a genuine signature', token: tampered, expected: 'UNAUTHORIZED' },
  { name: 'an expired user token', token: () => userToken('alice', 'Alice', { expiresIn: -3600 }), expected: 'TOKEN_EXPIRED' },
  {
    name: 'a user token not valid before an hour from now (nbf)',
    token: () => userToken('alice', 'Alice', { notBefore: now() + 3600 }),
    expected: 'UNAUTHORIZED',
  },
  {
    name: 'a user token issued an hour in the future (iat)',
    token: () => userToken('alice', 'Alice', { issuedAt: now() + 3600 }),
    expected: 'UNAUTHORIZED',
  },
  { name: 'a user token without exp', token: () => userToken('alice', 'Alice', { expiresIn: null }), expected: 'UNAUTHORIZED' },
  {
    name: 'a validly signed token over 8 KiB',
    token: () => signToken({ userId: 'alice', displayName: 'Alice', data: 'x'.repeat(9_000) }),
    expected: 'UNAUTHORIZED',
  },
  { name: 'a thread token', token: () => threadToken('thread-alice-bob', ['alice', 'bob']), expected: 'UNAUTHORIZED' },
  { name: 'a server token', token: () => serverToken(), expected: 'UNAUTHORIZED' },
  { name: 'a user token that also claims role "server"', token: () => signToken({ userId: 'alice', role: 'server' }), expected: 'UNAUTHORIZED' },
  { name: 'a user token that also names a thread', token: () => signToken({ userId: 'alice', threadId: 't', memberIds: ['alice'] }), expected: 'UNAUTHORIZED' },
];

export const ISSUER = 'https://backend.example.com';
export const AUDIENCE = 'ecb';

/** With ECB_JWT_ISSUER and ECB_JWT_AUDIENCE set. */
export const ISSUER_AUDIENCE_CASES: readonly TokenCase[] = [
  {
    name: 'the configured iss and aud',
    token: () => userToken('alice', 'Alice', { issuer: ISSUER, audience: AUDIENCE }),
    expected: 'accepted',
  },
  { name: 'no iss', token: () => userToken('alice', 'Alice', { audience: AUDIENCE }), expected: 'UNAUTHORIZED' },
  {
    name: 'another iss',
    token: () => userToken('alice', 'Alice', { issuer: 'https://evil.example.com', audience: AUDIENCE }),
    expected: 'UNAUTHORIZED',
  },
  { name: 'no aud', token: () => userToken('alice', 'Alice', { issuer: ISSUER }), expected: 'UNAUTHORIZED' },
  {
    name: 'another aud',
    token: () => userToken('alice', 'Alice', { issuer: ISSUER, audience: 'someone-else' }),
    expected: 'UNAUTHORIZED',
  },
];

/** What an error message must never contain: the credential, or a stack frame. */
export const leakIn = (message: string, secrets: readonly string[]): string | undefined => {
  if (/\n\s*at |\bat [^\s]+ \(|\bat file:|\.(?:js|ts):\d+/.test(message)) return 'a stack trace';
  const leaked = secrets.find((secret) => secret.length >= 8 && message.includes(secret));
  if (leaked !== undefined) return 'a credential';
  if (/eyJ[\w-]+\.[\w-]+\./.test(message)) return 'something shaped like a JWT';
  return undefined;
};
