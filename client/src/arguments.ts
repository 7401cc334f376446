import { EcbClientError } from './ecb-client-error.js';

/**
 * Checks of what an application passes to the client's methods, made before
 * anything is queued or sent: a wrong argument rejects that call at once
 * with BAD_REQUEST (not retryable), instead of failing somewhere inside the
 * outbox or being sent to ECB again and again. Each returns the error, or
 * undefined when the argument is fine.
 */

const refuse = (message: string): EcbClientError => new EcbClientError('BAD_REQUEST', message);

export const badThreadToken = (threadToken: unknown): EcbClientError | undefined =>
  typeof threadToken === 'string' && threadToken !== '' ? undefined : refuse('threadToken must be a thread token (a non-empty string)');

export const badMessage = (message: unknown): EcbClientError | undefined => {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? undefined : refuse('message must be an object { type, data } with a string type');
};

export const badMemberIds = (memberIds: unknown): EcbClientError | undefined =>
  Array.isArray(memberIds) && memberIds.every((id) => typeof id === 'string')
    ? undefined
    : refuse('memberIds must be an array of user ids (strings)');

export const badFlag = (name: string, value: unknown): EcbClientError | undefined =>
  typeof value === 'boolean' ? undefined : refuse(`${name} must be true or false`);

/**
 * A request as it would go on the wire: refused when JSON cannot encode it
 * (a BigInt, a cycle) or when it is larger than `maxBytes` (UTF-8 bytes of
 * its JSON, plus room for the event's name and Socket.IO's framing). ECB
 * closes a connection whose packet is over its ECB_MAX_REQUEST_BYTES, with
 * no answer: sent anyway, such a request would be lost with the
 * connection and sent again after every reconnection.
 */
export const unsendable = (event: string, payload: unknown, maxBytes: number): EcbClientError | undefined => {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    return refuse(`${event}: the request cannot be sent as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const bytes = new TextEncoder().encode(json ?? '').byteLength + event.length + PACKET_FRAMING_BYTES;
  return bytes > maxBytes
    ? new EcbClientError('PAYLOAD_TOO_LARGE', `${event}: the request is ${bytes} bytes, over maxRequestBytes (${maxBytes})`)
    : undefined;
};

/** What Socket.IO adds around a request's JSON: packet type, ack id, the event's quotes and the array's brackets. */
const PACKET_FRAMING_BYTES = 32;
