import { io, type Socket } from 'socket.io-client';
import { backoffDelay, sleep } from './backoff.js';
import type { ClientEvents, ConnectionState, EventHub } from './client-events.js';
import { ConnectionWaiters, MAX_TIMER_MS } from './connection-waiters.js';
import type { Credentials, HandshakeKind } from './credentials.js';
import { asClientError, clientError, errorFromWire, type EcbClientError } from './ecb-client-error.js';
import { userOf } from './jwt-claims.js';
import type { User } from './model.js';
import type { Settings } from './options.js';

/**
 * The one Socket.IO connection and its state. socket.io-client reconnects
 * after a lost transport by itself (with the configured backoff and
 * jitter); this class adds what it leaves to the application: reconnecting
 * after ECB refused a handshake for a retryable reason, and renewing the user
 * token (before `exp`, after TOKEN_EXPIRED, or when ECB disconnects the
 * socket) and reconnecting with it.
 */
export class Connection {
  readonly socket: Socket;
  private currentState: ConnectionState = 'connecting';
  private currentUser: User | undefined;
  private everConnected = false;
  private handshakeKind: HandshakeKind = 'none';
  private renewing: Promise<void> | undefined;
  /** Renewals since the last successful connection; bounded by tokenRefresh.maxAttempts. */
  private renewals = 0;
  /** Handshakes refused for a retryable reason since the last successful connection. */
  private refusals = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private finalError: EcbClientError | undefined;
  private readonly waiters = new ConnectionWaiters();

  constructor(
    url: string,
    private readonly settings: Settings,
    private readonly credentials: Credentials,
    private readonly hub: EventHub<ClientEvents>,
    private readonly lifetime: AbortSignal,
    /** Called on every successful (re)connection, after the `state` event. */
    private readonly onConnected: () => void,
  ) {
    this.socket = io(url, {
      ...(settings.transports === undefined ? {} : { transports: settings.transports }),
      reconnection: true,
      reconnectionDelay: settings.reconnect.baseDelayMs,
      reconnectionDelayMax: settings.reconnect.maxDelayMs,
      randomizationFactor: settings.reconnect.randomizationFactor,
      ...settings.socketOptions,
      autoConnect: false,
      // One client, one connection: never share a Manager with another client on the same URL.
      forceNew: true,
      // A function, so that every (re)connection sends the token current at that moment.
      auth: (send) => {
        void this.credentials.handshakeAuth().then(({ auth, kind }) => {
          this.handshakeKind = kind;
          send(auth);
        });
      },
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('session', (payload: unknown) => this.onSession(payload));
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (error) => this.onConnectError(error));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get user(): User | undefined {
    return this.currentUser;
  }

  /** Whether the client can get a new user token (getToken or an access token). */
  get renewable(): boolean {
    return this.credentials.renewable;
  }

  start(): void {
    this.socket.connect();
  }

  /**
   * Resolves once connected (at once when already), rejects with the final
   * error once the client stopped, or with DISCONNECTED after `timeoutMs`.
   */
  whenConnected(timeoutMs: number = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.finalError !== undefined) return Promise.reject(this.finalError);
    if (this.isConnected()) return Promise.resolve();
    if (timeoutMs <= 0) return Promise.reject(clientError('DISCONNECTED', 'not connected'));
    return this.waiters.wait(timeoutMs);
  }

  /** Connected, and with a known user (after the `session` of an access-token handshake). */
  isConnected(): boolean {
    return this.currentState === 'connected' && this.socket.connected;
  }

  /**
   * Gets a new user token and reconnects with it. One renewal at a time:
   * callers during a renewal share it. Resolves once the reconnection has
   * started (wait with `whenConnected`); gives up, and stops the client,
   * after tokenRefresh.maxAttempts renewals without a successful connection.
   */
  renew(cause?: EcbClientError): Promise<void> {
    return (this.renewing ??= this.runRenewal(cause).finally(() => {
      this.renewing = undefined;
    }));
  }

  /** Stops for good: state `disconnected`, waiters rejected with CLOSED. */
  close(): void {
    this.stop(clientError('CLOSED', 'the client was closed'), false);
  }

  private async runRenewal(cause: EcbClientError | undefined): Promise<void> {
    this.clearTimers();
    let lastError = cause;
    for (;;) {
      if (this.lifetime.aborted || this.finalError !== undefined) return;
      // Ahead of expiry the connection stays usable while getToken runs.
      if (!this.socket.connected) this.setState(this.everConnected ? 'reconnecting' : 'connecting');
      this.renewals += 1;
      if (this.renewals > this.settings.tokenRefresh.maxAttempts) {
        this.stop(lastError ?? clientError('TOKEN_REFRESH_FAILED', 'the user token could not be renewed'), true);
        return;
      }
      try {
        await this.credentials.refresh();
        break;
      } catch (error) {
        lastError = asClientError(error, 'TOKEN_REFRESH_FAILED', 'getToken failed');
        await sleep(backoffDelay(this.renewals, this.settings.reconnect), this.lifetime);
      }
    }
    if (this.lifetime.aborted || this.finalError !== undefined) return;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    // The live socket was authenticated with the old token: ECB checks it once, at the handshake.
    if (this.socket.connected) this.socket.disconnect();
    this.socket.connect();
  }

  private onConnect(): void {
    // After an access-token handshake the user is known from the `session` that follows.
    if (this.handshakeKind === 'accessToken') return;
    const token = this.credentials.current;
    this.currentUser = (token === undefined ? undefined : userOf(token)) ?? this.currentUser;
    this.markConnected();
  }

  private onSession(payload: unknown): void {
    const session = payload as { userToken?: unknown; user?: { userId?: unknown } } | undefined;
    if (typeof session?.userToken !== 'string' || typeof session.user?.userId !== 'string') return;
    const { userToken, user } = payload as { userToken: string; user: User };
    this.currentUser = user;
    this.credentials.accept(userToken);
    this.hub.emit('session', { userToken, user });
    if (this.socket.connected && this.currentState !== 'connected') this.markConnected();
  }

  private markConnected(): void {
    if (this.finalError !== undefined) return;
    this.everConnected = true;
    this.renewals = 0;
    this.refusals = 0;
    this.setState('connected');
    this.waiters.resolveAll();
    this.scheduleRefresh();
    this.onConnected();
  }

  private onDisconnect(reason: string): void {
    this.clearTimers();
    if (this.finalError !== undefined) return;
    if (reason === 'io client disconnect') return; // ours: a renewal, which reconnects
    if (reason === 'io server disconnect') {
      // ECB ended the session: the token expired, or the user's connections were revoked.
      // socket.io-client does not reconnect after this; only a new token may.
      if (this.credentials.renewable) {
        void this.renew();
        return;
      }
      const exp = this.credentials.expiresAt;
      this.stop(
        exp !== undefined && exp <= Date.now() / 1000
          ? errorFromWire({ code: 'TOKEN_EXPIRED', message: 'the user token has expired' })
          : clientError('DISCONNECTED', 'ECB closed the connection'),
        true,
      );
      return;
    }
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
  }

  private onConnectError(error: Error & { data?: unknown }): void {
    if (this.finalError !== undefined) return;
    // Still active: a transport failure that socket.io-client retries by itself.
    if (this.socket.active) return;
    const refusal = errorFromWire(error.data ?? { code: error.message, message: error.message });
    const tokenProblem = refusal.code === 'TOKEN_EXPIRED' || refusal.code === 'UNAUTHORIZED';
    // A refused access token will not get better by exchanging it again.
    if (tokenProblem && this.credentials.renewable && this.handshakeKind !== 'accessToken') {
      void this.renew(refusal);
    } else if (refusal.retryable) {
      this.refusals += 1;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.finalError === undefined) this.socket.connect();
      }, backoffDelay(this.refusals, this.settings.reconnect));
    } else {
      this.stop(refusal, true);
    }
  }

  /** Renews the token ahead of `exp`, so that no request meets TOKEN_EXPIRED. */
  private scheduleRefresh(): void {
    const exp = this.credentials.expiresAt;
    if (!this.settings.tokenRefresh.proactive || !this.credentials.renewable || exp === undefined) return;
    const remaining = exp - Date.now() / 1000;
    if (remaining <= 0) return;
    // A token shorter-lived than the margin is renewed halfway, not in a tight loop.
    const delayMs = Math.max(remaining - this.settings.tokenRefresh.beforeExpirySeconds, remaining / 2) * 1000;
    if (delayMs >= MAX_TIMER_MS) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.renew();
    }, delayMs);
  }

  private stop(error: EcbClientError, announce: boolean): void {
    if (this.finalError !== undefined) return;
    this.finalError = error;
    this.clearTimers();
    this.socket.disconnect();
    this.waiters.rejectAll(error);
    this.setState('disconnected', announce ? error : undefined);
  }

  private clearTimers(): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.retryTimer);
    this.refreshTimer = undefined;
    this.retryTimer = undefined;
  }

  private setState(state: ConnectionState, error?: EcbClientError): void {
    if (state === this.currentState && error === undefined) return;
    this.currentState = state;
    this.hub.emit('state', error === undefined ? { state } : { state, error });
  }
}
