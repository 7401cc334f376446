import { createPrivateKey, createPublicKey, KeyObject, type webcrypto } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { errors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { ContractError } from './contract-error.js';

/** A key as you may hold it: a WebCrypto key, a Node KeyObject, or PEM text. */
export type KeyInput = CryptoKey | KeyObject | string;

export const DEFAULT_USER_TOKEN_LIFETIME_SECONDS = 60 * 60;
export const DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** A minute is plenty for one server API call. */
export const DEFAULT_SERVER_TOKEN_LIFETIME_SECONDS = 60;
/** ECB refuses server tokens that live longer (ECB-SPEC §2). */
export const MAX_SERVER_TOKEN_LIFETIME_SECONDS = 300;
/** The same tolerance ECB applies (ECB-SPEC §2). */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer tokens are refused before any cryptography (ECB-SPEC §2). */
export const MAX_TOKEN_LENGTH = 8 * 1024;

export interface BackendTokensOptions {
  /** Signs user, thread and server tokens; may be left out by a backend that only verifies. */
  readonly privateKey?: KeyInput;
  /** Verifies forwarded user tokens; ECB is configured with the same key. */
  readonly publicKey?: KeyInput;
  /** UNIX epoch seconds, with decimals; default the system clock. */
  readonly now?: () => number;
  readonly userTokenLifetimeSeconds?: number;
  readonly threadTokenLifetimeSeconds?: number;
  readonly serverTokenLifetimeSeconds?: number;
}

/** What a verified user token proves. */
export interface TokenUser {
  readonly userId: string;
  readonly displayName: string;
  readonly data?: unknown;
}

const UserClaims = t.intersection([t.type({ userId: t.string }), t.partial({ displayName: t.string })]);
// A thread or server token must never pass as a user token (ECB-SPEC §2).
const OTHER_KINDS_CLAIMS = ['threadId', 'memberIds', 'role'];

/**
 * Signs the three kinds of RS256 token ECB relies on (ECB-SPEC §2) with the
 * backend's private key, and verifies forwarded user tokens with the public
 * key. RS256 is the only algorithm used or accepted.
 */
export class BackendTokens {
  private readonly privateKey: KeyObject | undefined;
  private readonly publicKey: KeyObject | undefined;
  private readonly now: () => number;

  /** Throws when a key is not an RSA key of the right kind, or a lifetime is out of range: start-up mistakes. */
  constructor(private readonly options: BackendTokensOptions) {
    this.privateKey = options.privateKey === undefined ? undefined : rsaKey(options.privateKey, 'private');
    this.publicKey = options.publicKey === undefined ? undefined : rsaKey(options.publicKey, 'public');
    this.now = options.now ?? (() => Date.now() / 1000);
    checkServerLifetime(options.serverTokenLifetimeSeconds ?? DEFAULT_SERVER_TOKEN_LIFETIME_SECONDS);
  }

  /** A user token: `{ userId, displayName, data? }`. */
  signUserToken(
    user: { readonly userId: string; readonly displayName: string; readonly data?: unknown },
    lifetimeSeconds = this.options.userTokenLifetimeSeconds ?? DEFAULT_USER_TOKEN_LIFETIME_SECONDS,
  ): Promise<string> {
    const claims = {
      userId: user.userId,
      displayName: user.displayName,
      ...(user.data === undefined ? {} : { data: user.data }),
    };
    return this.sign(claims, lifetimeSeconds);
  }

  /** A thread token `{ threadId, memberIds }`, which ECB checks on every request about the thread. */
  signThreadToken(
    thread: { readonly threadId: string; readonly memberIds: readonly string[] },
    lifetimeSeconds = this.options.threadTokenLifetimeSeconds ?? DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS,
  ): Promise<string> {
    return this.sign({ threadId: thread.threadId, memberIds: [...thread.memberIds] }, lifetimeSeconds);
  }

  /** A server token `{ role: 'server' }` for ECB's server API (ECB-SPEC §5); at most 300 s. */
  signServerToken(
    lifetimeSeconds = this.options.serverTokenLifetimeSeconds ?? DEFAULT_SERVER_TOKEN_LIFETIME_SECONDS,
  ): Promise<string> {
    checkServerLifetime(lifetimeSeconds);
    return this.sign({ role: 'server' }, lifetimeSeconds);
  }

  /** The user a forwarded user token proves, or an UNAUTHORIZED ContractError (saying only "invalid" or "expired"). */
  async verifyUserToken(token: string): Promise<TokenUser | ContractError> {
    if (this.publicKey === undefined) throw new Error('BackendTokens needs a publicKey to verify user tokens');
    if (token.length > MAX_TOKEN_LENGTH) return ContractError.unauthorized('the user token is too long');
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now() * 1000),
        requiredClaims: ['exp'],
      });
      const claims = UserClaims.decode(payload);
      if (E.isLeft(claims) || OTHER_KINDS_CLAIMS.some((claim) => claim in payload)) {
        return ContractError.unauthorized('the token is not a user token');
      }
      const { userId, displayName } = claims.right;
      return { userId, displayName: displayName ?? userId, ...('data' in payload ? { data: payload['data'] } : {}) };
    } catch (error) {
      return ContractError.unauthorized(
        error instanceof errors.JWTExpired ? 'the user token has expired' : 'the user token is invalid',
      );
    }
  }

  private sign(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string> {
    if (this.privateKey === undefined) throw new Error('BackendTokens needs a privateKey to sign tokens');
    const now = Math.floor(this.now());
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(this.privateKey);
  }
}

const checkServerLifetime = (seconds: number): void => {
  if (!(seconds > 0 && seconds <= MAX_SERVER_TOKEN_LIFETIME_SECONDS)) {
    throw new RangeError(`a server token lives 1 to ${MAX_SERVER_TOKEN_LIFETIME_SECONDS} seconds, not ${seconds}`);
  }
};

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
