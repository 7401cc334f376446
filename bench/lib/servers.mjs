// Starting and stopping the processes of a run. Servers are pinned to CPU 0;
// the load generator and the backend stub to CPU 1 (the machine has 2 cores),
// so the server under test has one core of its own and is measured alone.
import { execFileSync, fork, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
// ECB's own reading of its executable's Node flags (npm run bench builds dist/ first)
import { shebangNodeFlags } from '../../dist/src/node-runtime.js';

const here = (file) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';

/**
 * The Node flags ECB runs with: those of bin/ecb.js's `#!/usr/bin/env -S node ...`
 * line, as `./bin/ecb.js start` and `npx ecb start` run it. The benchmark
 * gives them to A and B too, so that the three servers share one runtime
 * (`--node-defaults` runs all three with Node's defaults instead).
 */
export const ecbNodeFlags = () => shebangNodeFlags(readFileSync(fileURLToPath(new URL('../../bin/ecb.js', import.meta.url)), 'utf8'));

export const pin = (pid, cpu) => {
  try {
    execFileSync('taskset', ['-pc', cpu, String(pid)], { stdio: 'ignore' });
  } catch {
    // no taskset: the run still works, only less isolated
  }
};

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The backend stub in its own process; resolves its base URL. */
export const startStub = (fixtureFile) =>
  new Promise((resolve, reject) => {
    const child = fork(here('backend-stub.mjs'), [fixtureFile], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    pin(child.pid, LOAD_CPU);
    child.once('message', ({ port }) => resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() }));
    child.once('exit', (code) => reject(new Error(`backend stub exited (${code})`)));
  });

const track = (child, name) => {
  const state = { crashed: undefined, stopping: false };
  child.once('exit', (code, signal) => {
    if (!state.stopping) state.crashed = `${name} exited unexpectedly (${code ?? signal})`;
  });
  const stop = () =>
    new Promise((resolve) => {
      state.stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
  return { pid: child.pid, state, stop };
};

/**
 * BENCH_SERVER_STDOUT=PREFIX: every server's standard output (ECB's JSON
 * logs, and what Node flags such as `--node-args '--trace-opt'` print) goes
 * to PREFIX.<pid>. True when it does.
 */
const keepStdout = (child) => {
  const prefix = process.env.BENCH_SERVER_STDOUT;
  if (!prefix) return false;
  child.stdout.pipe(createWriteStream(`${prefix}.${child.pid}`));
  return true;
};

/** A or B: the relay servers of this folder. */
export const startRelay = (mode, stubUrl, keyFile, nodeArgs = []) =>
  new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...nodeArgs, here('relay-server.mjs'), mode, stubUrl, keyFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    keepStdout(child);
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (!match) return;
      child.stdout.off('data', onData);
      resolve({ name: mode, url: `http://127.0.0.1:${match[1]}`, ...track(child, mode) });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server ${mode} exited (${code})`)));
  });

/**
 * The abuse guard's settings opened wide: its defaults (20 messages/s per
 * connection) would refuse a saturating sender, and B has no rate limiter.
 */
export const WIDE_OPEN_GUARD = {
  ...Object.fromEntries(
    ['MESSAGES', 'TYPING', 'OTHER'].flatMap((kind) =>
      ['PER_CONNECTION', 'PER_USER'].flatMap((scope) => [
        [`ECB_RATE_${kind}_${scope}`, '1000000'],
        [`ECB_RATE_${kind}_${scope}_BURST`, '1000000'],
      ]),
    ),
  ),
  ECB_MAX_CONNECTIONS_PER_USER: '1000000',
};

/**
 * C: ECB from its own CLI (`node <its shebang flags> bin/ecb.js start`, as `./bin/ecb.js start` runs), configured by environment only.
 * `checkout`: another checkout to run ECB from (its built dist/), for a baseline; this one by default.
 */
export const startEcb = async (name, stubUrl, keyFile, extraEnv = {}, nodeArgs = ecbNodeFlags(), cpu = SERVER_CPU, checkout = root) => {
  const port = await freePort();
  const child = spawn('taskset', ['-c', cpu, process.execPath, ...nodeArgs, 'bin/ecb.js', 'start'], {
    cwd: checkout,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ECB_BACKEND_URL: stubUrl,
      ECB_PUBLIC_KEY_FILE: keyFile,
      ECB_PORT: String(port),
      ECB_HOST: '127.0.0.1',
      ECB_LOG_LEVEL: 'info',
      ...WIDE_OPEN_GUARD,
      ...extraEnv,
    },
  });
  let errors = '';
  // JSON logs: drained, not shown (kept with BENCH_SERVER_STDOUT)
  if (!keepStdout(child)) child.stdout.resume();
  child.stderr.on('data', (chunk) => (errors += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ECB exited at start (${child.exitCode}): ${errors.trim()}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { name, url, ...track(child, name) };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`ECB was not ready in 20 s: ${errors.trim()}`);
};

/** One scenario group in a fresh load-generator process. */
export const runLoad = (job, onProgress) =>
  new Promise((resolve, reject) => {
    const child = fork(here('loadgen.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    pin(child.pid, LOAD_CPU);
    let settled = false;
    child.on('message', (m) => {
      if (m.type === 'progress') onProgress(m.text);
      if (m.type === 'result') {
        settled = true;
        resolve(m.result);
      }
      if (m.type === 'error') {
        settled = true;
        reject(new Error(m.error));
      }
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited (${code})`));
    });
    child.send(job);
  });

/**
 * A chat or fan-out group's connections to one server, kept open in a
 * load-generator process of its own, running one phase whenever asked:
 * run.mjs opens one per server and interleaves their phases in slices.
 */
export const openSession = (job) =>
  new Promise((resolve, reject) => {
    const child = fork(here('loadgen.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    pin(child.pid, LOAD_CPU);
    let waiting = { resolve: () => resolve(session), reject };
    const answer = (settle) => {
      const current = waiting;
      waiting = undefined;
      settle(current);
    };
    const ask = (message) =>
      new Promise((resolveAnswer, rejectAnswer) => {
        if (waiting !== undefined) throw new Error('one request at a time');
        waiting = { resolve: resolveAnswer, reject: rejectAnswer };
        child.send(message);
      });
    const session = {
      phase: (phase) => ask({ type: 'phase', phase }),
      close: () => ask({ type: 'close' }),
      kill: () => child.kill('SIGKILL'),
    };
    child.on('message', (m) => {
      if (m.type === 'error') answer((w) => w?.reject(new Error(m.error)));
      else if (m.type === 'opened' || m.type === 'closed') answer((w) => w?.resolve());
      else if (m.type === 'result') answer((w) => w?.resolve(m.result));
    });
    child.once('exit', (code) => answer((w) => w?.reject(new Error(`load generator exited (${code})`))));
    child.send({ type: 'open', job });
  });

