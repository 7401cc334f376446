import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import { ContractError } from './contract-error.js';
import { contractCore, failed, type ContractOptions, type ContractResponse } from './contract-core.js';
import { isOperation, OPERATIONS, type ContractHandlers, type Operation } from './contract-handlers.js';
import { BackendTokens, type KeyInput, type TokenUser } from './tokens.js';

/** The largest request body nodeHandler reads; a message is at most 64 KiB, so this is generous. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface ContractRouterOptions<U extends { readonly userId: string }>
  extends Omit<ContractOptions<U>, 'authenticate'> {
  /** Verifies forwarded user tokens; needed unless `tokens` or `authenticate` is given. */
  readonly publicKey?: KeyInput;
  /** Tokens to verify forwarded user tokens with (its publicKey). */
  readonly tokens?: BackendTokens;
  /** Your own check of a user token (e.g. verify, then look the user up); overrides the two above. */
  readonly authenticate?: (userToken: string) => Promise<U | ContractError>;
  /** The Koa router's prefix, e.g. '/ecb'; nodeHandler strips it too when present. */
  readonly prefix?: string;
  /** The largest body nodeHandler reads itself. */
  readonly bodyLimitBytes?: number;
}

export interface ContractRouter {
  /** Koa: mount `router.routes()` after a JSON body parser (@koa/bodyparser). */
  readonly router: Router;
  /**
   * Plain Node `(req, res, next?)`: for node:http, or Express (`app.use('/ecb', kit.nodeHandler)`).
   * Uses `req.body` when a body parser already ran, else reads the JSON body itself.
   * Calls `next()` (or answers 404) for anything but `POST /<operation>`.
   */
  readonly nodeHandler: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;
  /** The framework-free core, for any other framework. */
  readonly handle: (operation: Operation, request: { header(name: string): string; body: unknown }) => Promise<ContractResponse>;
}

/**
 * The whole backend contract (ECB-SPEC §6) from six plain handlers: request
 * validation, the user token and `user` checks, X-ECB-Key, idempotent
 * writes, and errors in ECB's shape.
 */
export function createContractRouter<U extends { readonly userId: string } = TokenUser>(
  handlers: ContractHandlers<U>,
  options: ContractRouterOptions<U>,
): ContractRouter {
  const handle = contractCore(handlers, { ...options, authenticate: authenticatorOf(options) });
  const prefix = options.prefix ?? '';

  const router = new Router(prefix === '' ? {} : { prefix });
  for (const operation of OPERATIONS) {
    router.post(`/${operation}`, async (ctx) => {
      const answer = await handle(operation, { header: (name) => ctx.get(name), body: ctx.request.body });
      ctx.status = answer.status;
      ctx.body = answer.body;
    });
  }

  const nodeHandler: ContractRouter['nodeHandler'] = (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://backend').pathname;
    const name = (prefix !== '' && path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path).slice(1);
    if (req.method !== 'POST' || !isOperation(name)) {
      if (next !== undefined) return next();
      return writeJson(res, failed(ContractError.notFound('no such operation')));
    }
    void bodyOf(req, options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES)
      .then((body) =>
        body instanceof ContractError ? failed(body) : handle(name, { header: (h) => headerOf(req, h), body }),
      )
      .then(
        (answer) => writeJson(res, answer),
        (error: unknown) => (next !== undefined ? next(error) : writeJson(res, failed(new ContractError('INTERNAL', 'internal error')))),
      );
  };

  return { router, nodeHandler, handle };
}

const authenticatorOf = <U extends { readonly userId: string }>(
  options: ContractRouterOptions<U>,
): ((token: string) => Promise<U | ContractError>) => {
  if (options.authenticate !== undefined) return options.authenticate;
  const tokens = options.tokens ?? (options.publicKey === undefined ? undefined : new BackendTokens({ publicKey: options.publicKey }));
  if (tokens === undefined) throw new Error('createContractRouter needs publicKey, tokens or authenticate');
  // Without `authenticate`, U is the TokenUser the token proves.
  return (token) => tokens.verifyUserToken(token) as Promise<U | ContractError>;
};

const headerOf = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
};

/** The parsed JSON body: Express's when a parser ran, else read here within the limit. */
const bodyOf = async (req: IncomingMessage, limit: number): Promise<unknown> => {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return ContractError.badRequest('the request body is too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return ContractError.badRequest('the request body is not valid JSON');
  }
};

const writeJson = (res: ServerResponse, answer: ContractResponse): void => {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};
