import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSPKI } from 'jose';
import { ConfigError, loadConfig } from '../../src/config.js';
import { testKeys } from '../support/keys.js';

describe('loadConfig (ECB-SPEC §7)', () => {
  let pem: string;
  before(async () => {
    pem = (await testKeys()).publicPem;
  });
  const minimal = (): Record<string, string> => ({ ECB_BACKEND_URL: 'http://backend.internal/ecb/', ECB_PUBLIC_KEY: pem });

  const failure = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return error as ConfigError;
    }
    return expect.fail('expected a ConfigError');
  };

  it('applies the spec defaults', () => {
    const config = loadConfig(minimal());
    expect(config).to.include({
      port: 8080,
      host: '0.0.0.0',
      backendUrl: 'http://backend.internal/ecb',
      blockNonMembers: true,
      backendTimeoutMs: 5000,
      maxMessageBytes: 65536,
      maxMessageDepth: 64,
      logLevel: 'info',
      backendClient: 'undici',
      redisChannelPrefix: 'ecb',
    });
    expect(config.corsOrigins).to.deep.equal([]);
    expect(config.redisUrl).to.equal(undefined);
  });

  it('accepts ECB_PUBLIC_KEY with \\n escapes', () => {
    const config = loadConfig({ ...minimal(), ECB_PUBLIC_KEY: pem.replace(/\n/g, '\\n') });
    expect(config.keys).to.deep.equal({ kind: 'pem', pem: pem.trim() + '\n' });
  });

  it('decodes flags, numbers, words and URLs', () => {
    const config = loadConfig({
      ...minimal(),
      ECB_BLOCK_NON_MEMBERS: 'off',
      ECB_PORT: '0',
      ECB_LOG_LEVEL: 'DEBUG',
      ECB_BACKEND_CLIENT: 'ky',
      ECB_REDIS_URL: 'redis://127.0.0.1:6379',
      ECB_CORS_ORIGINS: 'https://chat.example.com, http://localhost:3000',
    });
    expect(config).to.include({ blockNonMembers: false, port: 0, logLevel: 'debug', backendClient: 'ky', redisUrl: 'redis://127.0.0.1:6379' });
    expect(config.corsOrigins).to.deep.equal(['https://chat.example.com', 'http://localhost:3000']);
  });

  it('conflates thread events of threads over 50 members, once a second, unless told otherwise', () => {
    expect(loadConfig(minimal()).threadEvents).to.deep.equal({
      largeThreadMembers: 50,
      intervalMs: 1_000,
      bytesPerSecond: 8_000_000,
      maxIntervalMs: 60_000,
    });
    const config = loadConfig({
      ...minimal(),
      ECB_THREAD_EVENT_LARGE_THREAD_MEMBERS: '200',
      ECB_THREAD_EVENT_INTERVAL_MS: '0',
      ECB_THREAD_EVENT_BYTES_PER_SECOND: '0',
      ECB_THREAD_EVENT_MAX_INTERVAL_MS: '0',
    });
    expect(config.threadEvents).to.deep.equal({ largeThreadMembers: 200, intervalMs: 0, bytesPerSecond: 0, maxIntervalMs: 0 });
  });

  it('samples the event-loop delay every 50 ms unless told otherwise', () => {
    expect(loadConfig(minimal()).metricsEventLoopResolutionMs).to.equal(50);
    expect(loadConfig({ ...minimal(), ECB_METRICS_EVENT_LOOP_RESOLUTION_MS: '10' }).metricsEventLoopResolutionMs).to.equal(10);
  });

  const cases: Array<[string, Record<string, string>]> = [
    ['ECB_BACKEND_URL', { ECB_BACKEND_URL: '' }],
    ['ECB_BACKEND_URL', { ECB_BACKEND_URL: 'ftp://backend' }],
    ['ECB_PORT', { ECB_PORT: '65536' }],
    ['ECB_PORT', { ECB_PORT: '80.5' }],
    ['ECB_BLOCK_NON_MEMBERS', { ECB_BLOCK_NON_MEMBERS: 'maybe' }],
    ['ECB_BACKEND_TIMEOUT_MS', { ECB_BACKEND_TIMEOUT_MS: '0' }],
    ['ECB_MAX_MESSAGE_BYTES', { ECB_MAX_MESSAGE_BYTES: 'lots' }],
    ['ECB_MAX_MESSAGE_DEPTH', { ECB_MAX_MESSAGE_DEPTH: '0' }],
    ['ECB_LOG_LEVEL', { ECB_LOG_LEVEL: 'loud' }],
    ['ECB_BACKEND_CLIENT', { ECB_BACKEND_CLIENT: 'fetch' }],
    ['ECB_REDIS_URL', { ECB_REDIS_URL: 'http://127.0.0.1:6379' }],
    // what the Redis client would throw on later, blamed on the listening address
    ['ECB_REDIS_URL', { ECB_REDIS_URL: 'redis://127.0.0.1:6379/abc' }],
    ['ECB_REDIS_URL', { ECB_REDIS_URL: 'redis://:%zz@127.0.0.1:6379' }],
    // the operation is appended to the path: a query or credentials would be misplaced or dropped
    ['ECB_BACKEND_URL', { ECB_BACKEND_URL: 'http://backend.internal/ecb?tenant=1' }],
    ['ECB_BACKEND_URL', { ECB_BACKEND_URL: 'http://svc:pa55@backend.internal/ecb' }],
    ['ECB_BACKEND_URL', { ECB_BACKEND_URL: 'http://backend.internal/ecb#top' }],
    // a header value: sending it would fail every backend call
    ['ECB_BACKEND_API_KEY', { ECB_BACKEND_API_KEY: 'clé-secrète' }],
    ['ECB_BACKEND_API_KEY', { ECB_BACKEND_API_KEY: 'key\r\nX-Evil: 1' }],
    ['ECB_REDIS_CHANNEL_PREFIX', { ECB_REDIS_CHANNEL_PREFIX: 'has space' }],
    ['ECB_CORS_ORIGINS', { ECB_CORS_ORIGINS: 'https://chat.example.com/path' }],
    ['ECB_PUBLIC_KEY', { ECB_PUBLIC_KEY: 'not a key' }],
    ['ECB_THREAD_EVENT_INTERVAL_MS', { ECB_THREAD_EVENT_INTERVAL_MS: '60001' }],
    ['ECB_THREAD_EVENT_LARGE_THREAD_MEMBERS', { ECB_THREAD_EVENT_LARGE_THREAD_MEMBERS: '-1' }],
    ['ECB_THREAD_EVENT_BYTES_PER_SECOND', { ECB_THREAD_EVENT_BYTES_PER_SECOND: '1.5' }],
    ['ECB_THREAD_EVENT_MAX_INTERVAL_MS', { ECB_THREAD_EVENT_MAX_INTERVAL_MS: '3600001' }],
    ['ECB_THREAD_EVENT_MAX_INTERVAL_MS', { ECB_THREAD_EVENT_INTERVAL_MS: '5000', ECB_THREAD_EVENT_MAX_INTERVAL_MS: '4000' }],
    ['ECB_METRICS_EVENT_LOOP_RESOLUTION_MS', { ECB_METRICS_EVENT_LOOP_RESOLUTION_MS: '0' }],
  ];
  for (const [variable, env] of cases) {
    it(`stops with one line naming ${variable} for ${JSON.stringify(env)}`, () => {
      const error = failure({ ...minimal(), ...env });
      expect(error.variable).to.equal(variable);
      expect(error.message.split('\n')).to.have.length(1);
      expect(error.message.startsWith(`${variable}: `)).to.equal(true);
    });
  }

  it("quotes a bad URL without its credentials: the user and password of a refused ECB_REDIS_URL or ECB_BACKEND_URL are not repeated", () => {
    for (const [variable, value, shown] of [
      ['ECB_REDIS_URL', 'http://ecb:s3cr@t@redis.internal:6379', 'http://***@redis.internal:6379'],
      ['ECB_REDIS_URL', 'redis://:hunter2@redis.internal:port', 'redis://***@redis.internal:port'],
      ['ECB_BACKEND_URL', 'ftp://svc:pa55@backend/ecb', 'ftp://***@backend/ecb'],
    ] as const) {
      const error = failure({ ...minimal(), [variable]: value });
      expect(error.variable).to.equal(variable);
      expect(error.message).to.contain(`got "${shown}"`);
      for (const secret of ['s3cr', 'hunter2', 'pa55']) expect(error.message).not.to.contain(secret);
    }
    // a value with no credentials is quoted as it is
    expect(failure({ ...minimal(), ECB_REDIS_URL: 'http://127.0.0.1:6379' }).message).to.contain('got "http://127.0.0.1:6379"');
  });

  it('accepts a Redis URL with a database number and encoded credentials, an API key with inner spaces, and a 1-byte message limit', () => {
    const config = loadConfig({
      ...minimal(),
      ECB_REDIS_URL: 'rediss://ecb:p%40ss@redis.internal:6380/2',
      ECB_BACKEND_API_KEY: 'Key 123 abc',
      ECB_MAX_MESSAGE_BYTES: '1',
    });
    expect(config.redisUrl).to.equal('rediss://ecb:p%40ss@redis.internal:6380/2');
    expect(config.backendApiKey).to.equal('Key 123 abc');
    expect(config.maxMessageBytes).to.equal(1);
    expect(loadConfig({ ...minimal(), ECB_REDIS_URL: 'redis://127.0.0.1:6379/' }).redisUrl).to.equal('redis://127.0.0.1:6379');
  });

  it('never quotes a refused ECB_BACKEND_API_KEY: it is a secret', () => {
    const error = failure({ ...minimal(), ECB_BACKEND_API_KEY: 'sécret-hunter2' });
    expect(error.variable).to.equal('ECB_BACKEND_API_KEY');
    expect(error.message).not.to.contain('hunter2');
  });

  it('accepts a PKCS#1 public key ("BEGIN RSA PUBLIC KEY", as .NET exports it) and hands it on as SPKI', () => {
    const key = createPublicKey(pem);
    const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).to.contain('-----BEGIN RSA PUBLIC KEY-----');
    const config = loadConfig({ ...minimal(), ECB_PUBLIC_KEY: pkcs1.replace(/\n/g, '\\n') });
    expect(config.keys).to.deep.equal({ kind: 'pem', pem: key.export({ type: 'spki', format: 'pem' }).toString() });
    // a PKCS#1 private key is still no public key
    const privatePkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(failure({ ...minimal(), ECB_PUBLIC_KEY: privatePkcs1 }).message).to.contain('must be a PEM public key');
  });

  describe('a public key that cannot verify RS256 stops start-up', () => {
    const spki = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();
    let dir: string;
    let unusable: Array<[string, string, string]>;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ecb-config-'));
      unusable = [
        ['an EC P-256 key', spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey), 'not an RSA public key (ec); RS256 needs RSA'],
        ['a PEM whose body is not a key', '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PUBLIC KEY-----\n', 'not a readable PEM public key'],
        ['a 1024-bit RSA key', spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), 'RSA key of 1024 bits; RS256 needs at least 2048'],
      ];
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const keyFile = (name: string, pem: string): string => {
      const file = join(dir, name);
      writeFileSync(file, pem);
      return file;
    };

    it('names ECB_PUBLIC_KEY or ECB_PUBLIC_KEY_FILE, whichever gave the key, in one line', () => {
      for (const [name, pem, problem] of unusable) {
        for (const [variable, value] of [
          ['ECB_PUBLIC_KEY', pem],
          ['ECB_PUBLIC_KEY', pem.replace(/\n/g, '\\n')],
          ['ECB_PUBLIC_KEY_FILE', keyFile('key.pem', pem)],
        ] as const) {
          const error = failure({ ECB_BACKEND_URL: 'http://b', [variable]: value });
          expect(error.variable, name).to.equal(variable);
          expect(error.message, name).to.equal(`${variable}: ${problem}`);
        }
      }
    });

    it('accepts a 2048-bit RSA key, inline or from a file', () => {
      const pem = spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
      expect(loadConfig({ ECB_BACKEND_URL: 'http://b', ECB_PUBLIC_KEY: pem }).keys).to.deep.equal({ kind: 'pem', pem });
      expect(loadConfig({ ECB_BACKEND_URL: 'http://b', ECB_PUBLIC_KEY_FILE: keyFile('good.pem', pem) }).keys).to.deep.equal({ kind: 'pem', pem });
    });

    it('hands the verifier a PEM it can import, even from a file with text before the key', async () => {
      const pem = spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
      const config = loadConfig({ ECB_BACKEND_URL: 'http://b', ECB_PUBLIC_KEY_FILE: keyFile('commented.pem', `ECB's key, made 2026-11-01\n${pem}`) });
      expect(config.keys).to.deep.equal({ kind: 'pem', pem });
      await importSPKI(config.keys.kind === 'pem' ? config.keys.pem : '', 'RS256');
    });
  });

  it('wants exactly one key source', () => {
    expect(failure({ ECB_BACKEND_URL: 'http://b' }).message).to.contain('exactly one');
    expect(failure({ ...minimal(), ECB_JWKS_URL: 'https://keys.example.com/jwks.json' }).message).to.contain('only one');
  });
});
