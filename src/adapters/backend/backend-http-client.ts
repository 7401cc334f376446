import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { BackendLimits } from './backend-limits.js';

/**
 * The transport under ky: a `fetch` and the means to release its
 * connections. Kept in this one file so the dispatcher can be swapped (or
 * benchmarked) without touching the gateway; see docs/adr/0004.
 */
export interface BackendHttpClient {
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /**
   * Lets calls in progress finish (each is bounded by its timeout), then
   * closes every connection; later calls fail. Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/**
 * undici's fetch over a dedicated keep-alive Agent: bounded connections, no
 * pipelining (a slow answer must not hold up the calls queued behind it).
 * Node's global fetch costs several times more CPU per call.
 */
export const undiciBackendHttpClient = (
  limits: Pick<BackendLimits, 'maxConnections' | 'keepAliveTimeoutMs'>,
): BackendHttpClient => {
  const agent = new Agent({
    connections: limits.maxConnections,
    pipelining: 1,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  });
  let closed: Promise<void> | undefined;
  return {
    fetch: async (input, requestInit) => {
      // ky hands over a Request of Node's bundled undici, which this undici's
      // fetch does not recognise as a Request; pass its parts instead.
      const request = input instanceof Request ? input : new Request(input, requestInit);
      const forwarded: UndiciRequestInit = {
        method: request.method,
        headers: [...request.headers],
        body: request.body === null ? null : Buffer.from(await request.arrayBuffer()),
        signal: request.signal,
        redirect: request.redirect,
        dispatcher: agent,
      };
      return (await undiciFetch(request.url, forwarded)) as unknown as Response;
    },
    close: () => (closed ??= agent.close().catch(() => undefined)),
  };
};
