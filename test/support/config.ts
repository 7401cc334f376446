import {
  DEFAULT_ABUSE_LIMITS,
  DEFAULT_BACKEND_GUARDS,
  DEFAULT_EVENT_LOOP_RESOLUTION_MS,
  DEFAULT_THREAD_EVENTS,
  type EcbConfig,
} from '../../src/config.js';
import { testKeys } from './keys.js';

/**
 * A complete EcbConfig for tests: the spec's defaults, a backend nobody
 * listens on, and the shared test key pair's public key. Override exactly
 * what a test cares about.
 */
export const aConfig = async (overrides: Partial<EcbConfig> = {}): Promise<EcbConfig> => ({
  port: 0,
  host: '127.0.0.1',
  backendUrl: 'http://127.0.0.1:1',
  keys: { kind: 'pem', pem: (await testKeys()).publicPem },
  blockNonMembers: true,
  backendTimeoutMs: 5_000,
  backendApiKey: undefined,
  backendClient: 'undici',
  corsOrigins: [],
  redisUrl: undefined,
  redisChannelPrefix: 'ecb',
  maxMessageBytes: 65_536,
  maxMessageDepth: 64,
  jwtIssuer: undefined,
  jwtAudience: undefined,
  logLevel: 'silent',
  maxTokenBytes: 8_192,
  clockToleranceSeconds: 30,
  tokenCacheSize: 10_000,
  maxRequestBytes: 1_048_576,
  connectTimeoutMs: 10_000,
  shutdownTimeoutMs: 10_000,
  ...DEFAULT_BACKEND_GUARDS,
  ...DEFAULT_ABUSE_LIMITS,
  ...DEFAULT_THREAD_EVENTS,
  metricsEventLoopResolutionMs: DEFAULT_EVENT_LOOP_RESOLUTION_MS,
  ...overrides,
});
