import { EcbClient } from '../../../client/src/index.js';
import type { ClientEvents, EcbClientOptions } from '../../../client/src/index.js';
import { SEED_USERS } from '../../../reference-backend/seed.js';
import type { RunningEcb } from '../../../src/server.js';
import { startTestEcb } from '../../support/ecb-harness.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';

/**
 * A real ECB in front of the real stub backend, and ecb-client instances
 * connected to it as seeded users. Timings are shortened so that
 * reconnections and retries happen within a test, never asserted.
 */
export interface ClientWorld {
  readonly stub: StubBackend;
  /** The ECB currently running (a new one after `restartEcb`). */
  ecb: RunningEcb | undefined;
  readonly url: string;
  /** A client signed in as `userId` with a user token from the stub; connected before it resolves. */
  connect(userId: string, options?: Partial<EcbClientOptions>): Promise<EcbClient>;
  /** A client that is not awaited: for refusals and custom credentials. */
  client(options: EcbClientOptions): EcbClient;
  userToken(userId: string, lifetimeSeconds?: number): Promise<string>;
  /** Stops ECB: every client loses its connection and keeps trying. */
  stopEcb(): Promise<void>;
  /** Starts a new ECB on the same port, in front of the same backend. */
  startEcb(): Promise<void>;
  close(): Promise<void>;
}

/** Fast reconnections and retries, WebSocket only. */
export const FAST: Partial<EcbClientOptions> = {
  transports: ['websocket'],
  reconnect: { baseDelayMs: 50, maxDelayMs: 250, randomizationFactor: 0.5 },
  retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 8 },
  requestTimeoutMs: 5_000,
};

export const startClientWorld = async (): Promise<ClientWorld> => {
  const stub = await startStubBackend();
  const first = await startTestEcb({ backendUrl: stub.url });
  const port = first.port;
  const clients: EcbClient[] = [];
  const world: ClientWorld = {
    stub,
    ecb: first,
    url: first.url,
    userToken: (userId, lifetimeSeconds) => {
      const user = SEED_USERS.find((seeded) => seeded.userId === userId) ?? { userId, displayName: userId };
      return stub.tokens.signUserToken(user, lifetimeSeconds);
    },
    client: (options) => {
      const client = new EcbClient(world.url, { ...FAST, ...options });
      clients.push(client);
      return client;
    },
    connect: async (userId, options = {}) => {
      const client = world.client({ userToken: await world.userToken(userId), ...options });
      await client.ready();
      return client;
    },
    stopEcb: async () => {
      const running = world.ecb;
      world.ecb = undefined;
      await running?.close();
    },
    startEcb: async () => {
      world.ecb = await startTestEcb({ backendUrl: stub.url, port });
    },
    close: async () => {
      for (const client of clients) await client.close();
      await world.ecb?.close();
      await stub.close();
    },
  };
  return world;
};

/** The next `event` (matching `accept`), or a rejection after `ms`. */
export const nextEvent = <K extends keyof ClientEvents>(
  client: EcbClient,
  event: K,
  accept: (payload: ClientEvents[K]) => boolean = () => true,
  ms = 5_000,
): Promise<ClientEvents[K]> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching "${String(event)}" event within ${ms} ms`));
    }, ms);
    const off = client.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });

/** Every `event` from now on, in arrival order. */
export const record = <K extends keyof ClientEvents>(client: EcbClient, event: K): Array<ClientEvents[K]> => {
  const seen: Array<ClientEvents[K]> = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
};

/** Polls `check` until it holds, or fails naming `what` after `ms`. */
export const eventually = async (what: string, check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> => {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The thread token `client` gets for `threadId` from getThreads. */
export const threadTokenOf = async (client: EcbClient, threadId: string): Promise<string> => {
  const page = await client.getThreads({ pageSize: 100 });
  const thread = page.items.find((item) => item.threadId === threadId);
  if (thread === undefined) throw new Error(`${threadId} is not among the client's threads`);
  return thread.threadToken;
};

export const text = (messageText: string): { type: 'text'; data: { messageText: string } } => ({
  type: 'text',
  data: { messageText },
});

/** The texts of a thread's stored messages, as the backend holds them. */
export const storedTexts = async (stub: StubBackend, threadId: string): Promise<string[]> =>
  (await stub.store.listMessages(threadId)).map((message) => (message.data as { messageText?: string }).messageText ?? '');

/**
 * Writes a message straight into the backend, as another user would through
 * ECB, while this test keeps ECB out of the way (no push is sent).
 */
export const storeDirectly = async (stub: StubBackend, userId: string, threadId: string, messageText: string): Promise<void> => {
  const user = SEED_USERS.find((seeded) => seeded.userId === userId) ?? { userId, displayName: userId };
  const response = await fetch(`${stub.url}/addThreadMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await stub.tokens.signUserToken(user)}` },
    body: JSON.stringify({ user: { userId, displayName: user.displayName }, threadId, message: text(messageText) }),
  });
  if (response.status !== 200) throw new Error(`addThreadMessage answered ${response.status}`);
};
