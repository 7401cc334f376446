import { asClientError, clientError } from './ecb-client-error.js';
import { expiryOf } from './jwt-claims.js';
import type { Settings } from './options.js';

/** What a handshake sends as Socket.IO `auth` (ECB-SPEC §3). */
export type HandshakeAuth = { readonly userToken: string } | { readonly accessToken: string } | Record<string, never>;

export type HandshakeKind = 'userToken' | 'accessToken' | 'none';

/**
 * The user token the client connects with, and how it gets a new one:
 * from `getToken`, or by letting ECB exchange the access token again.
 * A plain `userToken` cannot be renewed.
 */
export class Credentials {
  private userToken: string | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly source: Settings['credentials'],
    private readonly beforeExpirySeconds: number,
    private readonly onNewToken: (userToken: string) => void,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {
    this.userToken = source.userToken;
  }

  /** Whether a refused or expiring token can be replaced. */
  get renewable(): boolean {
    return this.source.getToken !== undefined || this.source.accessToken !== undefined;
  }

  /** The user token in use, if the client holds one. */
  get current(): string | undefined {
    return this.userToken;
  }

  /** `exp` of the user token in use. */
  get expiresAt(): number | undefined {
    return this.userToken === undefined ? undefined : expiryOf(this.userToken);
  }

  /**
   * The auth for the next handshake: the held user token unless it is about
   * to expire, in which case a fresh one (getToken) or the access token.
   * Never rejects: when getToken fails, the stale token goes, and ECB's
   * refusal drives the retry (see Connection).
   */
  async handshakeAuth(): Promise<{ readonly auth: HandshakeAuth; readonly kind: HandshakeKind }> {
    if (this.source.getToken !== undefined && (this.userToken === undefined || this.expiringSoon(this.userToken))) {
      await this.refresh().catch(() => undefined);
    }
    if (this.userToken !== undefined && !(this.source.accessToken !== undefined && this.expiringSoon(this.userToken))) {
      return { auth: { userToken: this.userToken }, kind: 'userToken' };
    }
    if (this.source.accessToken !== undefined) return { auth: { accessToken: this.source.accessToken }, kind: 'accessToken' };
    return { auth: {}, kind: 'none' };
  }

  /**
   * Replaces the user token: calls getToken (one call at a time; concurrent
   * callers share it), or drops the token so the next handshake exchanges
   * the access token. Rejects with TOKEN_REFRESH_FAILED when getToken fails.
   */
  refresh(): Promise<void> {
    const getToken = this.source.getToken;
    if (getToken === undefined) {
      if (this.source.accessToken !== undefined) this.userToken = undefined;
      return Promise.resolve();
    }
    return (this.refreshing ??= (async () => {
      try {
        const token: unknown = await getToken();
        if (typeof token !== 'string' || token === '') throw clientError('TOKEN_REFRESH_FAILED', 'getToken did not give a token');
        this.accept(token);
      } catch (cause) {
        throw asClientError(cause, 'TOKEN_REFRESH_FAILED', 'getToken failed');
      } finally {
        this.refreshing = undefined;
      }
    })());
  }

  /** A user token obtained by the client (getToken, or a `session` after an access-token handshake). */
  accept(userToken: string): void {
    if (userToken === this.userToken) return;
    this.userToken = userToken;
    this.onNewToken(userToken);
  }

  private expiringSoon(token: string): boolean {
    const exp = expiryOf(token);
    return exp !== undefined && exp - this.nowSeconds() <= this.beforeExpirySeconds;
  }
}
