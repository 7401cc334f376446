import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import type { BackendCallObserver } from '../../../src/adapters/backend/backend-call-observer.js';
import type { EcbConfig } from '../../../src/config.js';
import type { EcbError, ErrorCode } from '../../../src/domain/errors.js';
import type { Caller } from '../../../src/domain/user.js';
import { aConfig } from '../../support/config.js';
import { startStubBackend, type StubBackend, type StubBackendOptions } from '../../support/stub-backend.js';

/**
 * A HttpBackendGateway wired to a fresh stub backend (seeded: alice, bob and
 * the thread `thread-alice-bob`), and the callers a test needs. Tests
 * create one in `beforeEach` and `close()` it in `afterEach`.
 */
export interface BackendFixture {
  readonly stub: StubBackend;
  readonly gateway: HttpBackendGateway;
  /** alice with a valid user token signed by the stub. */
  readonly alice: Caller;
  /** Another gateway to the same stub, with other settings; closed with the fixture. */
  gatewayWith(overrides: Partial<EcbConfig>, observer?: BackendCallObserver): Promise<HttpBackendGateway>;
  close(): Promise<void>;
}

export const startBackendFixture = async (
  options: { stub?: StubBackendOptions; config?: Partial<EcbConfig>; observer?: BackendCallObserver } = {},
): Promise<BackendFixture> => {
  const stub = await startStubBackend(options.stub);
  const gateways: HttpBackendGateway[] = [];
  const gatewayWith = async (overrides: Partial<EcbConfig>, observer?: BackendCallObserver) => {
    const gateway = new HttpBackendGateway(
      await aConfig({ backendUrl: stub.url, ...options.config, ...overrides }),
      observer,
    );
    gateways.push(gateway);
    return gateway;
  };
  const gateway = await gatewayWith(options.config ?? {}, options.observer);
  const user = { userId: 'alice', displayName: 'Alice' };
  const alice: Caller = { user, credential: await stub.tokens.signUserToken(user), requestId: 'request-42' };
  return {
    stub,
    gateway,
    alice,
    gatewayWith,
    close: async () => {
      await Promise.all(gateways.map((g) => g.close()));
      await stub.close();
    },
  };
};

/** Both HTTP clients the gateway can run on (ECB_BACKEND_CLIENT); every adapter test runs on each. */
export const BACKEND_CLIENTS = ['undici', 'ky'] as const;

export const PAGE = { pageStartIndex: 0, pageSize: 20 } as const;

export const succeeds = async <A>(task: TaskEither<EcbError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) expect.fail(`expected success, got ${result.left._tag}: ${result.left.message}`);
  return result.right;
};

export const failsWith = async (code: ErrorCode, task: TaskEither<EcbError, unknown>): Promise<EcbError> => {
  const result = await task();
  if (E.isRight(result)) expect.fail(`expected ${code}, got success`);
  expect(result.left._tag, result.left.message).to.equal(code);
  return result.left;
};
