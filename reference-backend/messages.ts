import * as E from 'fp-ts/lib/Either.js';
import { badRequest, type Failure } from './failures.js';
import type { NewMessageBody } from './requests.js';

/** One millisecond, in the epoch seconds that message times are counted in. */
export const MESSAGE_TIME_STEP = 0.001;

/** Epoch seconds carrying whole milliseconds as decimals. */
export const toMessageTime = (epochSeconds: number): number => Math.round(epochSeconds * 1000) / 1000;

/**
 * The creationTime of a thread's next message: `now`, unless the previous
 * message is as late or later (same millisecond, or a clock that stepped
 * back), then 1 ms after it, so that times order a thread's messages and
 * `since` never skips one.
 */
export const nextCreationTime = (previous: number | undefined, now: number): number => {
  const candidate = toMessageTime(now);
  return previous !== undefined && candidate <= previous ? toMessageTime(previous + MESSAGE_TIME_STEP) : candidate;
};

/** The largest message stored, as UTF-8 bytes of its JSON: the same default as ECB's. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The rules a message obeys before it is stored: a non-empty type, data,
 * at most MAX_MESSAGE_BYTES, `text` carrying `{ messageText: string }`.
 * `typing` is refused: it is ephemeral, and ECB never forwards it.
 */
export const validateNewMessage = (message: NewMessageBody): E.Either<Failure, NewMessageBody> => {
  if (message.type.length === 0) return E.left(badRequest('message.type must not be empty'));
  if (message.type === 'typing') return E.left(badRequest('typing signals are not stored'));
  if (message.data === undefined) return E.left(badRequest('message.data is required'));
  if (Buffer.byteLength(JSON.stringify(message), 'utf8') > MAX_MESSAGE_BYTES) {
    return E.left(badRequest(`a message may not exceed ${MAX_MESSAGE_BYTES} bytes`));
  }
  if (message.type === 'text' && typeof (message.data as { messageText?: unknown } | null)?.messageText !== 'string') {
    return E.left(badRequest('a "text" message needs data: { messageText: string }'));
  }
  return E.right(message);
};
