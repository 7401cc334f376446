import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';

/** ECB's clock tolerance (ECB-SPEC §2). */
const CLOCK_TOLERANCE_SECONDS = 30;
/** Lifetime of the user tokens the checker mints for itself. */
export const CHECK_TOKEN_LIFETIME_SECONDS = 600;

/**
 * The backend's key pair as the checker holds it: the private key mints the
 * user tokens ECB would forward, and the public key (derived from it, as ECB
 * is configured with it) verifies the tokens the backend signs. A second,
 * unrelated key signs tokens a backend must refuse.
 */
export class CheckKeys {
  readonly publicKey: KeyObject;
  private readonly foreignKey: KeyObject;

  /** Throws when the PEM is not an RSA private key: a usage mistake reported before any check. */
  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
      throw new Error('the --private-key file must hold an RSA private key (RS256)');
    }
    this.publicKey = createPublicKey(privateKey);
    this.foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  static fromPem(pem: string): CheckKeys {
    return new CheckKeys(createPrivateKey(pem));
  }

  /** A user token as the backend would issue it. */
  userToken(user: { userId: string; displayName?: string }, options: { expired?: boolean; foreign?: boolean } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    // Expired well beyond the tolerance, so no clock skew can make it valid.
    const exp = options.expired === true ? now - 10 * CLOCK_TOLERANCE_SECONDS : now + CHECK_TOKEN_LIFETIME_SECONDS;
    return new SignJWT({ ...user })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(options.expired === true ? exp - 60 : now)
      .setExpirationTime(exp)
      .sign(options.foreign === true ? this.foreignKey : this.privateKey);
  }

  /**
   * A user token a backend must refuse however its claims read (ECB-SPEC §2:
   * RS256 only): unsigned (`alg: none`), or HS256 with the public key's PEM
   * as the secret, the classic confusion of a verifier that takes the
   * algorithm from the token.
   */
  forgedUserToken(user: { userId: string; displayName?: string }, alg: 'none' | 'HS256'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    if (alg === 'none') return Promise.resolve(new UnsecuredJWT({ ...user }).setIssuedAt(now).setExpirationTime(now + CHECK_TOKEN_LIFETIME_SECONDS).encode());
    const secret = new TextEncoder().encode(this.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    return new SignJWT({ ...user })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + CHECK_TOKEN_LIFETIME_SECONDS)
      .sign(secret);
  }

  /**
   * The claims of a token the backend signed, verified as ECB verifies them
   * (RS256 only, this public key), or why it would be refused.
   */
  async verify(token: string): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: string }> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return { ok: false, reason: 'it is not a JWT' };
    }
    if (alg !== 'RS256') return { ok: false, reason: `it is signed with ${String(alg)}, and ECB accepts only RS256` };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return { ok: true, claims: payload };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return code === 'ERR_JWT_EXPIRED'
        ? { ok: false, reason: 'it has already expired' }
        : { ok: false, reason: 'its signature does not verify with the public key of --private-key' };
    }
  }
}
