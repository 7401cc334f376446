import { createClient } from '@redis/client';
import { createAdapter } from '@socket.io/redis-adapter';
import { Counter, Gauge } from 'prom-client';
import type { Readiness } from '../http/readiness.js';
import { describeCause } from '../observability/describe-cause.js';
import type { Logger } from '../observability/pino-logger.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { guardRejections } from './redis-rejection-guard.js';
import { reconnectDelay, redisAddressOf, type RedisFanOutSettings } from './redis-settings.js';
import type { NodeLink, SocketIoHub } from './socket-io-hub.js';

type RedisClient = ReturnType<typeof createClient>;
type Role = 'publisher' | 'subscriber';

/**
 * Multi-node push (ECB-SPEC §9, ADR 0006): the Socket.IO Redis adapter
 * (classic Pub/Sub) on the hub, so that every room emit and disconnect
 * reaches the sockets of every node.
 *
 * While Redis is unreachable the node keeps serving its own sockets: pushes
 * reach local sockets only, a failed publish is counted and dropped (never
 * queued, never thrown), `/readyz` answers 503, and both clients reconnect
 * with capped exponential backoff for as long as it takes. Start-up does not
 * wait for Redis.
 *
 * Not decorated for injection: the composition root builds it with `new`,
 * and only when a Redis URL is configured.
 */
export class RedisFanOut implements NodeLink {
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  /** The publisher as the adapter sees it: no command failure goes unhandled. */
  private readonly guardedPublisher: RedisClient;
  /** Redis has confirmed the adapter's subscriptions (resubscription after a reconnect precedes `ready`). */
  private subscribed = false;
  private closing = false;
  private wasUp = false;
  private troubleLogged = false;
  private droppedPublishes = 0;
  private readonly publishFailures: Counter;
  private readonly connectedGauge: Gauge;

  constructor(
    private readonly settings: RedisFanOutSettings,
    private readonly hub: SocketIoHub,
    private readonly readiness: Readiness,
    private readonly logger: Logger,
    metrics: PromMetrics,
  ) {
    const options = {
      url: settings.url,
      socket: {
        connectTimeout: settings.connectTimeoutMs,
        reconnectStrategy: (retries: number): number => reconnectDelay(retries, settings),
      },
    };
    // A publish fails at once while Redis is away instead of waiting in an
    // unbounded queue to be replayed late: pushes are at most once (ADR 0006).
    this.publisher = createClient({ ...options, disableOfflineQueue: true });
    // The subscriber keeps its queue, so that its SUBSCRIBE waits for the first connection.
    this.subscriber = createClient(options);
    this.guardedPublisher = guardRejections(this.publisher, (command, cause) => this.onCommandFailed('publisher', command, cause));
    this.connectedGauge = new Gauge({
      name: 'ecb_redis_connected',
      help: '1 while this node reaches the other nodes through Redis, else 0',
      registers: [metrics.registry],
    });
    this.connectedGauge.set(0);
    this.publishFailures = new Counter({
      name: 'ecb_redis_publish_failures_total',
      help: 'Pushes that reached only the sockets of this node because Redis was unreachable',
      registers: [metrics.registry],
    });
    this.watch('publisher', this.publisher);
    this.watch('subscriber', this.subscriber);
  }

  /**
   * Installs the adapter on the hub, registers the `redis` readiness check,
   * and connects in the background. Call before the first socket connects.
   */
  start(): void {
    const key = this.settings.channelPrefix;
    const guardedSubscriber = guardRejections(this.subscriber, (command, cause) =>
      this.onCommandFailed('subscriber', command, cause),
    );
    this.hub.spanNodes(createAdapter(this.guardedPublisher, guardedSubscriber, { key }), this);
    this.readiness.addCheck('redis', () => this.isUp());

    // Queued behind the adapter's own SUBSCRIBE/PSUBSCRIBE on the same
    // connection: once Redis confirms this one, it has confirmed theirs.
    this.subscriber.subscribe(`${key}-ready#`, () => undefined).then(
      () => {
        this.subscribed = true;
        this.onChange();
      },
      (cause: unknown) => {
        if (this.closing) return;
        this.logger.error(
          { redis: redisAddressOf(this.settings.url), cause: describeCause(cause) },
          'Redis subscription failed at start-up: this node stays not ready; restart it',
        );
      },
    );
    // connect() retries by the reconnect strategy until Redis answers; each failure is an 'error' event.
    for (const client of [this.publisher, this.subscriber]) client.connect().catch(() => undefined);
    this.logger.info({ redis: redisAddressOf(this.settings.url), channelPrefix: key }, 'connecting to Redis for multi-node push');
  }

  isUp(): boolean {
    return !this.closing && this.subscribed && this.publisher.isReady && this.subscriber.isReady;
  }

  /**
   * Redis answers one connection's commands in order: once this PING is
   * answered, every PUBLISH sent before it has been delivered to every
   * subscribed node.
   */
  async confirmHandedOver(): Promise<void> {
    if (!this.isUp()) throw new Error('Redis is not connected');
    await withTimeout(this.guardedPublisher.ping(), this.settings.confirmTimeoutMs);
  }

  /** Quits both clients; what Redis does not answer within the close bound is dropped. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.connectedGauge.set(0);
    await Promise.all([this.quit(this.publisher), this.quit(this.subscriber)]);
  }

  private async quit(client: RedisClient): Promise<void> {
    if (!client.isOpen) return;
    try {
      // Not connected: nothing queued will ever be answered, so drop it now.
      if (!client.isReady) return client.destroy();
      const closed = await withTimeout(client.close().then(() => true), this.settings.closeTimeoutMs).catch(() => false);
      if (!closed) this.logger.warn({ redis: redisAddressOf(this.settings.url) }, 'Redis did not answer at shutdown; connection dropped');
    } catch {
      // already closed
    }
  }

  private watch(role: Role, client: RedisClient): void {
    // Without an 'error' listener an EventEmitter throws, which would end the process.
    client.on('error', (cause: unknown) => this.onTrouble(role, cause));
    client.on('ready', () => this.onChange());
    client.on('end', () => this.onChange());
  }

  private onTrouble(role: Role, cause: unknown): void {
    this.onChange();
    if (this.closing) return;
    const fields = { redis: redisAddressOf(this.settings.url), role, cause: describeCause(cause) };
    if (this.troubleLogged) {
      this.logger.debug(fields, 'Redis still unreachable; retrying');
      return;
    }
    this.troubleLogged = true;
    this.logger.warn(fields, "Redis unreachable: pushes reach this node's own sockets only until it returns; retrying");
  }

  private onCommandFailed(role: Role, command: string, cause: unknown): void {
    if (this.closing) return;
    if (command === 'publish') {
      this.droppedPublishes += 1;
      this.publishFailures.inc();
    }
    this.logger.debug({ role, command, cause: describeCause(cause) }, 'Redis command failed');
  }

  /** Logs each transition between reaching every node and reaching only this one. */
  private onChange(): void {
    const up = this.isUp();
    this.connectedGauge.set(up ? 1 : 0);
    if (up === this.wasUp || this.closing) return;
    this.wasUp = up;
    if (up) {
      this.logger.info(
        { redis: redisAddressOf(this.settings.url), droppedPublishes: this.droppedPublishes },
        'Redis connected: pushes reach every node',
      );
      this.droppedPublishes = 0;
      this.troubleLogged = false;
    }
  }
}

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
};
