import type { EcbError } from '../../domain/errors.js';

/** A cause for the logs: its message, never its stack or any token it may hold. */
export const describeCause = (cause: unknown): string | undefined => {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 300);
  if (typeof cause === 'object' && cause !== null && '_tag' in cause) {
    return `${String((cause as EcbError)._tag)}: ${String((cause as EcbError).message)}`;
  }
  return String(cause).slice(0, 300);
};
