import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/redis.js';
import { waitUntil } from './cluster.js';

const SCALING_DOC = fileURLToPath(new URL('../../../../docs/scaling.md', import.meta.url));

// Debian installs it in /usr/sbin, which is not on every user's PATH.
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

export const nginxInstalled = (): boolean => spawnSync(NGINX, ['-v'], { stdio: 'ignore' }).status === 0;

/**
 * The nginx configuration that docs/scaling.md shows, as a reader would
 * adapt it: its own nodes in the upstream, its own listen address.
 */
export const documentedNginxConfig = (upstreams: readonly string[], listen: string): string => {
  const doc = readFileSync(SCALING_DOC, 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (block === undefined) throw new Error('docs/scaling.md has no ```nginx block');
  const servers = block.match(/^\s*server \S+:\d+;\n/gm) ?? [];
  if (servers.length === 0 || !/^\s*listen 80;$/m.test(block)) throw new Error('the documented config changed shape');
  return block
    .replace(servers.join(''), upstreams.map((address) => `    server ${address};\n`).join(''))
    .replace(/^(\s*)listen 80;$/m, `$1listen ${listen};`);
};

const running = new Set<ChildProcess>();
// A run that ends half-way (mocha --exit) must not leave nginx behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** nginx in the foreground, one process, with every file in a folder of its own. */
export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const startNginx = async (httpBlock: (listen: string) => string): Promise<RunningNginx> => {
  const dir = mkdtempSync(join(tmpdir(), 'ecb-nginx-'));
  const port = await freePort();
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    [
      'daemon off;',
      'master_process off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
      httpBlock(`127.0.0.1:${port}`),
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', config, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('nginx listens', async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
      return accepts(port);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, close };
};

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
