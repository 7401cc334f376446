import { Pool } from 'undici';
import type { BackendTransport, TransportSettings } from './backend-transport.js';
import type { CappedBody } from './read-capped-body.js';

/**
 * undici's Pool.request on one keep-alive pool to the backend's origin: the
 * leanest HTTP client Node has (no fetch Request/Response objects, no web
 * streams), measured at a fraction of fetch's CPU per call (docs/adr/0004).
 */
export const undiciBackendTransport = (settings: TransportSettings): BackendTransport => {
  const base = new URL(settings.backendUrl.endsWith('/') ? settings.backendUrl : `${settings.backendUrl}/`);
  const pool = new Pool(base.origin, {
    connections: settings.maxConnections,
    pipelining: 1,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });
  const headersOf = (headers: Record<string, string>): Record<string, string> => ({
    accept: 'application/json',
    'content-type': 'application/json',
    ...headers,
  });
  let closed: Promise<void> | undefined;
  return {
    post: async (operation, json, headers, signal) => {
      const answer = await pool.request({
        origin: base.origin,
        path: `${base.pathname}${operation}`,
        method: 'POST',
        headers: headersOf(headers),
        body: json,
        signal,
      });
      // a backend that sends its headers and then stalls is cut off by the same deadline
      const stop = (): void => void answer.body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', stop, { once: true });
      try {
        return { status: answer.statusCode, body: await readCapped(answer.body, settings.maxResponseBytes, answer.headers) };
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
    close: () => (closed ??= pool.close().catch(() => undefined)),
  };
};

/** The body as UTF-8, or TooLarge (and the connection dropped) past `maxBytes`. */
const readCapped = async (
  body: AsyncIterable<Buffer> & { destroy(): unknown; dump?: unknown },
  maxBytes: number,
  headers: Record<string, string | string[] | undefined>,
): Promise<CappedBody> => {
  if (Number(headers['content-length'] ?? Number.NaN) > maxBytes) {
    body.destroy();
    return { _tag: 'TooLarge' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      return { _tag: 'TooLarge' };
    }
    chunks.push(chunk);
  }
  return { _tag: 'Read', text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8') };
};
