import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on an ephemeral port that counts every request it gets. */
export interface CountingServer {
  readonly url: string;
  readonly hits: number;
  /** What the next requests are answered with. */
  answer(status: number, body: unknown): void;
  close(): Promise<void>;
}

export const startCountingServer = async (status = 200, body: unknown = {}): Promise<CountingServer> => {
  let hits = 0;
  let reply = { status, body };
  const server: Server = createServer((_request, response) => {
    hits += 1;
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get hits() {
      return hits;
    },
    answer(nextStatus, nextBody) {
      reply = { status: nextStatus, body: nextBody };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
