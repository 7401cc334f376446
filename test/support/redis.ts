import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Redis for the multi-node tests. Two kinds:
 *
 * - the shared Redis at 127.0.0.1:6379 (a system service; tests keep apart
 *   by a channel prefix of their own, `uniqueChannelPrefix()`);
 * - a private `redis-server` on a free port, which a test may kill and
 *   restart (`startPrivateRedis()`).
 *
 * Outside CI a missing Redis skips the suite with one line saying how to
 * install it; in CI (`CI=true`) Redis is mandatory and its absence fails
 * the run.
 */

export const SHARED_REDIS_HOST = '127.0.0.1';
export const SHARED_REDIS_PORT = 6379;
export const SHARED_REDIS_URL = `redis://${SHARED_REDIS_HOST}:${SHARED_REDIS_PORT}`;
const INSTALL_HINT = 'install redis-server (apt-get install redis-server) to run these';

/** True when something at host:port answers PING with PONG within `ms`. */
export const redisAnswers = (host: string, port: number, ms = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    let reply = '';
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });

/** Skips the calling suite, or fails it in CI, with one clear line. */
const unavailable = (context: Mocha.Context, what: string, hint: string): void => {
  if (process.env['CI'] === 'true') throw new Error(`${what}: mandatory in CI (${hint})`);
  console.log(`      skipped: ${what} — ${hint}`);
  context.skip();
};

/** For a suite's `before`: the shared Redis must answer. */
export async function requireSharedRedis(context: Mocha.Context): Promise<void> {
  if (await redisAnswers(SHARED_REDIS_HOST, SHARED_REDIS_PORT)) return;
  unavailable(context, `Redis not reachable at ${SHARED_REDIS_HOST}:${SHARED_REDIS_PORT}`, INSTALL_HINT);
}

/** For a suite's `before`: the `redis-server` program must be installed (private servers). */
export function requireRedisServerProgram(context: Mocha.Context): void {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0) return;
  unavailable(context, 'redis-server not installed', INSTALL_HINT);
}

/** A Pub/Sub channel prefix no other test, parallel run or leftover node uses. */
export const uniqueChannelPrefix = (): string => `ecb-test-${randomUUID().slice(0, 8)}`;

/** A TCP port nothing listens on right now (nothing is bound there afterwards either). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** A redis-server of one test's own: no persistence, stoppable and restartable on the same port. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: a crash, not a goodbye) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty; resolves once it answers PING. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its working folder. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test that dies half-way must not leave redis-server processes behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export const startPrivateRedis = async (): Promise<PrivateRedis> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ecb-redis-'));
  let child: ChildProcess | undefined;

  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGKILL');
    await exited;
    running.delete(current);
  };

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error('this private Redis is already running');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    started.once('error', () => undefined);
    running.add(started);
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers('127.0.0.1', port, 250))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
