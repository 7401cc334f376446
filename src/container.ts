import 'reflect-metadata';
import { Container, type ResolutionContext } from 'inversify';
import { AuthenticateServer } from './application/authenticate-server.js';
import { AuthenticateUser } from './application/authenticate-user.js';
import type { ChatPolicy } from './application/chat-policy.js';
import { CreateThread } from './application/create-thread.js';
import { DisconnectUser } from './application/disconnect-user.js';
import { ExchangeAccessToken } from './application/exchange-access-token.js';
import { LeaveThread } from './application/leave-thread.js';
import { ListContacts } from './application/list-contacts.js';
import { ListThreads } from './application/list-threads.js';
import { OpenThread } from './application/open-thread.js';
import type { BackendGateway } from './application/ports/backend-gateway.js';
import type { Clock } from './application/ports/clock.js';
import type { PushChannel } from './application/ports/push-channel.js';
import type { TokenVerifier } from './application/ports/token-verifier.js';
import { PushStoredMessage } from './application/push-stored-message.js';
import { SendMessage } from './application/send-message.js';
import { CachingTokenVerifier } from './adapters/auth/caching-token-verifier.js';
import { JoseTokenVerifier } from './adapters/auth/jose-token-verifier.js';
import { BackendCircuit } from './adapters/backend/backend-circuit.js';
import { HttpBackendGateway } from './adapters/backend/http-backend-gateway.js';
import { KoaClientApi } from './adapters/http/koa-client-api.js';
import { KoaOperationsApi } from './adapters/http/koa-operations-api.js';
import { KoaServerApi } from './adapters/http/koa-server-api.js';
import { KoaUserRateLimit } from './adapters/http/koa-user-rate-limit.js';
import { Readiness } from './adapters/http/readiness.js';
import { InFlightOperations } from './adapters/in-flight-operations.js';
import { createLogger } from './adapters/observability/pino-logger.js';
import { PromMetrics } from './adapters/observability/prom-metrics.js';
import { OriginPolicy } from './adapters/origin-policy.js';
import { SocketIoClientEvents } from './adapters/socket/socket-io-client-events.js';
import { SocketIoHub } from './adapters/socket/socket-io-hub.js';
import { redisSettingsOf } from './adapters/socket/redis-settings.js';
import { ConflatingPushChannel } from './adapters/socket/conflating-push-channel.js';
import { SocketIoPushChannel } from './adapters/socket/socket-io-push-channel.js';
import { SystemClock } from './adapters/system-clock.js';
import type { EcbConfig } from './config.js';
import { TOKENS } from './tokens.js';

/** Any binding may be replaced, by token name: tests swap adapters for fakes. */
export type Overrides = Partial<Record<keyof typeof TOKENS, unknown>>;

/**
 * THE composition root: the only place that knows every concrete adapter
 * and binds the ports to them. Use-cases are built by factories, so the
 * core carries no framework decorators.
 */
export const buildContainer = (config: EcbConfig, overrides: Overrides = {}): Container => {
  const container = new Container({ defaultScope: 'Singleton' });
  const policy: ChatPolicy = {
    blockNonMembers: config.blockNonMembers,
    maxMessageBytes: config.maxMessageBytes,
    maxMessageDepth: config.maxMessageDepth,
  };

  // settings and cross-cutting services
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.ChatPolicy).toConstantValue(policy);
  container.bind(TOKENS.Logger).toConstantValue(createLogger(config.logLevel));
  container.bind(TOKENS.Metrics).toConstantValue(new PromMetrics({ eventLoopResolutionMs: config.metricsEventLoopResolutionMs }));
  container.bind(TOKENS.InFlight).toConstantValue(new InFlightOperations());
  container.bind(TOKENS.Readiness).toConstantValue(new Readiness());
  container.bind(TOKENS.OriginPolicy).toConstantValue(new OriginPolicy(config.corsOrigins));

  // ports
  container.bind<Clock>(TOKENS.Clock).toConstantValue(new SystemClock());
  container.bind(JoseTokenVerifier).toSelf();
  container
    .bind<TokenVerifier>(TOKENS.TokenVerifier)
    .toDynamicValue(
      (ctx) => new CachingTokenVerifier(ctx.get(JoseTokenVerifier), ctx.get<Clock>(TOKENS.Clock), config.tokenCacheSize),
    );
  // the node's one circuit breaker for backend calls; server.ts reports it in /readyz and /metrics
  container.bind(BackendCircuit).toConstantValue(new BackendCircuit(config));
  container.bind<BackendGateway>(TOKENS.BackendGateway).to(HttpBackendGateway);
  container.bind(TOKENS.SocketServer).to(SocketIoHub);
  container.bind(SocketIoPushChannel).toSelf();
  // `thread` events of large threads are conflated (docs/scaling.md#large-threads); server.ts flushes it on close
  container
    .bind<PushChannel>(TOKENS.PushChannel)
    .toDynamicValue((ctx) => new ConflatingPushChannel(ctx.get(SocketIoPushChannel), config.threadEvents));
  // multi-node push (ECB-SPEC §9): only with a Redis URL; server.ts resolves (container.getAsync),
  // starts and closes it. Its module, with the Redis client and the Socket.IO Redis adapter, is
  // loaded only then: a single node never loads them (about 2.5 MB of heap; docs/scaling.md)
  const redisUrl = config.redisUrl;
  if (redisUrl !== undefined) {
    container.bind(TOKENS.FanOut).toDynamicValue(async (ctx) => {
      const { RedisFanOut } = await import('./adapters/socket/redis-fan-out.js');
      return new RedisFanOut(
        redisSettingsOf(config, redisUrl),
        ctx.get(TOKENS.SocketServer),
        ctx.get(TOKENS.Readiness),
        ctx.get(TOKENS.Logger),
        ctx.get(TOKENS.Metrics),
      );
    });
  }

  // use-cases
  const tokens = (ctx: ResolutionContext): TokenVerifier => ctx.get<TokenVerifier>(TOKENS.TokenVerifier);
  const backend = (ctx: ResolutionContext): BackendGateway => ctx.get<BackendGateway>(TOKENS.BackendGateway);
  const push = (ctx: ResolutionContext): PushChannel => ctx.get<PushChannel>(TOKENS.PushChannel);
  container.bind(TOKENS.AuthenticateUser).toDynamicValue((ctx) => new AuthenticateUser(tokens(ctx)));
  container.bind(TOKENS.AuthenticateServer).toDynamicValue((ctx) => new AuthenticateServer(tokens(ctx)));
  container
    .bind(TOKENS.ExchangeAccessToken)
    .toDynamicValue((ctx) => new ExchangeAccessToken(backend(ctx), tokens(ctx)));
  container.bind(TOKENS.ListContacts).toDynamicValue((ctx) => new ListContacts(backend(ctx)));
  container.bind(TOKENS.ListThreads).toDynamicValue((ctx) => new ListThreads(backend(ctx)));
  container.bind(TOKENS.CreateThread).toDynamicValue((ctx) => new CreateThread(backend(ctx), push(ctx), policy));
  container
    .bind(TOKENS.OpenThread)
    .toDynamicValue((ctx) => new OpenThread(tokens(ctx), backend(ctx), push(ctx), policy));
  container.bind(TOKENS.LeaveThread).toDynamicValue((ctx) => new LeaveThread(tokens(ctx), push(ctx)));
  container
    .bind(TOKENS.SendMessage)
    .toDynamicValue((ctx) => new SendMessage(tokens(ctx), backend(ctx), push(ctx), policy, ctx.get<Clock>(TOKENS.Clock)));
  container.bind(TOKENS.PushStoredMessage).toDynamicValue((ctx) => new PushStoredMessage(push(ctx)));
  container.bind(TOKENS.DisconnectUser).toDynamicValue((ctx) => new DisconnectUser(push(ctx)));

  // inbound adapters
  container.bind(SocketIoClientEvents).toSelf();
  container.bind(KoaClientApi).toSelf();
  container.bind(KoaServerApi).toSelf();
  container.bind(KoaOperationsApi).toSelf();
  container.bind(KoaUserRateLimit).toSelf();

  for (const [name, value] of Object.entries(overrides)) {
    const token = TOKENS[name as keyof typeof TOKENS];
    container.unbind(token);
    container.bind(token).toConstantValue(value);
  }
  return container;
};
