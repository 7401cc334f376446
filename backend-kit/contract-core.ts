import { createHash, timingSafeEqual } from 'node:crypto';
import type * as t from 'io-ts/lib/index.js';
import { ContractError } from './contract-error.js';
import type { ContractHandlers, Operation } from './contract-handlers.js';
import { Idempotency, InMemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import {
  AddThreadMessageRequest,
  CreateThreadRequest,
  decodeRequest,
  GetThreadRequest,
  GetUserTokenRequest,
  ListRequest,
} from './requests.js';

/** Idempotency keys are client message ids (UUIDs); anything much longer is not one. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export interface ContractOptions<U extends { readonly userId: string }> {
  /**
   * Who a forwarded user token proves: a BackendTokens' verifyUserToken,
   * or your own (e.g. also checking the user still exists).
   */
  readonly authenticate: (userToken: string) => Promise<U | ContractError>;
  /** When set, every request must carry it in `X-ECB-Key` (ECB's ECB_BACKEND_API_KEY). */
  readonly apiKey?: string;
  /** Where write results are kept for Idempotency-Key; default in memory. */
  readonly idempotencyStore?: IdempotencyStore;
  /** Hears unexpected exceptions (answered 500 with nothing more); log them here. */
  readonly onError?: (error: unknown, operation: Operation) => void;
}

/** A request as the core needs it, whatever the framework. */
export interface ContractRequest {
  /** Header by lower-case name, '' when absent. */
  readonly header: (name: string) => string;
  readonly body: unknown;
}

export interface ContractResponse {
  readonly status: number;
  readonly body: unknown;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** The framework-free heart of the router: one operation's request in, status and JSON body out. */
export const contractCore = <U extends { readonly userId: string }>(
  handlers: ContractHandlers<U>,
  options: ContractOptions<U>,
): ((operation: Operation, request: ContractRequest) => Promise<ContractResponse>) => {
  const idempotency = new Idempotency(options.idempotencyStore ?? new InMemoryIdempotencyStore());

  const asUser =
    <A extends { readonly user: { readonly userId: string }; readonly clientMessageId?: string }>(
      codec: t.Decoder<unknown, A>,
      run: (user: U, body: A, key: string | undefined) => Promise<unknown>,
    ) =>
    async (request: ContractRequest): Promise<unknown> => {
      const token = BEARER.exec(request.header('authorization'))?.[1];
      if (token === undefined) return ContractError.unauthorized('a user token is required (Authorization: Bearer)');
      const user = await options.authenticate(token);
      if (user instanceof ContractError) return user;
      const body = decodeRequest(codec, request.body);
      if (body instanceof ContractError) return body;
      if (body.user.userId !== user.userId) return ContractError.forbidden('user does not match the user token');
      const key = idempotencyKeyOf(request.header('idempotency-key'), body);
      if (key instanceof ContractError) return key;
      return run(user, body, key);
    };

  const writeOnce = (user: U, key: string | undefined, name: string, write: () => Promise<unknown>) =>
    idempotency.run({ userId: user.userId, key, request: name }, () => settle(write));

  const routes: Record<Operation, (request: ContractRequest) => Promise<unknown>> = {
    getUserToken: async (request) => {
      const body = decodeRequest(GetUserTokenRequest, request.body);
      return body instanceof ContractError ? body : handlers.getUserToken(body.accessToken);
    },
    getContacts: asUser(ListRequest, (user, body) => handlers.getContacts(user, pagingOf(body))),
    getThreads: asUser(ListRequest, (user, body) => handlers.getThreads(user, pagingOf(body))),
    createThread: asUser(CreateThreadRequest, (user, body, key) =>
      writeOnce(user, key, 'createThread', () =>
        handlers.createThread(user, {
          memberIds: body.memberIds,
          message: body.message,
          ...(body.clientMessageId === undefined ? {} : { clientMessageId: body.clientMessageId }),
        }),
      ),
    ),
    getThread: asUser(GetThreadRequest, (user, body) =>
      handlers.getThread(user, { threadId: body.threadId, ...(body.since === undefined ? {} : { since: body.since }) }),
    ),
    addThreadMessage: asUser(AddThreadMessageRequest, (user, body, key) =>
      writeOnce(user, key, `addThreadMessage:${body.threadId}`, () =>
        handlers.addThreadMessage(user, {
          threadId: body.threadId,
          message: body.message,
          ...(body.clientMessageId === undefined ? {} : { clientMessageId: body.clientMessageId }),
        }),
      ),
    ),
  };

  return async (operation, request) => {
    if (options.apiKey !== undefined && !sameSecret(request.header('x-ecb-key'), options.apiKey)) {
      return failed(ContractError.unauthorized('missing or wrong X-ECB-Key'));
    }
    try {
      const result = await routes[operation](request);
      return result instanceof ContractError ? failed(result) : { status: 200, body: result };
    } catch (error) {
      if (error instanceof ContractError) return failed(error);
      options.onError?.(error, operation);
      return failed(new ContractError('INTERNAL', 'internal error'));
    }
  };
};

export const failed = (error: ContractError): ContractResponse => ({ status: error.status, body: error.toBody() });

// A thrown ContractError becomes a returned one, so a failed write is never recorded as done.
const settle = async (write: () => Promise<unknown>): Promise<unknown> => {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
};

const pagingOf = (body: { readonly pageStartIndex?: number; readonly pageSize?: number }) => ({
  ...(body.pageStartIndex === undefined ? {} : { pageStartIndex: body.pageStartIndex }),
  ...(body.pageSize === undefined ? {} : { pageSize: body.pageSize }),
});

/** The `Idempotency-Key` header, which ECB sends with a clientMessageId, or else the body's clientMessageId. */
const idempotencyKeyOf = (header: string, body: { readonly clientMessageId?: string }): string | undefined | ContractError => {
  const key = header !== '' ? header : body.clientMessageId;
  if (key === undefined || key === '') return undefined;
  return key.length > MAX_IDEMPOTENCY_KEY_LENGTH
    ? ContractError.badRequest(`Idempotency-Key may have at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`)
    : key;
};

// Comparing digests takes the same time whatever the input, so timing reveals nothing of the key.
const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
