import { isRetryable, type EcbError, type ErrorCode } from '../domain/errors.js';

/** An error as every transport shows it to a client (ECB-SPEC §3). */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/** The one table from error code to HTTP status (ECB-SPEC §3). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  BACKEND_ERROR: 502,
  BACKEND_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Drops the cause: it is for logs, never for a client. */
export const toWireError = (error: EcbError): WireError => ({
  code: error._tag,
  message: error.message,
  retryable: isRetryable(error),
});

/** Failures on ECB's or the backend's side, worth a log line (client mistakes are not). */
export const isServerSideFailure = (error: EcbError): boolean =>
  error._tag === 'INTERNAL' || error._tag === 'BACKEND_ERROR' || error._tag === 'BACKEND_UNAVAILABLE';
