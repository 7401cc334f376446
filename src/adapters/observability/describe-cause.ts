import type { EcbError } from '../../domain/errors.js';

const MAX_CAUSE_CHARS = 500;
const JWT_LIKE = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g;

/**
 * A cause for the logs: its message (or, for a plain object, its JSON),
 * bounded, never its stack, and with anything shaped like a token blanked.
 */
export const describeCause = (cause: unknown): string | undefined => {
  if (cause === undefined) return undefined;
  let text: string;
  if (cause instanceof Error) text = `${cause.name}: ${cause.message}`;
  else if (typeof cause === 'object' && cause !== null && '_tag' in cause) {
    const error = cause as EcbError;
    text = `${String(error._tag)}: ${String(error.message)}`;
    const inner = describeCause(error.cause);
    if (inner !== undefined) text += ` (${inner})`;
  } else if (typeof cause === 'object' && cause !== null) {
    try {
      text = JSON.stringify(cause);
    } catch {
      text = Object.prototype.toString.call(cause);
    }
  } else text = String(cause);
  return text.replace(JWT_LIKE, '[token]').slice(0, MAX_CAUSE_CHARS);
};
