import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { EcbClientError } from './ecb-client-error.js';

/** Throttle and idle time of a typing indicator (see `EcbClient.typing`). */
export interface TypingOptions {
  /** `typing: true` is sent at most once per this many ms while keystrokes go on. Default 3000. */
  readonly throttleMs?: number;
  /** `typing: false` is sent by itself after this many ms without a keystroke. Default 5000. */
  readonly idleMs?: number;
}

/**
 * How the client authenticates, reconnects, retries and what it bounds.
 * Give exactly one way to authenticate, or `getToken` together with an
 * initial `userToken`: `userToken` (fixed), `accessToken` (ECB exchanges it
 * through the backend at each handshake that needs a new user token), or
 * `getToken` (called for the first token and whenever one is about to
 * expire or was refused as expired).
 */
export interface EcbClientOptions {
  readonly accessToken?: string;
  readonly userToken?: string;
  readonly getToken?: () => Promise<string>;
  /** Socket.IO transports, e.g. `['websocket']`; default: long-polling upgraded to WebSocket. */
  readonly transports?: ManagerOptions['transports'];
  /** Socket.IO's reconnection backoff, with jitter. */
  readonly reconnect?: {
    /** Default 500. */
    readonly baseDelayMs?: number;
    /** Default 10000. */
    readonly maxDelayMs?: number;
    /** Jitter: each delay is multiplied by a random factor in [1 - f, 1 + f]. Default 0.5. */
    readonly randomizationFactor?: number;
  };
  /** How long a request waits for its acknowledgement (and for a connection). Default 15000. */
  readonly requestTimeoutMs?: number;
  /**
   * The largest request sent, in UTF-8 bytes of its JSON; a larger one is
   * refused with PAYLOAD_TOO_LARGE without being sent. Keep it at ECB's
   * ECB_MAX_REQUEST_BYTES, over which ECB closes the connection without an
   * answer. Default 1048576 (ECB's default).
   */
  readonly maxRequestBytes?: number;
  /** Retries after a retryable answer (BACKEND_UNAVAILABLE, RATE_LIMITED, TIMEOUT): outbox sends and thread recovery. */
  readonly retry?: {
    /** Default 500. */
    readonly baseDelayMs?: number;
    /** Default 10000. */
    readonly maxDelayMs?: number;
    /** Attempts that got a retryable answer before giving up. Default 8. */
    readonly maxAttempts?: number;
  };
  readonly outbox?: {
    /** Messages waiting at once; one more is refused with OUTBOX_FULL. Default 100. */
    readonly maxQueued?: number;
    /** A message not acknowledged this long after `sendMessage` fails with its last error. Default 300000 (5 min). */
    readonly maxDurationMs?: number;
  };
  /** Message ids remembered per open thread to drop duplicates. Default 1000. */
  readonly dedupeWindowPerThread?: number;
  /**
   * A catch-up asks for messages after the latest creationTime known less
   * this many seconds, in case a push was overtaken by a later one (the
   * dedupe window drops the overlap). 0 trusts push order. Default 10.
   */
  readonly catchUpOverlapSeconds?: number;
  readonly tokenRefresh?: {
    /** A user token is renewed this many seconds before its `exp`. Default 30. */
    readonly beforeExpirySeconds?: number;
    /** Renew (and reconnect) before `exp` while connected; when false, only after TOKEN_EXPIRED. Default true. */
    readonly proactive?: boolean;
    /** Consecutive renewals without a successful connection before giving up. Default 3. */
    readonly maxAttempts?: number;
  };
  /** Defaults for every `typing()` indicator. */
  readonly typing?: TypingOptions;
  /** Passed to socket.io-client as they are (after the client's own settings, except `auth`). */
  readonly socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/** Every option resolved to a value. */
export interface Settings {
  readonly credentials: Pick<EcbClientOptions, 'accessToken' | 'userToken' | 'getToken'>;
  readonly transports: ManagerOptions['transports'] | undefined;
  readonly reconnect: { readonly baseDelayMs: number; readonly maxDelayMs: number; readonly randomizationFactor: number };
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly retry: { readonly baseDelayMs: number; readonly maxDelayMs: number; readonly maxAttempts: number };
  readonly outbox: { readonly maxQueued: number; readonly maxDurationMs: number };
  readonly dedupeWindowPerThread: number;
  readonly catchUpOverlapSeconds: number;
  readonly tokenRefresh: { readonly beforeExpirySeconds: number; readonly proactive: boolean; readonly maxAttempts: number };
  readonly typing: Required<TypingOptions>;
  readonly socketOptions: Partial<ManagerOptions & SocketOptions>;
}

export const DEFAULT_SETTINGS = {
  reconnect: { baseDelayMs: 500, maxDelayMs: 10_000, randomizationFactor: 0.5 },
  requestTimeoutMs: 15_000,
  maxRequestBytes: 1_048_576,
  retry: { baseDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 8 },
  outbox: { maxQueued: 100, maxDurationMs: 300_000 },
  dedupeWindowPerThread: 1_000,
  catchUpOverlapSeconds: 10,
  tokenRefresh: { beforeExpirySeconds: 30, proactive: true, maxAttempts: 3 },
  typing: { throttleMs: 3_000, idleMs: 5_000 },
} as const;

/** Options with their defaults; a client without any credential is a programming error. */
export const resolveSettings = (options: EcbClientOptions): Settings => {
  const { accessToken, userToken, getToken } = options;
  if (accessToken === undefined && userToken === undefined && getToken === undefined) {
    throw new EcbClientError('BAD_REQUEST', 'EcbClient needs an accessToken, a userToken or getToken');
  }
  if (accessToken !== undefined && (userToken !== undefined || getToken !== undefined)) {
    throw new EcbClientError('BAD_REQUEST', 'give either accessToken, or userToken and/or getToken, not both');
  }
  return {
    credentials: { accessToken, userToken, getToken },
    transports: options.transports,
    reconnect: { ...DEFAULT_SETTINGS.reconnect, ...options.reconnect },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_SETTINGS.requestTimeoutMs,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_SETTINGS.maxRequestBytes,
    retry: { ...DEFAULT_SETTINGS.retry, ...options.retry },
    outbox: { ...DEFAULT_SETTINGS.outbox, ...options.outbox },
    dedupeWindowPerThread: options.dedupeWindowPerThread ?? DEFAULT_SETTINGS.dedupeWindowPerThread,
    catchUpOverlapSeconds: options.catchUpOverlapSeconds ?? DEFAULT_SETTINGS.catchUpOverlapSeconds,
    tokenRefresh: { ...DEFAULT_SETTINGS.tokenRefresh, ...options.tokenRefresh },
    typing: { ...DEFAULT_SETTINGS.typing, ...options.typing },
    socketOptions: options.socketOptions ?? {},
  };
};
