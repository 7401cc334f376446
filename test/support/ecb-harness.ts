import { io as connect, type Socket as ClientSocket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { EcbConfig } from '../../src/config.js';
import { startEcb, type RunningEcb, type StartOptions } from '../../src/server.js';
import { aConfig } from './config.js';

/** An ECB server on an ephemeral port, with the test defaults (aConfig). */
export const startTestEcb = async (
  overrides: Partial<EcbConfig> = {},
  options: StartOptions = {},
): Promise<RunningEcb> => startEcb(await aConfig(overrides), options);

export type Ack<T = unknown> =
  | { ok: true; data: T }
  | { ok: false; error: { code: string; message: string; retryable: boolean } };

/** A real socket.io-client, connected (or refused) before it resolves. */
export const createClient = (
  url: string,
  auth: Record<string, unknown>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> =>
  new Promise((resolve, reject) => {
    const socket = connect(url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
      ...options,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });

/** Emits a request and resolves with its acknowledgement. */
export const request = <T = unknown>(socket: ClientSocket, event: string, payload?: unknown): Promise<Ack<T>> =>
  socket.timeout(5_000).emitWithAck(event, payload) as Promise<Ack<T>>;

/** The data of a successful ack; fails the test on an error ack. */
export const requestOk = async <T = unknown>(socket: ClientSocket, event: string, payload?: unknown): Promise<T> => {
  const ack = await request<T>(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
};

/** Resolves with the next `event` the socket receives, or rejects after `ms`. */
export const waitFor = <T = unknown>(socket: ClientSocket, event: string, ms = 3_000): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    const onEvent = (payload: T): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, onEvent);
  });

/**
 * Collects every `event` the socket receives, so a test can assert that
 * something did NOT arrive (after a later event proves the earlier ones
 * would have been delivered by now).
 */
export const collect = <T = unknown>(socket: ClientSocket, event: string): T[] => {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
};

/** Closes clients and servers, ignoring ones already closed. */
export const closeAll = async (...things: Array<{ close(): unknown } | undefined>): Promise<void> => {
  for (const thing of things) {
    try {
      await thing?.close();
    } catch {
      // already closed
    }
  }
};
