import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import type Koa from 'koa';
import type { BackendGateway } from './application/ports/backend-gateway.js';
import type { PushChannel } from './application/ports/push-channel.js';
import { BackendCircuit, CIRCUIT_GAUGE_VALUE } from './adapters/backend/backend-circuit.js';
import { createKoaApp } from './adapters/http/koa-app.js';
import { KoaClientApi } from './adapters/http/koa-client-api.js';
import { KoaOperationsApi } from './adapters/http/koa-operations-api.js';
import { KoaServerApi } from './adapters/http/koa-server-api.js';
import { KoaUserRateLimit } from './adapters/http/koa-user-rate-limit.js';
import type { Readiness } from './adapters/http/readiness.js';
import type { InFlightOperations } from './adapters/in-flight-operations.js';
import type { Logger } from './adapters/observability/pino-logger.js';
import type { PromMetrics } from './adapters/observability/prom-metrics.js';
import type { OriginPolicy } from './adapters/origin-policy.js';
import type { RedisFanOut } from './adapters/socket/redis-fan-out.js';
import { closePollingSessionsOnOversize } from './adapters/socket/oversize-polling-guard.js';
import { SocketIoClientEvents } from './adapters/socket/socket-io-client-events.js';
import type { SocketIoHub } from './adapters/socket/socket-io-hub.js';
import type { EcbConfig } from './config.js';
import { buildContainer, type Overrides } from './container.js';
import { TOKENS } from './tokens.js';

export interface StartOptions {
  /** Replace any binding (tests swap adapters). */
  readonly overrides?: Overrides;
  /** Extra HTTP middleware mounted after ECB's routes (the demo page). */
  readonly extraMiddleware?: ReadonlyArray<Koa.Middleware>;
}

/** A running ECB node. */
export interface RunningEcb {
  /** http://host:port, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly container: Container;
  readonly httpServer: HttpServer;
  /**
   * Graceful stop: refuse new work, let in-flight operations finish within
   * the shutdown bound, then close every connection.
   */
  close(): Promise<void>;
}

/** Builds the container, mounts REST and Socket.IO on one port, and listens. */
export const startEcb = async (config: EcbConfig, options: StartOptions = {}): Promise<RunningEcb> => {
  const container = buildContainer(config, options.overrides);
  const logger = container.get<Logger>(TOKENS.Logger);
  const readiness = container.get<Readiness>(TOKENS.Readiness);
  const inFlight = container.get<InFlightOperations>(TOKENS.InFlight);
  const origins = container.get<OriginPolicy>(TOKENS.OriginPolicy);
  const hub = container.get<SocketIoHub>(TOKENS.SocketServer);
  // multi-node push (ECB-SPEC §9): the Redis adapter goes on before any socket can connect
  const fanOut = container.isBound(TOKENS.FanOut) ? await container.getAsync<RedisFanOut>(TOKENS.FanOut) : undefined;
  fanOut?.start();
  // backend health (docs/reliability.md#readiness): shown in /readyz and /metrics, but it does
  // not make /readyz fail, so that a dead backend does not take every node out of the LB at once
  const circuit = container.get(BackendCircuit);
  readiness.addCheck('backend', () => circuit.healthy(), { gating: false });
  container.get<PromMetrics>(TOKENS.Metrics).watchBackendCircuit(() => CIRCUIT_GAUGE_VALUE[circuit.position]);

  const app = createKoaApp({
    config,
    logger,
    origins,
    clientApi: container.get(KoaClientApi),
    serverApi: container.get(KoaServerApi),
    operationsApi: container.get(KoaOperationsApi),
    guards: [container.get(KoaUserRateLimit).middleware()],
    extra: options.extraMiddleware ?? [],
  });
  const httpServer = createServer(
    {
      // slowloris: a client must send its headers, and its body, in bounded time
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      keepAliveTimeout: config.httpKeepAliveTimeoutMs,
      // Node checks those two timeouts only this often (default 30 s), which would stretch them
      connectionsCheckingInterval: Math.min(1_000, config.httpHeadersTimeoutMs, config.httpRequestTimeoutMs),
    },
    app.callback(),
  );

  // A foreign browser origin is refused at the WebSocket handshake with 403
  // (engine.io itself would answer 400), before engine.io sees the upgrade.
  httpServer.on('upgrade', (request, socket) => {
    if (!origins.allows(request)) {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    }
  });
  hub.io.attach(httpServer, {
    allowRequest: (request, callback) => callback(origins.allows(request) ? null : 'origin not allowed', origins.allows(request)),
    cors: {
      origin: (origin, callback) => callback(null, origin !== undefined && origins.isCrossOriginAllowed(origin) ? origin : false),
      credentials: true,
    },
  });
  closePollingSessionsOnOversize(httpServer, hub.io);
  container.get(SocketIoClientEvents).install();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await fanOut?.close();
    throw error;
  });
  readiness.markListening();
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, blockNonMembers: config.blockNonMembers, redis: config.redisUrl !== undefined }, 'ECB listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      readiness.markStopping();
      httpServer.close();
      httpServer.closeIdleConnections();
      const finished = await inFlight.waitIdle(config.shutdownTimeoutMs);
      if (!finished) logger.warn({ inFlight: inFlight.size }, 'shutdown bound reached with operations in flight');
      // held `thread` events of large threads go out before the sockets close
      await closeQuietly(container.get<PushChannel>(TOKENS.PushChannel));
      await new Promise<void>((resolve) => {
        void hub.io.close(() => resolve());
      });
      await fanOut?.close();
      httpServer.closeAllConnections();
      await closeQuietly(container.get<BackendGateway>(TOKENS.BackendGateway));
      logger.info('ECB stopped');
    })());

  return { url, port, container, httpServer, close };
};

const closeQuietly = async (resource: unknown): Promise<void> => {
  const closable = resource as { close?: () => unknown };
  if (typeof closable.close === 'function') {
    try {
      await closable.close();
    } catch {
      // already closed: nothing left to release
    }
  }
};
