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
  const origin = base.origin;
  const pool = new Pool(origin, {
    connections: settings.maxConnections,
    pipelining: 1,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });
  const prefix = base.pathname;
  let closed: Promise<void> | undefined;
  return {
    post: async (operation, json, headers, signal) => {
      const answer = await pool.request({
        origin,
        path: prefix + operation,
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
        body: json,
        // undici itself destroys the body when the signal aborts after the headers came, so a
        // backend that sends its headers and then stalls is cut off by the same deadline
        signal,
      });
      return { status: answer.statusCode, body: await readCapped(answer.body, settings.maxResponseBytes, answer.headers) };
    },
    close: () => (closed ??= pool.close().catch(() => undefined)),
  };
};

/** The body as UTF-8, or TooLarge (and the connection dropped) past `maxBytes`. */
const readCapped = async (
  body: AsyncIterable<Buffer> & { destroy(): unknown; text(): Promise<string> },
  maxBytes: number,
  headers: Record<string, string | string[] | undefined>,
): Promise<CappedBody> => {
  const declared = Number(headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) {
    body.destroy();
    return { _tag: 'TooLarge' };
  }
  // a declared length within the cap is enforced by undici (a longer body is an error): read it whole
  if (declared >= 0) return { _tag: 'Read', text: await body.text() };
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
