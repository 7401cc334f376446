import type { Server as HttpServer } from 'node:http';
import type { Server } from 'socket.io';

/**
 * Engine.io answers a long-polling POST larger than maxHttpBufferSize with
 * 413 but keeps the session open. A WebSocket sending such a frame is
 * closed; this makes long-polling behave the same, so an oversize packet
 * ends the connection on either transport.
 */
export const closePollingSessionsOnOversize = (httpServer: HttpServer, io: Server): void => {
  const path = `${io.path().replace(/\/$/, '')}/`;
  httpServer.on('request', (request, response) => {
    if (request.method !== 'POST' || !(request.url ?? '').startsWith(path)) return;
    response.once('finish', () => {
      if (response.statusCode !== 413) return;
      const sid = new URL(request.url ?? '', 'http://ecb').searchParams.get('sid');
      // engine.io documents `clients` (open sessions by id); its typings mark it protected
      const clients = (io.engine as unknown as { clients: Record<string, { close(): void }> }).clients;
      if (sid !== null && Object.hasOwn(clients, sid)) clients[sid]?.close();
    });
  });
};
