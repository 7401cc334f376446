import { unsendable } from './arguments.js';
import type { Connection } from './connection.js';
import { clientError, EcbClientError, errorFromWire } from './ecb-client-error.js';

/** The outcome of one request: ECB's answer, or why there is none. Never thrown. */
export type Outcome<T> =
  | { readonly ok: true; readonly data: T }
  | {
      readonly ok: false;
      readonly error: EcbClientError;
      /** The request reached the wire: after TIMEOUT or DISCONNECTED it may have taken effect. */
      readonly sent: boolean;
    };

/** The request events of ECB-SPEC §3. */
export type RequestEvent = 'getContacts' | 'getThreads' | 'createThread' | 'getThread' | 'leaveThread' | 'sendMessage';

export interface AttemptOptions {
  /** How long to wait for a connection before giving up with DISCONNECTED; default requestTimeoutMs. */
  readonly waitForConnectionMs?: number;
}

/**
 * Sends one request event and reads its acknowledgement
 * (`{ ok: true, data }` or `{ ok: false, error }`), bounded by the request
 * timeout. A request is only ever emitted on a live connection:
 * socket.io-client would otherwise buffer it and send it after a
 * reconnection, behind the client's back.
 */
export class Requester {
  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
    private readonly maxRequestBytes: number,
  ) {}

  /**
   * One attempt. TIMEOUT and DISCONNECTED mean the answer was lost: the
   * request may have taken effect. A request JSON cannot encode, or over
   * maxRequestBytes, is not sent (BAD_REQUEST, PAYLOAD_TOO_LARGE).
   */
  async attempt<T>(event: RequestEvent, payload: unknown, options: AttemptOptions = {}): Promise<Outcome<T>> {
    const refused = unsendable(event, payload, this.maxRequestBytes);
    if (refused !== undefined) return { ok: false, sent: false, error: refused };
    try {
      await this.connection.whenConnected(options.waitForConnectionMs ?? this.timeoutMs);
    } catch (error) {
      return { ok: false, sent: false, error: error instanceof EcbClientError ? error : clientError('DISCONNECTED', 'not connected') };
    }
    const socket = this.connection.socket;
    if (!socket.connected) return { ok: false, sent: false, error: clientError('DISCONNECTED', 'not connected') };
    try {
      const ack: unknown = await socket.timeout(this.timeoutMs).emitWithAck(event, payload);
      return readAck<T>(ack);
    } catch (error) {
      const timedOut = error instanceof Error && /timed out/.test(error.message);
      return {
        ok: false,
        sent: true,
        error: timedOut
          ? clientError('TIMEOUT', `no answer to ${event} within ${this.timeoutMs} ms`)
          : clientError('DISCONNECTED', `the connection dropped before the answer to ${event}`),
      };
    }
  }

  /**
   * The data of a request, or a rejection with EcbClientError. Tried once
   * more after TOKEN_EXPIRED (once a fresh token is connected, when the
   * client can get one) and after the connection dropped under a request
   * already sent. Only for requests that are safe to repeat.
   */
  async call<T>(event: RequestEvent, payload: unknown): Promise<T> {
    let outcome = await this.attempt<T>(event, payload);
    if (!outcome.ok) {
      const { error, sent } = outcome;
      const expired = error.code === 'TOKEN_EXPIRED' && this.connection.renewable;
      if (expired || (sent && error.code === 'DISCONNECTED')) {
        if (expired) await this.connection.renew(error);
        outcome = await this.attempt<T>(event, payload);
      }
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.data;
  }
}

const readAck = <T>(ack: unknown): Outcome<T> => {
  const answer = (typeof ack === 'object' && ack !== null ? ack : {}) as { ok?: unknown; data?: unknown; error?: unknown };
  if (answer.ok === true) return { ok: true, data: answer.data as T };
  if (answer.ok === false) return { ok: false, sent: true, error: errorFromWire(answer.error) };
  return { ok: false, sent: true, error: new EcbClientError('INTERNAL', 'ECB answered with a malformed acknowledgement') };
};
