/**
 * ECB's error vocabulary. Every failure that crosses a layer is one of these
 * values; nothing is thrown across a layer. `_tag` is the spec's error code
 * (ECB-SPEC §3), so inbound adapters map it to their wire form in one table.
 */
export type ErrorCode =
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

export interface EcbError {
  readonly _tag: ErrorCode;
  /** Safe to show a client: never a stack trace, a key or a token. */
  readonly message: string;
  /** What caused it, for logs only; never sent to a client. */
  readonly cause?: unknown;
}

export const ERROR_CODES: readonly ErrorCode[] = [
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
];

const RETRYABLE: Readonly<Record<ErrorCode, boolean>> = {
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
};

/** Whether the same request may succeed if the client simply tries again later. */
export const isRetryable = (error: EcbError): boolean => RETRYABLE[error._tag];

const make =
  (tag: ErrorCode) =>
  (message: string, cause?: unknown): EcbError =>
    cause === undefined ? { _tag: tag, message } : { _tag: tag, message, cause };

export const badRequest = make('BAD_REQUEST');
export const unauthorized = make('UNAUTHORIZED');
export const tokenExpired = make('TOKEN_EXPIRED');
export const forbidden = make('FORBIDDEN');
export const notFound = make('NOT_FOUND');
export const payloadTooLarge = make('PAYLOAD_TOO_LARGE');
export const rateLimited = make('RATE_LIMITED');
export const backendError = make('BACKEND_ERROR');
export const backendUnavailable = make('BACKEND_UNAVAILABLE');
export const internal = make('INTERNAL');

export const isEcbError = (value: unknown): value is EcbError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EcbError)._tag === 'string' &&
  (ERROR_CODES as readonly string[]).includes((value as EcbError)._tag) &&
  typeof (value as EcbError).message === 'string';
