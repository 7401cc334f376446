import { inject, injectable } from 'inversify';
import { Server } from 'socket.io';
import type { EcbConfig } from '../../config.js';
import { TOKENS } from '../../tokens.js';

/** A Socket.IO adapter, as `io.adapter(...)` takes it. */
export type SocketIoAdapter = Parameters<Server['adapter']>[0];

/**
 * How this node's broadcasts reach the other nodes. A lone node reaches
 * them all trivially; a cross-node adapter (Redis) only while connected.
 */
export interface NodeLink {
  /** True while a broadcast made now is handed to every node. */
  isUp(): boolean;
  /** Resolves once every broadcast made so far has been handed to every node; rejects when that cannot be confirmed. */
  confirmHandedOver(): Promise<void>;
}

const LONE_NODE: NodeLink = { isUp: () => true, confirmHandedOver: () => Promise.resolve() };

/**
 * The one Socket.IO server of this process. It exists before the HTTP
 * server it is attached to, so that the push channel can be built (and
 * tested) independently of listening.
 */
@injectable()
export class SocketIoHub {
  readonly io: Server;
  private link: NodeLink = LONE_NODE;

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

  /** Extends every room emit and disconnect to the sockets of every node (ECB-SPEC §9). Call before any socket connects. */
  spanNodes(adapter: SocketIoAdapter, link: NodeLink): void {
    this.io.adapter(adapter);
    this.link = link;
  }

  /** True while a broadcast made now reaches every node. */
  canReachAllNodes(): boolean {
    return this.link.isUp();
  }

  /** Resolves once every broadcast made so far has been handed to every node. */
  handedToAllNodes(): Promise<void> {
    return this.link.confirmHandedOver();
  }
}
