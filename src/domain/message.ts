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

/** `{"type":,"data":}`: a message's JSON around its type and its data. */
const MESSAGE_FRAME_BYTES = 17;
/** The longest JSON of a number: `-0.0000012345678901234567` (25; an exponent form is at most 24). */
const MAX_NUMBER_BYTES = 25;

/**
 * An upper bound of a JSON scalar's size: JSON writes a UTF-16 code unit of
 * a string in at most 6 bytes (an escape such as \u001f; a UTF-8 character
 * takes at most 3 bytes per unit), a number in at most 25, `false` in 5,
 * `null` in 4. NaN for anything else (an object, an array).
 */
const scalarBound = (value: unknown): number => {
  switch (typeof value) {
    case 'string':
      return 2 + 6 * value.length;
    case 'number':
      return MAX_NUMBER_BYTES;
    case 'boolean':
      return 5;
    default:
      return value === null ? 4 : Number.NaN;
  }
};

/**
 * An upper bound of `messageSize`, read off the message's strings without
 * serializing it, for a message of exactly `type` and `data` whose data is
 * a scalar or an object of scalars (`{ messageText }`, with any flat
 * metadata beside it: nearly every message). NaN for any other message,
 * which then must be measured. Keys are bounded as strings are, plus their
 * colon and comma.
 */
export const messageSizeBound = (message: OutgoingMessage): number => {
  if (keyCount(message) !== 2) return Number.NaN;
  const frame = MESSAGE_FRAME_BYTES + 2 + 6 * message.type.length;
  const { data } = message;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return frame + scalarBound(data);
  let bytes = frame + 2; // the braces
  let entries = 0;
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    // the key's quotes and colon, and a comma before every entry but the first
    bytes += (entries++ === 0 ? 3 : 4) + 6 * key.length + scalarBound((data as Record<string, unknown>)[key]);
  }
  return bytes;
};

/** How many keys JSON.stringify would write: a decoded JSON object has only its own, enumerable ones. */
const keyCount = (value: object): number => {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
};

/** How deep a message's `data` may nest, by default (ECB_MAX_MESSAGE_DEPTH). */
export const DEFAULT_MAX_MESSAGE_DEPTH = 64;

/**
 * True when `value` nests objects or arrays more than `maxDepth` deep (a
 * scalar is depth 0, `{}` and `[]` depth 1). Walks with a stack of its own,
 * never recursing, and stops at the first node too deep: JSON.stringify and
 * the encoders after it recurse, and a few thousand levels (a message of a
 * few KB) overflow the call stack.
 */
export const nestsDeeperThan = (value: unknown, maxDepth: number): boolean => {
  const pending: Array<readonly [unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
};

/**
 * The rules every outgoing message obeys: a non-empty type, at most
 * `maxBytes`, `data` nested at most `maxDepth` deep, `text` carries
 * `{ messageText: string }`, `typing` a boolean.
 * A valid message is answered as `{ type, data }` alone: any other key the
 * client put beside them (a `fromUserId`, a `messageId`) is counted in its
 * size, as sent, and never forwarded (ECB-SPEC §3: `message: { type, data }`).
 */
export const validateOutgoingMessage =
  (maxBytes: number, maxDepth: number = DEFAULT_MAX_MESSAGE_DEPTH) =>
  (message: OutgoingMessage): E.Either<EcbError, OutgoingMessage> => {
    if (message.type.length === 0) return E.left(badRequest('message.type must not be empty'));
    if (message.data === undefined) return E.left(badRequest('message.data is required'));
    // most messages are short and flat, whose bound already says they fit (and that they nest at most
    // one level): walked and serialized only when it might not
    if (!(messageSizeBound(message) <= maxBytes)) {
      if (nestsDeeperThan(message.data, maxDepth)) {
        return E.left(badRequest(`message.data nests deeper than ${maxDepth} levels`));
      }
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
    return E.right({ type: message.type, data: message.data });
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
