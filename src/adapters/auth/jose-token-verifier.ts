import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import { errors } from 'jose';
import type { Clock } from '../../application/ports/clock.js';
import type { TokenVerifier } from '../../application/ports/token-verifier.js';
import type { EcbConfig } from '../../config.js';
import {
  backendUnavailable,
  forbidden,
  internal,
  tokenExpired,
  unauthorized,
  type EcbError,
} from '../../domain/errors.js';
import type { ThreadGrant } from '../../domain/thread.js';
import type { UserIdentity } from '../../domain/user.js';
import { TOKENS } from '../../tokens.js';
import { KeysBroken, keyLookup, KeysUnavailable, type KeyLookup } from './key-lookup.js';
import { rs256JwtVerify } from './rs256-jwt-verify.js';
import { asServer, asThread, asUser, lifetimeProblem, ownClaims, type Claims } from './token-claims.js';

/** A server token may live at most this long, seconds, plus the clock tolerance (ECB-SPEC §2). */
export const SERVER_TOKEN_MAX_LIFETIME_SECONDS = 300;

// A compact JWS is three base64url parts; the signature may not be empty (that is `alg: none`).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a token did not verify, before its kind is known. */
type Rejection =
  | { readonly reason: 'too-large' | 'malformed' | 'invalid'; readonly cause?: string }
  | { readonly reason: 'expired'; readonly claims: Claims }
  | { readonly reason: 'keys-unavailable' | 'keys-broken' | 'unexpected'; readonly cause?: string };

/**
 * The TokenVerifier on jose: RS256 only, with one PEM public key or a JWKS
 * URL (key chosen by `kid`); jose's rules throughout, the RSA signature itself
 * checked by node:crypto (`rs256JwtVerify`, ADR 0008). Header parameters that
 * name keys (`jku`, `x5u`, `jwk`, `x5c`) are never followed: the only key
 * material is the configured one. Oversized or ill-shaped tokens are refused
 * before any decoding or cryptography. Never throws; never rejects.
 */
@injectable()
export class JoseTokenVerifier implements TokenVerifier {
  private readonly keys: KeyLookup;

  constructor(
    @inject(TOKENS.Config) private readonly config: EcbConfig,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    this.keys = keyLookup(config.keys);
  }

  verifyUser(credential: string): TE.TaskEither<EcbError, UserIdentity> {
    return pipe(this.verified(credential), TE.mapLeft(userRefusal), TE.chainEitherK(userIdentity));
  }

  verifyThread(credential: string): TE.TaskEither<EcbError, ThreadGrant> {
    return pipe(this.verified(credential), TE.mapLeft(threadRefusal), TE.chainEitherK(threadGrant));
  }

  verifyServer(credential: string): TE.TaskEither<EcbError, void> {
    return pipe(this.verified(credential), TE.mapLeft(serverRefusal), TE.chainEitherK(this.serverCall));
  }

  private readonly serverCall = (claims: Claims): E.Either<EcbError, void> => {
    const server = asServer(claims);
    if (server === undefined) return E.left(unauthorized('the token is not a valid server token'));
    const lifetime = server.exp - this.clock.nowSeconds();
    return lifetime > SERVER_TOKEN_MAX_LIFETIME_SECONDS + this.config.clockToleranceSeconds
      ? E.left(unauthorized('the server token lives too long (at most 5 minutes)'))
      : E.right(undefined);
  };

  private verified(token: string): TE.TaskEither<Rejection, Claims> {
    return () => this.verify(token).catch((error: unknown) => E.left({ reason: 'unexpected', cause: codeOf(error) }));
  }

  /** Signature, algorithm, iss/aud and lifetime: everything but the kind. */
  private async verify(token: string): Promise<E.Either<Rejection, Claims>> {
    // size first: nothing, not even base64 decoding, touches a token over the limit
    if (typeof token !== 'string') return E.left({ reason: 'malformed' });
    if (token.length > this.config.maxTokenBytes) return E.left({ reason: 'too-large' });
    if (!COMPACT_JWS.test(token)) return E.left({ reason: 'malformed' });
    const now = this.clock.nowSeconds();
    const tolerance = this.config.clockToleranceSeconds;
    let claims: Claims;
    try {
      const payload = await rs256JwtVerify(token, this.keys, {
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        clockTolerance: tolerance,
        currentDate: new Date(now * 1000),
      });
      claims = ownClaims(payload);
    } catch (error) {
      return E.left(rejectionOf(error));
    }
    const problem = lifetimeProblem(claims, now, tolerance);
    if (problem === 'expired') return E.left({ reason: 'expired', claims });
    if (problem !== undefined) return E.left({ reason: 'invalid', cause: problem });
    return E.right(claims);
  }
}

const userIdentity = (claims: Claims): E.Either<EcbError, UserIdentity> => {
  const user = asUser(claims);
  if (user === undefined) return E.left(unauthorized('the token is not a valid user token'));
  const { exp, ...rest } = user;
  return E.right({ user: rest, expiresAt: exp });
};

const threadGrant = (claims: Claims): E.Either<EcbError, ThreadGrant> => {
  const thread = asThread(claims);
  if (thread === undefined) return E.left(forbidden('the token is not a valid thread token'));
  const { threadId, memberIds, exp } = thread;
  return E.right(exp === undefined ? { threadId, memberIds } : { threadId, memberIds, expiresAt: exp });
};

// TOKEN_EXPIRED tells a client to fetch a fresh user token: only a genuine, expired user token earns it
const userRefusal = (rejection: Rejection): EcbError => {
  if (rejection.reason === 'expired' && asUser(rejection.claims) !== undefined) {
    return tokenExpired('the user token has expired');
  }
  return systemProblem(rejection) ?? unauthorized(userMessage(rejection), causeOf(rejection));
};

const threadRefusal = (rejection: Rejection): EcbError =>
  systemProblem(rejection) ??
  forbidden(
    rejection.reason === 'expired' ? 'the thread token has expired' : 'the thread token is invalid',
    causeOf(rejection),
  );

const serverRefusal = (rejection: Rejection): EcbError =>
  systemProblem(rejection) ??
  unauthorized(
    rejection.reason === 'expired' ? 'the server token has expired' : 'the server token is invalid',
    causeOf(rejection),
  );

const rejectionOf = (error: unknown): Rejection => {
  if (error instanceof KeysUnavailable) return { reason: 'keys-unavailable', cause: codeOf(error.cause) };
  if (error instanceof KeysBroken) return { reason: 'keys-broken', cause: codeOf(error.cause) };
  // the signature was verified before exp was looked at, so these claims are genuine
  if (error instanceof errors.JWTExpired) return { reason: 'expired', claims: ownClaims(error.payload) };
  return { reason: 'invalid', cause: codeOf(error) };
};

// Only a code travels as the cause: jose's error objects carry claims, which may be personal.
const codeOf = (error: unknown): string =>
  error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.name : 'unknown';

const causeOf = (rejection: Rejection): string | undefined =>
  'cause' in rejection ? rejection.cause : rejection.reason;

/** A failure that is ECB's or the key server's, not the token's: the same for every kind. */
const systemProblem = (rejection: Rejection): EcbError | undefined => {
  switch (rejection.reason) {
    case 'keys-unavailable':
      return backendUnavailable('the token keys cannot be fetched right now', rejection.cause);
    case 'keys-broken':
      return internal('the configured public key is unusable', rejection.cause);
    case 'unexpected':
      return internal('token verification failed unexpectedly', rejection.cause);
    default:
      return undefined;
  }
};

const userMessage = (rejection: Rejection): string => {
  switch (rejection.reason) {
    case 'too-large':
      return 'the token is too large';
    case 'malformed':
      return 'the token is malformed';
    default:
      return 'the user token is invalid';
  }
};
