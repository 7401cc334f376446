import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { ChatOperations } from './chat-operations.js';
import { jsonErrors, requireApiKey, unreadable } from './http-edge.js';
import { InMemoryStore } from './memory-store.js';
import { referenceRoutes } from './routes.js';
import { seedContents } from './seed.js';
import type { Store } from './store.js';
import {
  DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS,
  DEFAULT_USER_TOKEN_LIFETIME_SECONDS,
  ReferenceTokens,
  type KeyInput,
} from './tokens.js';

/** The largest request body read; a message is at most 64 KiB, so this is generous. */
export const REQUEST_BODY_LIMIT = '1mb';

export interface ReferenceBackendOptions {
  /** Signs user, thread and server tokens (RS256). */
  readonly privateKey: KeyInput;
  /** Verifies the user tokens ECB forwards; ECB is configured with the same key. */
  readonly publicKey: KeyInput;
  /** When set, every request must carry it in `X-ECB-Key` (ECB's ECB_BACKEND_API_KEY). */
  readonly apiKey?: string;
  /** Load the demo users and threads (seed.ts) into the in-memory store; default true. */
  readonly seed?: boolean;
  /** Your own store instead of the in-memory one; `seed` then does nothing. */
  readonly store?: Store;
  /** UNIX epoch seconds, with decimals; default the system clock. */
  readonly now?: () => number;
  readonly userTokenLifetimeSeconds?: number;
  readonly threadTokenLifetimeSeconds?: number;
  /** Serve the operations under this path, e.g. '/backend'; default at the root. */
  readonly prefix?: string;
}

export interface ReferenceBackend {
  readonly app: Koa;
  readonly store: Store;
  readonly tokens: ReferenceTokens;
}

const systemClock = (): number => Date.now() / 1000;

/**
 * The reference backend as a Koa app, not yet listening. The middleware
 * reads top to bottom: JSON errors, API key, JSON body, the six operations.
 * Throws only on a key that is not an RSA key.
 */
export const createReferenceBackend = (options: ReferenceBackendOptions): ReferenceBackend => {
  const now = options.now ?? systemClock;
  const tokens = new ReferenceTokens({
    privateKey: options.privateKey,
    publicKey: options.publicKey,
    now,
    userTokenLifetimeSeconds: options.userTokenLifetimeSeconds ?? DEFAULT_USER_TOKEN_LIFETIME_SECONDS,
    threadTokenLifetimeSeconds: options.threadTokenLifetimeSeconds ?? DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS,
  });
  const store = options.store ?? new InMemoryStore(options.seed === false ? undefined : seedContents(now()));
  const operations = new ChatOperations(store, tokens, now);
  const app = new Koa();
  // The routes are the backend kit's router; it answers 500 itself, and hands the error to the app's 'error' event.
  const routes = referenceRoutes({
    operations,
    tokens,
    store,
    onError: (error) => app.emit('error', error),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });

  app.use(jsonErrors());
  app.use(requireApiKey(options.apiKey));
  // A body that does not decompress as its Content-Encoding says fails in zlib, with no HTTP
  // status; it is the client's bad input (400), like malformed JSON, not an error of ours (500).
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: REQUEST_BODY_LIMIT,
      onError: (error) => {
        throw unreadable(error);
      },
    }),
  );
  app.use(routes.routes());
  return { app, store, tokens };
};

export interface StartOptions extends ReferenceBackendOptions {
  /** Default 0: any free port (see `url`). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface RunningReferenceBackend {
  /** The base URL ECB calls (ECB_BACKEND_URL), e.g. http://127.0.0.1:53211, prefix included. */
  readonly url: string;
  readonly store: Store;
  readonly tokens: ReferenceTokens;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Creates the reference backend and starts it listening. */
export const startReferenceBackend = async (options: StartOptions): Promise<RunningReferenceBackend> => {
  const { app, store, tokens } = createReferenceBackend(options);
  const server = createServer(app.callback());
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostInUrl}:${port}${options.prefix ?? ''}`,
    store,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
