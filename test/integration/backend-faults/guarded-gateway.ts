import { BackendCircuit } from '../../../src/adapters/backend/backend-circuit.js';
import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import type { EcbConfig } from '../../../src/config.js';
import type { Caller } from '../../../src/domain/user.js';
import { aConfig } from '../../support/config.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';

/**
 * A HttpBackendGateway and the BackendCircuit it runs through, so that a test
 * can both make calls and look at the circuit; `close()` releases both the
 * gateway and the stub backend.
 */
export interface GuardedGateway {
  readonly stub: StubBackend;
  readonly gateway: HttpBackendGateway;
  readonly circuit: BackendCircuit;
  readonly alice: Caller;
  close(): Promise<void>;
}

export const startGuardedGateway = async (overrides: Partial<EcbConfig> = {}): Promise<GuardedGateway> => {
  const stub = await startStubBackend();
  const config = await aConfig({ backendUrl: stub.url, ...overrides });
  const circuit = new BackendCircuit(config);
  const gateway = new HttpBackendGateway(config, undefined, circuit);
  const user = { userId: 'alice', displayName: 'Alice' };
  const alice: Caller = { user, credential: await stub.tokens.signUserToken(user), requestId: 'request-7' };
  return {
    stub,
    gateway,
    circuit,
    alice,
    close: async () => {
      await gateway.close();
      await stub.close();
    },
  };
};

export const text = (messageText: string) => ({ type: 'text', data: { messageText } });

export const PAGE = { pageStartIndex: 0, pageSize: 20 } as const;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
