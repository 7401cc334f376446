import { createPrivateKey, createPublicKey, KeyObject, type webcrypto } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { errors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { unauthorized, type Failure } from './failures.js';
import type { User } from './store.js';

/** A key as you may hold it: a WebCrypto key, a Node KeyObject, or PEM text. */
export type KeyInput = CryptoKey | KeyObject | string;

export const DEFAULT_USER_TOKEN_LIFETIME_SECONDS = 60 * 60;
export const DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** ECB accepts server tokens up to 5 minutes ahead; a minute is plenty for one call. */
export const SERVER_TOKEN_LIFETIME_SECONDS = 60;
/** The same tolerance ECB applies (ECB-SPEC §2). */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer tokens are refused before any cryptography (ECB-SPEC §2). */
export const MAX_TOKEN_LENGTH = 8 * 1024;

export interface TokenSettings {
  readonly privateKey: KeyInput;
  readonly publicKey: KeyInput;
  /** UNIX epoch seconds. */
  readonly now: () => number;
  readonly userTokenLifetimeSeconds: number;
  readonly threadTokenLifetimeSeconds: number;
}

/** What a verified user token proves. */
export interface TokenUser {
  readonly userId: string;
  readonly displayName?: string;
}

const UserClaims = t.intersection([t.type({ userId: t.string }), t.partial({ displayName: t.string })]);
// A thread or server token must never pass as a user token (ECB-SPEC §2).
const OTHER_KINDS_CLAIMS = ['threadId', 'memberIds', 'role'];

/**
 * Signs the three kinds of RS256 token ECB relies on (ECB-SPEC §2) with the
 * backend's private key, and verifies the user tokens ECB forwards with
 * the public key. RS256 is the only algorithm accepted.
 */
export class ReferenceTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  /** Throws when a key is not an RSA key of the right kind: a start-up mistake. */
  constructor(private readonly settings: TokenSettings) {
    this.privateKey = rsaKey(settings.privateKey, 'private');
    this.publicKey = rsaKey(settings.publicKey, 'public');
  }

  /** A user token: `{ userId, displayName, data? }`. */
  signUserToken(user: User, lifetimeSeconds = this.settings.userTokenLifetimeSeconds): Promise<string> {
    const claims = {
      userId: user.userId,
      displayName: user.displayName,
      ...(user.data === undefined ? {} : { data: user.data }),
    };
    return this.sign(claims, lifetimeSeconds);
  }

  /** A thread token: `{ threadId, memberIds }`, which ECB checks on every request about the thread. */
  signThreadToken(
    thread: { readonly threadId: string; readonly memberIds: readonly string[] },
    lifetimeSeconds = this.settings.threadTokenLifetimeSeconds,
  ): Promise<string> {
    return this.sign({ threadId: thread.threadId, memberIds: [...thread.memberIds] }, lifetimeSeconds);
  }

  /** A server token `{ role: 'server' }` for calling ECB's server API (ECB-SPEC §5). */
  signServerToken(lifetimeSeconds = SERVER_TOKEN_LIFETIME_SECONDS): Promise<string> {
    return this.sign({ role: 'server' }, lifetimeSeconds);
  }

  /** The user a forwarded user token proves, or UNAUTHORIZED (never saying more than "invalid" or "expired"). */
  async verifyUserToken(token: string): Promise<E.Either<Failure, TokenUser>> {
    if (token.length > MAX_TOKEN_LENGTH) return E.left(unauthorized('the user token is too long'));
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.settings.now() * 1000),
        requiredClaims: ['exp'],
      });
      const claims = UserClaims.decode(payload);
      if (E.isLeft(claims) || OTHER_KINDS_CLAIMS.some((claim) => claim in payload)) {
        return E.left(unauthorized('the token is not a user token'));
      }
      return E.right(claims.right);
    } catch (error) {
      return E.left(
        unauthorized(error instanceof errors.JWTExpired ? 'the user token has expired' : 'the user token is invalid'),
      );
    }
  }

  private sign(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string> {
    const now = Math.floor(this.settings.now());
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(this.privateKey);
  }
}

const rsaKey = (input: KeyInput, type: 'private' | 'public'): KeyObject => {
  const key = toKeyObject(input, type);
  if (key.type !== type || key.asymmetricKeyType !== 'rsa') {
    throw new Error(`the ${type} key must be an RSA ${type} key (RS256)`);
  }
  return key;
};

const toKeyObject = (input: KeyInput, type: 'private' | 'public'): KeyObject => {
  if (typeof input === 'string') return type === 'private' ? createPrivateKey(input) : createPublicKey(input);
  return input instanceof KeyObject ? input : KeyObject.from(input as webcrypto.CryptoKey);
};
