import * as E from 'fp-ts/lib/Either.js';
import { ContractError } from '../backend-kit/contract-error.js';
import { BackendTokens, type KeyInput } from '../backend-kit/tokens.js';
import { unauthorized, type Failure } from './failures.js';
import type { User } from './store.js';

export type { KeyInput } from '../backend-kit/tokens.js';
export {
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS,
  DEFAULT_USER_TOKEN_LIFETIME_SECONDS,
  DEFAULT_SERVER_TOKEN_LIFETIME_SECONDS as SERVER_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LENGTH,
} from '../backend-kit/tokens.js';

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

/**
 * The backend kit's tokens (RS256 user, thread and server tokens), with
 * verification answered as an Either of the reference backend's Failure.
 */
export class ReferenceTokens {
  private readonly kit: BackendTokens;

  /** Throws when a key is not an RSA key of the right kind: a start-up mistake. */
  constructor(settings: TokenSettings) {
    this.kit = new BackendTokens(settings);
  }

  /** A user token: `{ userId, displayName, data? }`. */
  signUserToken(user: User, lifetimeSeconds?: number): Promise<string> {
    return this.kit.signUserToken(user, lifetimeSeconds);
  }

  /** A thread token: `{ threadId, memberIds }`, which ECB checks on every request about the thread. */
  signThreadToken(
    thread: { readonly threadId: string; readonly memberIds: readonly string[] },
    lifetimeSeconds?: number,
  ): Promise<string> {
    return this.kit.signThreadToken(thread, lifetimeSeconds);
  }

  /** A server token `{ role: 'server' }` for calling ECB's server API (ECB-SPEC §5). */
  signServerToken(lifetimeSeconds?: number): Promise<string> {
    return this.kit.signServerToken(lifetimeSeconds);
  }

  /** The user a forwarded user token proves, or UNAUTHORIZED (never saying more than "invalid" or "expired"). */
  async verifyUserToken(token: string): Promise<E.Either<Failure, TokenUser>> {
    const verified = await this.kit.verifyUserToken(token);
    return verified instanceof ContractError
      ? E.left(unauthorized(verified.message))
      : E.right({ userId: verified.userId, displayName: verified.displayName });
  }

  /** The kit's tokens themselves, e.g. for a ServerApiClient. */
  get backendTokens(): BackendTokens {
    return this.kit;
  }
}
