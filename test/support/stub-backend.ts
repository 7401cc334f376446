import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import {
  createReferenceBackend,
  REQUEST_BODY_LIMIT,
  type ReferenceBackendOptions,
} from '../../reference-backend/app.js';
import type { Store } from '../../reference-backend/store.js';
import type { KeyInput, ReferenceTokens } from '../../reference-backend/tokens.js';
import { testKeys } from './keys.js';

/**
 * A real backend for tests: the reference backend (seeded with alice, bob,
 * carol, agent-sam, cust-dana, cust-eli) on an ephemeral port, behind a
 * front middleware that records every request and injects the faults a
 * test asks for. Like centrifuge's memory broker: the real thing, with one
 * seam to break it on purpose.
 *
 *   const stub = await startStubBackend();
 *   stub.fail('getThreads', { status: 503, times: 2 });
 *   // ... call stub.url/getThreads ...
 *   expect(stub.requestsTo('getThreads')).to.have.length(3);
 *   await stub.close();
 */

/** The six operations of the backend contract (ECB-SPEC §6). */
export type BackendOperation =
  'getUserToken' | 'getContacts' | 'getThreads' | 'createThread' | 'getThread' | 'addThreadMessage';

/** One request as the stub received it. */
export interface RecordedRequest {
  /** The path without its leading '/', e.g. 'getThreads' (any path is recorded). */
  readonly operation: string;
  readonly method: string;
  /** Lower-case names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; undefined when it was not JSON. */
  readonly body: unknown;
  /** The body exactly as sent ('' when none). */
  readonly rawBody: string;
}

export interface FailOptions {
  readonly status: number;
  /**
   * The answer's body. A string is sent verbatim (an HTML error page,
   * malformed JSON...); anything else is sent as JSON. Default:
   * `{ error: { code: 'INJECTED_FAILURE', message: 'injected failure (HTTP <status>)' } }`.
   */
  readonly body?: unknown;
  /** Default 'application/json', also for a string body, so malformed JSON looks like JSON. */
  readonly contentType?: string;
  /** How many of the next calls fail; default 1, `Infinity` for all. */
  readonly times?: number;
}

export interface StubBackendOptions extends Partial<
  Pick<ReferenceBackendOptions, 'apiKey' | 'seed' | 'now' | 'userTokenLifetimeSeconds' | 'threadTokenLifetimeSeconds'>
> {
  /** Default: the shared test key pair, `testKeys()`. */
  readonly keys?: { readonly privateKey: KeyInput; readonly publicKey: KeyInput };
}

export interface StubBackend {
  /** The base URL to configure as ECB_BACKEND_URL (no trailing slash). */
  readonly url: string;
  /** Every request received, oldest first. A live array: `reset()` empties it in place. */
  readonly requests: RecordedRequest[];
  /** The reference backend's store: inspect what was written, or add users. */
  readonly store: Store;
  /** Signs user, thread and server tokens with the stub's private key. */
  readonly tokens: ReferenceTokens;
  /** The recorded requests to one operation. */
  requestsTo(operation: BackendOperation): RecordedRequest[];
  /** The next `times` calls to `operation` get this status and body instead of reaching the backend. */
  fail(operation: BackendOperation, options: FailOptions): void;
  /** The next `times` (default 1) calls to `operation` wait `ms` before the backend handles them. */
  delay(operation: BackendOperation, ms: number, times?: number): void;
  /**
   * The next `times` (default 1) calls get `body` with `status` (default 200) instead of reaching
   * the backend: a wrong-schema answer. A string is sent verbatim, anything else as JSON.
   */
  respond(operation: BackendOperation, body: unknown, status?: number, times?: number): void;
  /** The next `times` (default 1) calls have their connection destroyed without an answer (a reset). */
  destroySocket(operation: BackendOperation, times?: number): void;
  /** Forgets every pending fault and every recorded request; the store keeps its data. */
  reset(): void;
  /** Stops the server, drops its connections and cancels pending delays. */
  close(): Promise<void>;
}

type Fault =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly contentType: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'destroy' };

/** Faults wait in line per operation, and apply in the order they were added. */
interface QueuedFault {
  readonly fault: Fault;
  remaining: number;
}

/** Starts a stub backend on 127.0.0.1 and an ephemeral port. */
export const startStubBackend = async (options: StubBackendOptions = {}): Promise<StubBackend> => {
  const keys = options.keys ?? (await testKeys());
  const { keys: _keys, ...referenceOptions } = options;
  const reference = createReferenceBackend({
    ...referenceOptions,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  });
  const requests: RecordedRequest[] = [];
  const faults = new Map<string, QueuedFault[]>();
  const timers = new Set<NodeJS.Timeout>();

  const enqueue = (operation: BackendOperation, fault: Fault, times = 1): void => {
    if (!(times >= 1)) throw new Error(`times must be at least 1, got ${times}`);
    faults.set(operation, [...(faults.get(operation) ?? []), { fault, remaining: times }]);
  };

  const takeFault = (operation: string): Fault | undefined => {
    const queue = faults.get(operation);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.fault;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const recordAndInject: Koa.Middleware = async (ctx, next) => {
    const operation = ctx.path.replace(/^\//, '');
    requests.push({
      operation,
      method: ctx.method,
      headers: flatHeaders(ctx.headers),
      body: ctx.request.body,
      rawBody: ctx.request.rawBody ?? '',
    });
    const fault = takeFault(operation);
    if (fault === undefined) return next();
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.ms);
        return next();
      case 'destroy':
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      case 'answer':
        ctx.status = fault.status;
        ctx.type = fault.contentType;
        ctx.body = fault.body;
        return;
    }
  };

  const front = new Koa();
  // Parsed here so that the request is recorded before any fault; the reference backend's own
  // parser then finds the body parsed. A body that is not JSON is recorded as undefined and
  // reaches the backend as no body (a 400).
  front.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: REQUEST_BODY_LIMIT,
      onError: (error, ctx) => {
        const raw = (error as { body?: unknown }).body; // co-body keeps the text it could not parse
        ctx.request.rawBody = typeof raw === 'string' ? raw : '';
        (ctx as { disableBodyParser?: boolean }).disableBodyParser = true;
      },
    }),
  );
  front.use(recordAndInject);
  for (const middleware of reference.app.middleware) front.use(middleware);

  const server = createServer(front.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    store: reference.store,
    tokens: reference.tokens,
    requestsTo: (operation) => requests.filter((request) => request.operation === operation),
    fail: (operation, { status, body, contentType = 'application/json', times }) => {
      const text =
        body === undefined ? injectedErrorBody(status) : typeof body === 'string' ? body : JSON.stringify(body);
      enqueue(operation, { kind: 'answer', status, body: text, contentType }, times);
    },
    delay: (operation, ms, times) => enqueue(operation, { kind: 'delay', ms }, times),
    respond: (operation, body, status = 200, times) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      enqueue(operation, { kind: 'answer', status, body: text, contentType: 'application/json' }, times);
    },
    destroySocket: (operation, times) => enqueue(operation, { kind: 'destroy' }, times),
    reset: () => {
      faults.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const injectedErrorBody = (status: number): string =>
  JSON.stringify({ error: { code: 'INJECTED_FAILURE', message: `injected failure (HTTP ${status})` } });

const flatHeaders = (headers: NodeJS.Dict<string | string[]>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
