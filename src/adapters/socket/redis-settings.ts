import type { EcbConfig } from '../../config.js';

/** How ECB talks to Redis for multi-node push (ECB-SPEC §9). Every limit is named here. */
export interface RedisFanOutSettings {
  /** `redis:` or `rediss:` URL, possibly with credentials (never logged). */
  readonly url: string;
  /**
   * Prefix of every Pub/Sub channel. Nodes hear each other only when they
   * share it, so several ECB deployments (or test runs) can share one Redis.
   */
  readonly channelPrefix: string;
  /** First reconnect delay; it doubles per failed attempt... */
  readonly reconnectMinDelayMs: number;
  /** ...up to this, so a node notices a returned Redis within this bound. */
  readonly reconnectMaxDelayMs: number;
  /** Random extra delay, as a fraction of the delay, so nodes do not reconnect in lockstep. */
  readonly reconnectJitter: number;
  /** Gives up on opening a TCP connection after this; the next attempt follows the backoff. */
  readonly connectTimeoutMs: number;
  /** How long a revocation waits for Redis to confirm it was published. */
  readonly confirmTimeoutMs: number;
  /** How long shutdown waits for Redis to answer what is pending before dropping it. */
  readonly closeTimeoutMs: number;
}

export const REDIS_FAN_OUT_DEFAULTS: Omit<RedisFanOutSettings, 'url' | 'channelPrefix'> = {
  reconnectMinDelayMs: 100,
  reconnectMaxDelayMs: 2_000,
  reconnectJitter: 0.2,
  connectTimeoutMs: 5_000,
  confirmTimeoutMs: 2_000,
  closeTimeoutMs: 2_000,
};

/** The settings for a configured Redis (ECB_REDIS_URL, ECB_REDIS_CHANNEL_PREFIX; docs/scaling.md). */
export const redisSettingsOf = (config: EcbConfig, url: string): RedisFanOutSettings => ({
  ...REDIS_FAN_OUT_DEFAULTS,
  url,
  channelPrefix: config.redisChannelPrefix,
});

/**
 * Exponential backoff with jitter: min * 2^retries, capped at max, plus up
 * to `jitter` of itself. Never gives up: Redis may come back at any time.
 */
export const reconnectDelay = (
  retries: number,
  settings: Pick<RedisFanOutSettings, 'reconnectMinDelayMs' | 'reconnectMaxDelayMs' | 'reconnectJitter'>,
  random: () => number = Math.random,
): number => {
  const base = Math.min(settings.reconnectMinDelayMs * 2 ** Math.min(retries, 30), settings.reconnectMaxDelayMs);
  return Math.round(base * (1 + settings.reconnectJitter * random()));
};

/** `host:port` of a Redis URL, for logs: no user name, password or database. */
export const redisAddressOf = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
  } catch {
    return 'an unparseable Redis URL';
  }
};
