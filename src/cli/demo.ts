import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startReferenceBackend } from '../../reference-backend/app.js';
import { accessTokenOf, SEED_USERS } from '../../reference-backend/seed.js';
import type { Store } from '../../reference-backend/store.js';
import { loadConfig } from '../config.js';
import type { Logger } from '../adapters/observability/pino-logger.js';
import { logUnhandledRejections, stopOnSignals } from '../main.js';
import { TOKENS } from '../tokens.js';
import { startEcb, type RunningEcb } from '../server.js';
import { demoWebMiddleware } from './demo-web-server.js';
import { writeKeyPair } from './keygen.js';

export interface DemoOptions {
  readonly port?: number | undefined;
  /** Where the demo keeps its key pair; default ./.ecb-demo (git-ignored). */
  readonly dataDir?: string | undefined;
  /** Print the banner; default true. */
  readonly quiet?: boolean;
}

export interface RunningDemo {
  readonly ecb: RunningEcb;
  readonly backendUrl: string;
  /** What the reference backend has stored (tests check that nothing was lost or doubled). */
  readonly backendStore: Store;
  close(): Promise<void>;
}

/**
 * `ecb demo`: nothing to configure. A key pair is made on first run, the
 * reference backend starts on a private loopback port, and ECB serves
 * clients on one public port with block-non-members off, so that support
 * agents can join customers' threads (the backend decides).
 */
export const startDemo = async (options: DemoOptions = {}): Promise<RunningDemo> => {
  const dataDir = resolve(options.dataDir ?? process.env['ECB_DEMO_DIR'] ?? '.ecb-demo');
  const privateKeyFile = join(dataDir, 'private.pem');
  const publicKeyFile = join(dataDir, 'public.pem');
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) writeKeyPair(dataDir, { overwrite: true });
  const privatePem = readFileSync(privateKeyFile, 'utf8');
  const publicPem = readFileSync(publicKeyFile, 'utf8');

  const backend = await startReferenceBackend({ privateKey: privatePem, publicKey: publicPem });
  const config = loadConfig({
    ECB_LOG_LEVEL: 'warn',
    ECB_HOST: '127.0.0.1',
    ...process.env,
    ...(options.port === undefined ? {} : { ECB_PORT: String(options.port) }),
    ECB_BACKEND_URL: backend.url,
    ECB_PUBLIC_KEY_FILE: publicKeyFile,
    ECB_PUBLIC_KEY: undefined,
    ECB_JWKS_URL: undefined,
    ECB_BLOCK_NON_MEMBERS: 'false',
    ECB_REDIS_URL: undefined,
  });
  const ecb = await startEcb(config, { extraMiddleware: [demoWebMiddleware()] });

  if (options.quiet !== true) {
    const lines = [
      '',
      `ECB demo is running at ${ecb.url}`,
      `  web chat: ${ecb.url}/  (or ${ecb.url}/?user=alice to skip the sign-in)`,
      `  reference backend (private): ${backend.url}`,
      `  health: ${ecb.url}/healthz   ready: ${ecb.url}/readyz   metrics: ${ecb.url}/metrics`,
      `  keys: ${dataDir}`,
      '',
      'Seeded users (access token -> user token, valid 1 hour):',
    ];
    for (const user of SEED_USERS) {
      const userToken = await backend.tokens.signUserToken(user);
      lines.push(`  ${user.userId.padEnd(10)} ${accessTokenOf(user.userId).padEnd(18)} ${userToken}`);
    }
    lines.push(
      '',
      'Try it (the node one from the ECB folder, where socket.io-client is installed):',
      `  curl -s -H "Authorization: Bearer <user token>" ${ecb.url}/api/v1/threads`,
      `  node -e "const {io}=require('socket.io-client');const s=io('${ecb.url}',{auth:{accessToken:'access-alice'}});s.on('session',x=>{console.log(x.user);s.close()})"`,
      '',
      'Ctrl-C stops it.',
      '',
    );
    process.stdout.write(lines.join('\n'));
  }

  return {
    ecb,
    backendUrl: backend.url,
    backendStore: backend.store,
    close: async () => {
      await ecb.close();
      await backend.close();
    },
  };
};

export const runDemo = async (options: DemoOptions = {}): Promise<void> => {
  const demo = await startDemo(options);
  stopOnSignals(demo);
  logUnhandledRejections(demo.ecb.container.get<Logger>(TOKENS.Logger));
};
