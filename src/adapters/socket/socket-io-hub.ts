import { inject, injectable } from 'inversify';
import { Server } from 'socket.io';
import type { EcbConfig } from '../../config.js';
import { TOKENS } from '../../tokens.js';

/**
 * The one Socket.IO server of this process. It exists before the HTTP
 * server it is attached to, so that the push channel can be built (and
 * tested) independently of listening.
 */
@injectable()
export class SocketIoHub {
  readonly io: Server;

  constructor(@inject(TOKENS.Config) config: EcbConfig) {
    this.io = new Server({
      // Every client request and push is small; a larger packet is refused
      // by the transport before it is parsed.
      maxHttpBufferSize: config.maxRequestBytes,
      connectTimeout: config.connectTimeoutMs,
      serveClient: false,
      // Both transports, as Socket.IO clients expect (ECB-SPEC: WebSocket with long-polling fallback).
      transports: ['polling', 'websocket'],
      cleanupEmptyChildNamespaces: true,
    });
  }
}
