import type { ErrorCode } from '../../domain/errors.js';

/** The backend operations of ECB-SPEC §6, as they appear in the URL. */
export const BACKEND_OPERATIONS = [
  'getUserToken',
  'getContacts',
  'getThreads',
  'createThread',
  'getThread',
  'addThreadMessage',
] as const;
export type BackendOperation = (typeof BACKEND_OPERATIONS)[number];

/**
 * Told about every backend call once it has finished (retry included), for
 * metrics. It must not throw; if it does, the call's result is unaffected.
 */
export interface BackendCallObserver {
  onCall(operation: BackendOperation, outcome: ErrorCode | 'OK', seconds: number): void;
}
