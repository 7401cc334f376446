import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createReferenceBackend, type ReferenceBackend } from '../../../reference-backend/app.js';
import { testKeys } from '../../support/keys.js';

/** A fault: Koa middleware that runs after the body is parsed, just before the six operations. */
export type Fault = (backend: ReferenceBackend) => Koa.Middleware;

export interface RunningBackend {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The reference backend (which passes every check) with one deliberate
 * fault spliced in front of its routes, listening on an ephemeral port.
 */
export const startBackend = async (fault?: Fault, options: { apiKey?: string } = {}): Promise<RunningBackend> => {
  const keys = await testKeys();
  const backend = createReferenceBackend({
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  // The routes are the last middleware; the body parser runs before the fault.
  if (fault !== undefined) backend.app.middleware.splice(backend.app.middleware.length - 1, 0, fault(backend));
  const server = createServer(backend.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
