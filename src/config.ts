import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BACKEND_URL_RULE, Flag, Matching, OneOf, REDIS_URL_RULE, UrlWith, WholeNumber } from './config-codecs.js';
import { DEFAULT_MAX_MESSAGE_DEPTH } from './domain/message.js';

/** Where the keys that verify every token come from (exactly one source). */
export type KeySource =
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'jwks'; readonly url: string };

/** Everything ECB can be told, decoded and checked once at start-up. */
export interface EcbConfig {
  readonly port: number;
  readonly host: string;
  readonly backendUrl: string;
  readonly keys: KeySource;
  readonly blockNonMembers: boolean;
  readonly backendTimeoutMs: number;
  readonly backendApiKey: string | undefined;
  /** The HTTP client of backend calls: undici's Pool (leanest) or ky. */
  readonly backendClient: 'undici' | 'ky';
  /** Allowed browser origins besides ECB's own; empty = same origin only. */
  readonly corsOrigins: readonly string[];
  readonly redisUrl: string | undefined;
  /** Prefix of ECB's Redis Pub/Sub channels; nodes hear each other only when they share it. */
  readonly redisChannelPrefix: string;
  readonly maxMessageBytes: number;
  /** How deep a message's data may nest (ECB_MAX_MESSAGE_DEPTH). */
  readonly maxMessageDepth: number;
  readonly jwtIssuer: string | undefined;
  readonly jwtAudience: string | undefined;
  readonly logLevel: LogLevel;
  /** Tokens longer than this are refused before any cryptography (spec: 8 KiB). */
  readonly maxTokenBytes: number;
  /** Tolerance for exp/nbf/iat, seconds (spec: 30). */
  readonly clockToleranceSeconds: number;
  /** How many verified user and thread tokens are remembered until they expire. */
  readonly tokenCacheSize: number;
  /** Largest Socket.IO packet or REST body, bytes. */
  readonly maxRequestBytes: number;
  /** How long a connection may take to authenticate, ms. */
  readonly connectTimeoutMs: number;
  /** How long in-flight operations get to finish on SIGTERM, ms. */
  readonly shutdownTimeoutMs: number;
  /** Consecutive BACKEND_UNAVAILABLE backend calls that open the circuit breaker. */
  readonly backendBreakerThreshold: number;
  /** How long an open circuit fails fast before one trial call, ms. */
  readonly backendBreakerCooldownMs: number;
  /** Most backend calls in flight on this node; more get BACKEND_UNAVAILABLE at once. */
  readonly backendMaxConcurrency: number;
  /** Calls waiting for one of those places (each within its own deadline); one more is refused. */
  readonly backendMaxQueued: number;
  /** Event and request rates per connection and per user (ECB_RATE_*). */
  readonly rateLimits: RateLimits;
  /** Sockets one user may hold open on this node; 0 = no cap. */
  readonly maxConnectionsPerUser: number;
  /** Refused or pending handshakes one transport connection may make before it is closed. */
  readonly maxHandshakeFailures: number;
  /** Slowloris guards of the HTTP server, ms: headers, whole request, idle keep-alive. */
  readonly httpHeadersTimeoutMs: number;
  readonly httpRequestTimeoutMs: number;
  readonly httpKeepAliveTimeoutMs: number;
  /** How `thread` events of large threads are conflated (ECB_THREAD_EVENT_*). */
  readonly threadEvents: ThreadEventSettings;
  /**
   * How often the event-loop delay histogram of /metrics samples, ms: each
   * sample is a timer that wakes an idle process (docs/benchmarks.md, finding 9).
   */
  readonly metricsEventLoopResolutionMs: number;
}

/**
 * `thread` events are state: a client needs only a thread's latest version.
 * For a thread with more than `largeThreadMembers` members, ECB pushes the
 * first change at once and then at most one `thread` event (the latest
 * version) per interval; `intervalMs` 0 pushes every change. The interval
 * is at least `intervalMs`, long enough that the thread's `thread` events
 * (the event's size times its members) stay within `bytesPerSecond` (0: no
 * budget), and at most `maxIntervalMs`.
 */
export interface ThreadEventSettings {
  readonly largeThreadMembers: number;
  readonly intervalMs: number;
  readonly bytesPerSecond: number;
  readonly maxIntervalMs: number;
}

/** A token bucket: `perSecond` refill (0 = unlimited), `burst` capacity. */
export interface RateSetting {
  readonly perSecond: number;
  readonly burst: number;
}

/** One kind of event, limited on each connection and across all of a user's connections. */
export interface ScopedRates {
  readonly perConnection: RateSetting;
  readonly perUser: RateSetting;
}

export interface RateLimits {
  /** sendMessage other than typing. */
  readonly messages: ScopedRates;
  /** sendMessage of type typing. */
  readonly typing: ScopedRates;
  /** every other event. */
  readonly other: ScopedRates;
  /** client REST requests, per user. */
  readonly restPerUser: RateSetting;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A bad or missing setting: one line that names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const text = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/**
 * Decodes one variable with its codec; a bad value stops start-up with one
 * line naming it, the value quoted as `shown` gives it (a URL's credentials
 * are not repeated: the line goes to a terminal or a log).
 */
const decoded = <A>(env: Env, name: string, codec: t.Type<A, string, unknown>, shown: (raw: string) => string = (raw) => raw): A | undefined => {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const result = codec.decode(raw);
  if (E.isLeft(result)) throw new ConfigError(name, `must be ${codec.name}, got "${shown(raw)}"`);
  return result.right;
};

/** A URL as an error may quote it: whatever precedes the last `@` of its authority (user and password) masked. */
const withoutCredentials = (raw: string): string => raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');

const integer = (env: Env, name: string, fallback: number, min: number, max: number): number =>
  decoded(env, name, WholeNumber(min, max)) ?? fallback;

const boolean = (env: Env, name: string, fallback: boolean): boolean => decoded(env, name, Flag) ?? fallback;

const url = (env: Env, name: string, protocols: readonly string[], rule?: Parameters<typeof UrlWith>[1]): string | undefined =>
  decoded(env, name, UrlWith(protocols, rule), withoutCredentials);

// SPKI, or PKCS#1 (what .NET's RSA.ExportRSAPublicKeyPem and `openssl rsa -RSAPublicKey_out` write): both are
// read by Node and given to the verifier as SPKI
const PEM_PUBLIC_KEY = /-----BEGIN (RSA )?PUBLIC KEY-----[\s\S]+-----END \1PUBLIC KEY-----/;

const keySource = (env: Env): KeySource => {
  const file = text(env, 'ECB_PUBLIC_KEY_FILE');
  const inline = text(env, 'ECB_PUBLIC_KEY');
  const jwks = url(env, 'ECB_JWKS_URL', ['http:', 'https:']);
  const given = [file, inline, jwks].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ConfigError(
      'ECB_PUBLIC_KEY_FILE',
      given === 0
        ? 'set exactly one of ECB_PUBLIC_KEY_FILE, ECB_PUBLIC_KEY or ECB_JWKS_URL'
        : 'set only one of ECB_PUBLIC_KEY_FILE, ECB_PUBLIC_KEY and ECB_JWKS_URL',
    );
  }
  if (jwks !== undefined) return { kind: 'jwks', url: jwks };
  let pem: string;
  if (file !== undefined) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError('ECB_PUBLIC_KEY_FILE', `cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    pem = (inline as string).replace(/\\n/g, '\n');
  }
  const name = file !== undefined ? 'ECB_PUBLIC_KEY_FILE' : 'ECB_PUBLIC_KEY';
  if (!PEM_PUBLIC_KEY.test(pem)) {
    throw new ConfigError(name, 'must be a PEM public key ("-----BEGIN PUBLIC KEY-----", or PKCS#1 "-----BEGIN RSA PUBLIC KEY-----")');
  }
  return { kind: 'pem', pem: rs256PublicKey(name, pem) };
};

/** jose refuses to verify RS256 with a smaller RSA key. */
const MIN_RSA_BITS = 2048;

/**
 * The key is imported only when the first token arrives: a key that can
 * never verify RS256 would start fine and then fail every request, so it
 * is read here instead and stops start-up. What comes back is the key as
 * Node re-exports it, since Node reads PEM files (text before the BEGIN
 * line) that jose's importer refuses.
 */
const rs256PublicKey = (name: string, pem: string): string => {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new ConfigError(name, 'not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(name, `not an RSA public key (${key.asymmetricKeyType ?? 'unknown type'}); RS256 needs RSA`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new ConfigError(name, `RSA key of ${bits} bits; RS256 needs at least ${MIN_RSA_BITS}`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
};

const origins = (env: Env): string[] => {
  const raw = text(env, 'ECB_CORS_ORIGINS');
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    if (origin === '*') return origin;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('ECB_CORS_ORIGINS', `"${origin}" is not an origin like https://chat.example.com`);
    }
    if (parsed.origin !== origin.replace(/\/+$/, '')) {
      throw new ConfigError('ECB_CORS_ORIGINS', `"${origin}" is not an origin like https://chat.example.com`);
    }
    return parsed.origin;
  });
};

const backendClient = (env: Env): 'undici' | 'ky' => decoded(env, 'ECB_BACKEND_CLIENT', OneOf(['undici', 'ky'])) ?? 'undici';

const channelPrefix = (env: Env): string =>
  decoded(env, 'ECB_REDIS_CHANNEL_PREFIX', Matching(/^[A-Za-z0-9._:-]{1,64}$/, '1 to 64 letters, digits or . _ : -')) ?? 'ecb';

const logLevel = (env: Env): LogLevel => decoded(env, 'ECB_LOG_LEVEL', OneOf(LOG_LEVELS)) ?? 'info';

const rate = (env: Env, name: string, perSecond: number, burst: number): RateSetting => ({
  perSecond: integer(env, name, perSecond, 0, 1_000_000),
  burst: integer(env, `${name}_BURST`, burst, 1, 1_000_000),
});

type AbuseLimits = Pick<
  EcbConfig,
  | 'rateLimits'
  | 'maxConnectionsPerUser'
  | 'maxHandshakeFailures'
  | 'httpHeadersTimeoutMs'
  | 'httpRequestTimeoutMs'
  | 'httpKeepAliveTimeoutMs'
>;

/** The limits against floods and slow clients (docs/security.md#rate-limits-and-connection-caps). */
const abuseLimits = (env: Env): AbuseLimits => {
  const limits = abuseLimitsUnchecked(env);
  if (limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs) {
    // Node refuses to start an HTTP server with these the other way round
    throw new ConfigError('ECB_HTTP_HEADERS_TIMEOUT_MS', 'must not be larger than ECB_HTTP_REQUEST_TIMEOUT_MS');
  }
  return limits;
};

const abuseLimitsUnchecked = (env: Env): AbuseLimits => ({
  rateLimits: {
    messages: {
      perConnection: rate(env, 'ECB_RATE_MESSAGES_PER_CONNECTION', 50, 200),
      perUser: rate(env, 'ECB_RATE_MESSAGES_PER_USER', 100, 400),
    },
    typing: {
      perConnection: rate(env, 'ECB_RATE_TYPING_PER_CONNECTION', 10, 20),
      perUser: rate(env, 'ECB_RATE_TYPING_PER_USER', 20, 40),
    },
    other: {
      perConnection: rate(env, 'ECB_RATE_OTHER_PER_CONNECTION', 50, 200),
      perUser: rate(env, 'ECB_RATE_OTHER_PER_USER', 100, 400),
    },
    restPerUser: rate(env, 'ECB_RATE_REST_PER_USER', 100, 400),
  },
  maxConnectionsPerUser: integer(env, 'ECB_MAX_CONNECTIONS_PER_USER', 50, 0, 1_000_000),
  maxHandshakeFailures: integer(env, 'ECB_MAX_HANDSHAKE_FAILURES', 5, 1, 1_000),
  httpHeadersTimeoutMs: integer(env, 'ECB_HTTP_HEADERS_TIMEOUT_MS', 15_000, 100, 600_000),
  httpRequestTimeoutMs: integer(env, 'ECB_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
  httpKeepAliveTimeoutMs: integer(env, 'ECB_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
});

/** The defaults of every abuse limit, for callers that build an EcbConfig by hand (tests). */
export const DEFAULT_ABUSE_LIMITS: AbuseLimits = abuseLimits({});

type BackendGuards = Pick<
  EcbConfig,
  'backendBreakerThreshold' | 'backendBreakerCooldownMs' | 'backendMaxConcurrency' | 'backendMaxQueued'
>;

/** The circuit breaker and in-flight cap around backend calls (docs/reliability.md). */
const backendGuards = (env: Env): BackendGuards => ({
  backendBreakerThreshold: integer(env, 'ECB_BACKEND_BREAKER_THRESHOLD', 100, 1, 1_000),
  backendBreakerCooldownMs: integer(env, 'ECB_BACKEND_BREAKER_COOLDOWN_MS', 10_000, 1, 600_000),
  backendMaxConcurrency: integer(env, 'ECB_BACKEND_MAX_CONCURRENCY', 512, 1, 100_000),
  backendMaxQueued: integer(env, 'ECB_BACKEND_MAX_QUEUED', 4_096, 0, 1_000_000),
});

/** The defaults of the backend guards, for callers that build an EcbConfig by hand (tests). */
export const DEFAULT_BACKEND_GUARDS: BackendGuards = backendGuards({});

const threadEvents = (env: Env): Pick<EcbConfig, 'threadEvents'> => {
  const settings: ThreadEventSettings = {
    largeThreadMembers: integer(env, 'ECB_THREAD_EVENT_LARGE_THREAD_MEMBERS', 50, 0, 1_000_000),
    intervalMs: integer(env, 'ECB_THREAD_EVENT_INTERVAL_MS', 1_000, 0, 60_000),
    // 8 MB/s: a 1,000-member thread (~23 KB events) is pushed every ~3 s (docs/scaling.md#large-threads)
    bytesPerSecond: integer(env, 'ECB_THREAD_EVENT_BYTES_PER_SECOND', 8_000_000, 0, 1_000_000_000_000),
    maxIntervalMs: integer(env, 'ECB_THREAD_EVENT_MAX_INTERVAL_MS', 60_000, 0, 3_600_000),
  };
  if (settings.maxIntervalMs < settings.intervalMs) {
    throw new ConfigError('ECB_THREAD_EVENT_MAX_INTERVAL_MS', 'must not be smaller than ECB_THREAD_EVENT_INTERVAL_MS');
  }
  return { threadEvents: settings };
};

/** The default conflation of `thread` events, for callers that build an EcbConfig by hand (tests). */
export const DEFAULT_THREAD_EVENTS: Pick<EcbConfig, 'threadEvents'> = threadEvents({});

/**
 * The event-loop delay histogram's sampling interval, ms. prom-client's own
 * default (10 ms) wakes an idle node 100 times a second; at 50 ms the
 * histogram still sees every stall longer than 50 ms, and a shorter one in
 * proportion to its length.
 */
export const DEFAULT_EVENT_LOOP_RESOLUTION_MS = 50;

/**
 * Reads ECB's settings from the environment (ECB-SPEC §7). Throws a
 * ConfigError naming the first bad or missing setting.
 */
export const loadConfig = (env: Env = process.env): EcbConfig => {
  const backendUrl = url(env, 'ECB_BACKEND_URL', ['http:', 'https:'], BACKEND_URL_RULE);
  if (backendUrl === undefined) throw new ConfigError('ECB_BACKEND_URL', 'is required (the base URL of your backend)');
  const maxMessageBytes = integer(env, 'ECB_MAX_MESSAGE_BYTES', 65_536, 1, 16 * 1024 * 1024);
  return {
    port: integer(env, 'ECB_PORT', 8080, 0, 65_535),
    host: text(env, 'ECB_HOST') ?? '0.0.0.0',
    backendUrl,
    keys: keySource(env),
    blockNonMembers: boolean(env, 'ECB_BLOCK_NON_MEMBERS', true),
    backendTimeoutMs: integer(env, 'ECB_BACKEND_TIMEOUT_MS', 5_000, 1, 600_000),
    // a header value: visible ASCII and inner spaces; a secret, so a bad one is not quoted
    backendApiKey: decoded(env, 'ECB_BACKEND_API_KEY', Matching(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'visible ASCII characters (it is sent as the X-ECB-Key header)'), () => '(not shown)'),
    backendClient: backendClient(env),
    corsOrigins: origins(env),
    redisUrl: url(env, 'ECB_REDIS_URL', ['redis:', 'rediss:'], REDIS_URL_RULE),
    redisChannelPrefix: channelPrefix(env),
    maxMessageBytes,
    maxMessageDepth: integer(env, 'ECB_MAX_MESSAGE_DEPTH', DEFAULT_MAX_MESSAGE_DEPTH, 1, 10_000),
    jwtIssuer: text(env, 'ECB_JWT_ISSUER'),
    jwtAudience: text(env, 'ECB_JWT_AUDIENCE'),
    logLevel: logLevel(env),
    maxTokenBytes: 8_192,
    clockToleranceSeconds: 30,
    tokenCacheSize: integer(env, 'ECB_TOKEN_CACHE_SIZE', 10_000, 0, 10_000_000),
    // room for the largest message plus its thread token and envelope
    maxRequestBytes: integer(env, 'ECB_MAX_REQUEST_BYTES', Math.max(1_048_576, maxMessageBytes + 65_536), 1_024, 64 * 1024 * 1024),
    connectTimeoutMs: integer(env, 'ECB_CONNECT_TIMEOUT_MS', 10_000, 100, 600_000),
    shutdownTimeoutMs: integer(env, 'ECB_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    ...backendGuards(env),
    ...abuseLimits(env),
    ...threadEvents(env),
    metricsEventLoopResolutionMs: integer(env, 'ECB_METRICS_EVENT_LOOP_RESOLUTION_MS', DEFAULT_EVENT_LOOP_RESOLUTION_MS, 1, 60_000),
  };
};
