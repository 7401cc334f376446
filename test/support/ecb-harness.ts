import { io as connect, type Socket as ClientSocket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { request as httpCall, type IncomingHttpHeaders } from 'node:http';
import type { EcbConfig } from '../../src/config.js';
import { startEcb, type RunningEcb, type StartOptions } from '../../src/server.js';
import { aConfig } from './config.js';
import { startStubBackend, type StubBackend, type StubBackendOptions } from './stub-backend.js';

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
  /** Runs before the handshake: listen here for events pushed right after connecting (`session`). */
  prepare: (socket: ClientSocket) => void = () => undefined,
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
    prepare(socket);
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

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An HTTP answer; `body` is the parsed JSON when the answer is JSON, else undefined. */
export interface HttpAnswer<T = any> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: T;
  readonly text: string;
}

export interface HttpRequestOptions {
  readonly method?: string;
  /** Sent exactly as given (fetch would refuse or rewrite some, like Origin). */
  readonly headers?: Record<string, string>;
  /** Sent as JSON with Content-Type application/json. */
  readonly json?: unknown;
  /** Sent verbatim (malformed JSON, oversized or compressed bodies); Content-Type application/json unless given. */
  readonly rawBody?: string | Buffer;
}

/**
 * One HTTP request over node:http on a fresh connection (no keep-alive, so
 * nothing stays open after the test).
 */
export const httpRequest = <T = any>(url: string, options: HttpRequestOptions = {}): Promise<HttpAnswer<T>> =>
  new Promise((resolve, reject) => {
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.rawBody;
    const headers: Record<string, string> = {
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...(options.headers ?? {}),
    };
    const outgoing = httpCall(url, { method: options.method ?? 'GET', headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = (incoming.headers['content-type'] ?? '').includes('json');
        let parsed: unknown;
        try {
          parsed = isJson && text !== '' ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: parsed as T, text });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });

/**
 * A stub backend (the seeded reference backend) and an ECB in front of it:
 * what every end-to-end test starts from. `close()` closes the sockets made
 * by `connect`, then ECB, then the backend.
 */
export interface EcbWorld {
  readonly stub: StubBackend;
  readonly ecb: RunningEcb;
  /** A user token the backend signs for one of its users (seeded or saved). */
  userToken(userId: string, lifetimeSeconds?: number): Promise<string>;
  /** A fresh thread token for a thread in the backend's store. */
  threadToken(threadId: string): Promise<string>;
  /** A connected socket of this user, closed with the world. */
  connect(
    userId: string,
    options?: Partial<ManagerOptions & SocketOptions>,
    prepare?: (socket: ClientSocket) => void,
  ): Promise<ClientSocket>;
  /** Closes this socket with the world too. */
  track(socket: ClientSocket): ClientSocket;
  close(): Promise<void>;
}

export const startEcbWorld = async (
  config: Partial<EcbConfig> = {},
  stubOptions: StubBackendOptions = {},
  startOptions: StartOptions = {},
): Promise<EcbWorld> => {
  const stub = await startStubBackend(stubOptions);
  let ecb: RunningEcb;
  try {
    ecb = await startTestEcb({ backendUrl: stub.url, ...config }, startOptions);
  } catch (error) {
    await stub.close();
    throw error;
  }
  const sockets: ClientSocket[] = [];
  const userToken = async (userId: string, lifetimeSeconds?: number): Promise<string> => {
    const user = await stub.store.findUser(userId);
    if (user === undefined) throw new Error(`the backend has no user ${userId}`);
    return stub.tokens.signUserToken(user, lifetimeSeconds);
  };
  const track = (socket: ClientSocket): ClientSocket => {
    sockets.push(socket);
    return socket;
  };
  return {
    stub,
    ecb,
    userToken,
    threadToken: async (threadId) => {
      const thread = await stub.store.findThread(threadId);
      if (thread === undefined) throw new Error(`the backend has no thread ${threadId}`);
      return stub.tokens.signThreadToken(thread);
    },
    connect: async (userId, options, prepare) =>
      track(await createClient(ecb.url, { userToken: await userToken(userId) }, options, prepare)),
    track,
    close: () => closeAll(...sockets, ecb, stub),
  };
};
