import { createHmac, createPublicKey, randomBytes, sign } from 'node:crypto';
import { exportJWK } from 'jose';
import sinon from 'sinon';
import { expect } from 'chai';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { aConfig } from '../../support/config.js';
import { newKeys, testKeys, type TestKeys } from '../../support/keys.js';
import { b64url, rawSigned } from './forge.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { spyOnSignatureChecks } from './signature-checks.js';

const USER = { userId: 'alice', displayName: 'Alice', exp: T + 3600 };
const THREAD = { threadId: 'thread-1', memberIds: ['alice'], exp: T + 3600 };

const HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;
type HmacAlg = keyof typeof HASH;

/** An HMAC token keyed with any bytes, its header written by hand. */
const hmacSigned = (header: Record<string, unknown>, payload: unknown, secret: Buffer | string, alg: HmacAlg): string => {
  const input = `${b64url(JSON.stringify({ ...header, alg }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac(HASH[alg], secret).update(input).digest('base64url')}`;
};

/**
 * The key-confusion matrix beyond the PEM case (jose-token-verifier-forgery):
 * every other way an attacker may turn ECB's public key into an HMAC secret,
 * a header that carries its own key, an unencoded payload, and an odd `typ`
 * on a genuine token. Both kinds a client presents are checked: user tokens
 * (UNAUTHORIZED) and thread tokens (FORBIDDEN).
 */
describe('JoseTokenVerifier: key confusion and header tricks', () => {
  let keys: TestKeys;
  let attacker: TestKeys;
  let verifier: JoseTokenVerifier;
  /** Every form of the public key a verifier might mistake for an HMAC secret. */
  let publicKeyForms: Array<{ readonly name: string; readonly bytes: Buffer | string }>;

  before(async () => {
    keys = await testKeys();
    attacker = await newKeys();
    const spki = createPublicKey(keys.publicPem);
    const jwk = await exportJWK(keys.publicKey);
    publicKeyForms = [
      { name: 'PEM text', bytes: keys.publicPem },
      { name: 'PEM text without its final newline', bytes: keys.publicPem.trimEnd() },
      { name: 'PKCS#1 PEM text (ECB_PUBLIC_KEY accepts it too)', bytes: spki.export({ type: 'pkcs1', format: 'pem' }) },
      { name: 'SPKI DER bytes', bytes: spki.export({ type: 'spki', format: 'der' }) },
      { name: 'PKCS#1 DER bytes', bytes: spki.export({ type: 'pkcs1', format: 'der' }) },
      { name: 'JWK JSON bytes', bytes: JSON.stringify(jwk) },
      { name: 'JWK JSON bytes with alg and use', bytes: JSON.stringify({ ...jwk, alg: 'RS256', use: 'sig' }) },
      { name: 'JWK modulus bytes', bytes: Buffer.from(jwk.n!, 'base64url') },
    ];
  });

  beforeEach(async () => {
    verifier = new JoseTokenVerifier(await aConfig(), frozenClock());
  });

  afterEach(() => sinon.restore());

  for (const alg of Object.keys(HASH) as HmacAlg[]) {
    it(`refuses ${alg} keyed with any form of the public key, as user and as thread token`, async () => {
      for (const { name, bytes } of publicKeyForms) {
        const user = hmacSigned({ typ: 'JWT' }, USER, bytes, alg);
        const thread = hmacSigned({ typ: 'JWT' }, THREAD, bytes, alg);
        expect((await refused(verifier.verifyUser(user), 'UNAUTHORIZED', user))._tag, name).to.equal('UNAUTHORIZED');
        expect((await refused(verifier.verifyThread(thread), 'FORBIDDEN', thread))._tag, name).to.equal('FORBIDDEN');
      }
    });
  }

  it('refuses HS256 without touching HMAC at all: the algorithm is refused before any key is used', async () => {
    const checks = spyOnSignatureChecks();
    const token = hmacSigned({}, USER, keys.publicPem, 'HS256');
    await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    expect(checks.called()).to.equal(false);
  });

  it('refuses HS256 whose header embeds the very oct key that signed it', async () => {
    const secret = randomBytes(32);
    const header = { jwk: { kty: 'oct', k: secret.toString('base64url') } };
    const user = hmacSigned(header, USER, secret, 'HS256');
    const thread = hmacSigned(header, THREAD, secret, 'HS256');
    await refused(verifier.verifyUser(user), 'UNAUTHORIZED', user);
    await refused(verifier.verifyThread(thread), 'FORBIDDEN', thread);
  });

  it("refuses RS256 signed by the attacker's key whose header embeds the attacker's public JWK", async () => {
    const jwk = await exportJWK(attacker.publicKey);
    for (const header of [{ jwk }, { jwk: { ...jwk, alg: 'RS256', use: 'sig' } }, { jwk, kid: 'default' }]) {
      const user = rawSigned({ ...header, alg: 'RS256' }, USER, attacker.privatePem);
      const thread = rawSigned({ ...header, alg: 'RS256' }, THREAD, attacker.privatePem);
      await refused(verifier.verifyUser(user), 'UNAUTHORIZED', user);
      await refused(verifier.verifyThread(thread), 'FORBIDDEN', thread);
    }
  });

  it("accepts a genuine RS256 token whose embedded jwk is the attacker's: the header's key is ignored either way", async () => {
    const jwk = await exportJWK(attacker.publicKey);
    await accepted(verifier.verifyUser(rawSigned({ alg: 'RS256', jwk }, USER, keys.privatePem)));
    await accepted(verifier.verifyThread(rawSigned({ alg: 'RS256', jwk }, THREAD, keys.privatePem)));
  });

  describe('b64: false (RFC 7797 unencoded payload)', () => {
    // With b64 false the signing input is the payload text itself. Written as base64url text, the
    // signing input is byte for byte that of an ordinary token: a verifier that ignored b64 would
    // accept it, one that honoured it would read claims out of base64 text.
    const unencoded = (header: Record<string, unknown>, payload: unknown): string =>
      rawSigned({ alg: 'RS256', ...header }, payload, keys.privatePem);

    it('refuses a genuine RS256 signature with b64 false listed in crit, as user and as thread token', async () => {
      const header = { b64: false, crit: ['b64'] };
      const user = unencoded(header, USER);
      const thread = unencoded(header, THREAD);
      await refused(verifier.verifyUser(user), 'UNAUTHORIZED', user);
      await refused(verifier.verifyThread(thread), 'FORBIDDEN', thread);
    });

    // Documented behaviour: b64 outside crit is ignored (as jose does), so the token reads as an
    // ordinary one. RFC 7797 calls it ill-formed, but the backend's key signed exactly these claims:
    // nothing is forged.
    it('accepts a genuine RS256 token whose b64 false is not in crit: the parameter is ignored', async () => {
      await accepted(verifier.verifyUser(unencoded({ b64: false }, USER)));
      await accepted(verifier.verifyThread(unencoded({ b64: false }, THREAD)));
    });

    it('refuses the raw JSON payload form (not a compact JWS of base64url parts)', async () => {
      const header = b64url(JSON.stringify({ alg: 'RS256', b64: false, crit: ['b64'] }));
      const payload = JSON.stringify(USER);
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), keys.privatePem).toString('base64url');
      await refused(verifier.verifyUser(`${header}.${payload}.${signature}`), 'UNAUTHORIZED');
      // The detached form (empty payload) carries no claims to verify.
      await refused(verifier.verifyUser(`${header}..${signature}`), 'UNAUTHORIZED');
      await refused(verifier.verifyThread(`${header}..${signature}`), 'FORBIDDEN');
    });
  });

  describe('typ (not required by the spec: the algorithm and key decide)', () => {
    for (const typ of ['JWT', 'jwt', 'at+jwt', 'JOSE', 'application/evil', '', 42, null]) {
      it(`accepts a genuine RS256 token with typ ${JSON.stringify(typ)}`, async () => {
        await accepted(verifier.verifyUser(rawSigned({ alg: 'RS256', typ }, USER, keys.privatePem)));
        await accepted(verifier.verifyThread(rawSigned({ alg: 'RS256', typ }, THREAD, keys.privatePem)));
      });
    }

    it('still refuses a forged token whatever its typ', async () => {
      const forged = rawSigned({ alg: 'RS256', typ: 'JWT' }, USER, attacker.privatePem);
      await refused(verifier.verifyUser(forged), 'UNAUTHORIZED', forged);
    });
  });
});
