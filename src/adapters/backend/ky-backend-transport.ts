import ky from 'ky';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { BackendTransport, TransportSettings } from './backend-transport.js';
import { readCappedBody } from './read-capped-body.js';

/**
 * ky over undici's fetch on a dedicated keep-alive Agent (bounded
 * connections, no pipelining: a slow answer must not hold up the calls
 * queued behind it). Node's global fetch costs several times more CPU per
 * call; undici's Pool (undici-backend-transport.ts) costs less still.
 */
export const kyBackendTransport = (settings: TransportSettings): BackendTransport => {
  const agent = new Agent({
    connections: settings.maxConnections,
    pipelining: 1,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });
  const api = ky.create({
    prefixUrl: settings.backendUrl,
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
    // retries are decided by the gateway, per operation, never by ky
    retry: 0,
    // one deadline covers the answer's body too, which ky's timeout does not
    timeout: false,
    throwHttpErrors: false,
    redirect: 'manual',
  });
  let closed: Promise<void> | undefined;
  return {
    post: async (operation, json, headers, signal) => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
      const response = await api.post(operation, { body: json, headers: pairs, signal });
      return { status: response.status, body: await readCappedBody(response, settings.maxResponseBytes, signal) };
    },
    close: () => (closed ??= agent.close().catch(() => undefined)),
  };
};
