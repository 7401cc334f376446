/** The error codes ECB answers with (ECB-SPEC §3). */
export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'TOKEN_EXPIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'BACKEND_ERROR'
  | 'BACKEND_UNAVAILABLE'
  | 'INTERNAL';

/**
 * Failures the client itself observes, which ECB never sends:
 * - `TIMEOUT`: no acknowledgement within `requestTimeoutMs` (the request may or may not have taken effect);
 * - `DISCONNECTED`: the connection dropped before the answer, or none was available in time;
 * - `CLOSED`: `close()` was called;
 * - `OUTBOX_FULL`: `outbox.maxQueued` messages are already waiting;
 * - `TOKEN_REFRESH_FAILED`: `getToken` kept failing.
 */
export type ClientErrorCode = 'TIMEOUT' | 'DISCONNECTED' | 'CLOSED' | 'OUTBOX_FULL' | 'TOKEN_REFRESH_FAILED';

export type EcbErrorCode = ServerErrorCode | ClientErrorCode;

/** Whether the same request may succeed if simply tried again later. */
const RETRYABLE: Readonly<Record<EcbErrorCode, boolean>> = {
  BAD_REQUEST: false,
  UNAUTHORIZED: false,
  TOKEN_EXPIRED: false,
  FORBIDDEN: false,
  NOT_FOUND: false,
  PAYLOAD_TOO_LARGE: false,
  RATE_LIMITED: true,
  BACKEND_ERROR: false,
  BACKEND_UNAVAILABLE: true,
  INTERNAL: false,
  TIMEOUT: true,
  DISCONNECTED: true,
  CLOSED: false,
  OUTBOX_FULL: true,
  TOKEN_REFRESH_FAILED: false,
};

/**
 * Every promise of the client rejects with this, and only this. `code` is
 * the spec's error code (or a client-side one, see `ClientErrorCode`);
 * `retryable` is ECB's own flag for server codes.
 */
export class EcbClientError extends Error {
  override readonly name = 'EcbClientError';

  constructor(
    readonly code: EcbErrorCode,
    message: string,
    readonly retryable: boolean = RETRYABLE[code],
  ) {
    super(message);
  }
}

export const clientError = (code: ClientErrorCode, message: string): EcbClientError => new EcbClientError(code, message);

const SERVER_CODES: ReadonlySet<string> = new Set<ServerErrorCode>([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'BACKEND_ERROR',
  'BACKEND_UNAVAILABLE',
  'INTERNAL',
]);

const isServerCode = (code: unknown): code is ServerErrorCode => typeof code === 'string' && SERVER_CODES.has(code);

/** An ack's or handshake's `{ code, message, retryable? }`; anything unexpected becomes INTERNAL. */
export const errorFromWire = (wire: unknown): EcbClientError => {
  const { code, message, retryable } = (typeof wire === 'object' && wire !== null ? wire : {}) as Record<string, unknown>;
  const text = typeof message === 'string' ? message : 'ECB answered with an error';
  if (!isServerCode(code)) return new EcbClientError('INTERNAL', `unexpected error answer: ${text}`);
  return new EcbClientError(code, text, typeof retryable === 'boolean' ? retryable : RETRYABLE[code]);
};

/** The answer to a request was lost: it may or may not have taken effect. */
export const isLostAnswer = (error: EcbClientError): boolean => error.code === 'TIMEOUT' || error.code === 'DISCONNECTED';

/** Anything caught (an app's getToken failure, say) as an EcbClientError. */
export const asClientError = (cause: unknown, fallback: ClientErrorCode, message: string): EcbClientError =>
  cause instanceof EcbClientError ? cause : clientError(fallback, message);
