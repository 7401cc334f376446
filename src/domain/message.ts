import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { badRequest, payloadTooLarge, type EcbError } from './errors.js';

/** A message as stored by the backend (ECB-SPEC §1 `threadMessage`). */
export const ThreadMessageCodec = t.type({
  messageId: t.string,
  fromUserId: t.string,
  creationTime: t.number,
  type: t.string,
  data: t.unknown,
});
export type ThreadMessage = t.TypeOf<typeof ThreadMessageCodec>;

/** What a client sends: a type and its data; the backend stores it. */
export const OutgoingMessageCodec = t.type({ type: t.string, data: t.unknown });
export type OutgoingMessage = t.TypeOf<typeof OutgoingMessageCodec>;

export const TEXT = 'text';
export const TYPING = 'typing';

export const isTyping = (message: OutgoingMessage): boolean => message.type === TYPING;

/** A message's size: the UTF-8 byte length of its JSON (ECB-SPEC §3). */
export const messageSize = (message: OutgoingMessage): number => utf8ByteLength(JSON.stringify(message));

const utf8 = new TextEncoder();
/** Where `utf8ByteLength` lets the encoder write; only the count is read, never the bytes. */
const scratch = new Uint8Array(64 * 1024);

/**
 * The UTF-8 byte length of a string, as `TextEncoder` encodes it (a lone
 * surrogate becomes U+FFFD, 3 bytes), without allocating the encoded bytes:
 * `encodeInto` writes into one reused buffer, a longer string in slices. It
 * never splits a surrogate pair: it stops before a pair that does not fit.
 * (A `charCodeAt` loop measured 3 to 30 times dearer: see docs/benchmarks.md.)
 */
export const utf8ByteLength = (text: string): number => {
  let bytes = 0;
  let rest = text;
  for (;;) {
    const { read, written } = utf8.encodeInto(rest, scratch);
    bytes += written;
    if (read === rest.length) return bytes;
    rest = rest.substring(read);
  }
};

/** `{"type":"","data":{"messageText":""}}`: a text message's JSON around its two strings. */
const TEXT_FRAME_BYTES = 37;

/**
 * An upper bound of `messageSize` for a plain text message (`type` and
 * `data: { messageText }`, no other key), read off its two strings without
 * serializing it: JSON writes a UTF-16 code unit of a string in at most 6
 * bytes (an escape such as \u001f; a UTF-8 character takes at most 3 bytes
 * per unit). NaN for any other message, which then must be measured.
 */
export const textSizeBound = (message: OutgoingMessage): number => {
  const data = message.data as { messageText?: unknown } | null;
  if (typeof data !== 'object' || data === null || typeof data.messageText !== 'string') return Number.NaN;
  if (keyCount(message) !== 2 || keyCount(data) !== 1) return Number.NaN;
  return TEXT_FRAME_BYTES + 6 * (message.type.length + data.messageText.length);
};

/** How many keys JSON.stringify would write: a decoded JSON object has only its own, enumerable ones. */
const keyCount = (value: object): number => {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
};

/**
 * The rules every outgoing message obeys: a non-empty type, at most
 * `maxBytes`, `text` carries `{ messageText: string }`, `typing` a boolean.
 */
export const validateOutgoingMessage =
  (maxBytes: number) =>
  (message: OutgoingMessage): E.Either<EcbError, OutgoingMessage> => {
    if (message.type.length === 0) return E.left(badRequest('message.type must not be empty'));
    if (message.data === undefined) return E.left(badRequest('message.data is required'));
    // most messages are short texts, whose bound already says they fit: serialized only when it might not
    if (!(textSizeBound(message) <= maxBytes)) {
      const size = messageSize(message);
      if (size > maxBytes) return E.left(payloadTooLarge(`message is ${size} bytes; the limit is ${maxBytes}`));
    }
    if (message.type === TEXT) {
      const data = message.data as { messageText?: unknown } | null;
      if (typeof data !== 'object' || data === null || typeof data.messageText !== 'string') {
        return E.left(badRequest('a "text" message needs data: { messageText: string }'));
      }
    }
    if (message.type === TYPING && typeof message.data !== 'boolean') {
      return E.left(badRequest('a "typing" message needs a boolean data'));
    }
    return E.right(message);
  };

/** Messages strictly later than `since` (times compare as numbers). */
export const messagesSince = (
  messages: readonly ThreadMessage[],
  since: number | undefined,
): ThreadMessage[] =>
  since === undefined ? [...messages] : messages.filter((m) => m.creationTime > since);

/** The message the backend just stored: the latest one it returned. */
export const storedMessage = (messages: readonly ThreadMessage[]): ThreadMessage | undefined =>
  messages.reduce<ThreadMessage | undefined>(
    (latest, m) => (latest === undefined || m.creationTime >= latest.creationTime ? m : latest),
    undefined,
  );
