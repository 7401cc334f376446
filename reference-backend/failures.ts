/**
 * Why a request was refused. Operations return these as values; only the
 * HTTP layer turns them into a status and the error body ECB understands:
 * `{ "error": { "code", "message" } }` (ECB-SPEC §6).
 */
export type FailureCode = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL';

export interface Failure {
  readonly code: FailureCode;
  /** Shown to ECB, which passes it on to the client: never a token, key or stack. */
  readonly message: string;
}

/** ECB maps these statuses to its own error codes; 409 becomes BAD_REQUEST. */
export const STATUS_OF: Readonly<Record<FailureCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL: 500,
};

const failure =
  (code: FailureCode) =>
  (message: string): Failure => ({ code, message });

export const badRequest = failure('BAD_REQUEST');
export const unauthorized = failure('UNAUTHORIZED');
export const forbidden = failure('FORBIDDEN');
export const notFound = failure('NOT_FOUND');
export const conflict = failure('CONFLICT');
export const internal = failure('INTERNAL');

/** The wire form of a failure. */
export const errorBody = (f: Failure): { error: Failure } => ({ error: { code: f.code, message: f.message } });
