// ECB's own per-message work, measured in one process without the network:
// B (lib/lean-relay.mjs) and C (ECB's container, as bin/ecb.js builds it)
// each get fake connected sockets and serve `sendMessage` through their real
// handlers, token caches, backend clients and pushes. Only undici's network
// part is replaced: Pool#dispatch answers each POST on the next turn of the
// event loop, as the stub would (the request body is read, the answer is
// built like the stub's). Pushes go to Socket.IO rooms with no socket in
// them (encoded, sent to nobody); acks are counted. So what differs between
// B and C is the JavaScript each runs per message, not the kernel, the
// batching or the other processes of a shared machine: C − B here moves by
// a few microseconds from round to round (its median over 7 rounds by about
// one), where the end-to-end run's moves by ±10 µs (docs/benchmarks.md,
// finding 14).
//
//   node bench/pipeline.mjs [--rounds N] [--messages M] [--pairs P] [--baseline DIR] [--cpu-prof DIR] [--node-args '...']
//                           [--pollute KB] [--syscalls N] [--alloc-prof DIR]
//
// --cpu-prof DIR writes each server process's CPU profile there (node --cpu-prof;
// summarize one with bench/profile-summary.mjs).
//
// --alloc-prof DIR samples what each server process allocates over its measured messages
// (V8's sampling heap profiler, one sample per 512 bytes on average, the objects the
// collector has freed since included) and writes it there as <server>-<time>.heapprofile;
// summarize one with bench/alloc-summary.mjs. The sampling slows the process: the µs per
// message such a round prints are not comparable with others.
//
// --node-args '--flag ...' adds Node flags to every server process (after ECB's), for experiments.
//
// --pollute KB and --syscalls N put something between the turns of the loop, as the
// kernel's network stack and the other sockets are between messages end to end: every
// turn (two per message round trip: the answers, then the next sends) first writes one
// byte in each 64-byte line of a KB-sized buffer (evicting that much of the caches),
// and makes N one-byte writes to /dev/null (kernel entries: on a kernel with page-table
// isolation and no PCID, each flushes the TLB). Use --pairs 1 so that every message
// pays it alone: C − B then measures how much more of ECB's code and data must come
// back from memory per message (docs/benchmarks.md, finding 22).
//
// --baseline DIR adds C0: ECB built in another checkout (DIR/dist), run the
// same way, so that a change to ECB is measured against the build before it
// (git worktree add DIR <commit>; npm ci and npx tsc -p . there).
//
// Each server runs in its own process (its own JIT feedback), with ECB's Node
// flags as in the end-to-end run (bin/ecb.js's shebang line), alternately;
// every round sends M messages (P pairs, one message in flight per sender, as
// the saturated 1:1 phase does) after a warm-up, and reads the process's CPU
// time. Prints the medians per message and C − B. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ecbNodeFlags, WIDE_OPEN_GUARD } from './lib/servers.mjs';
import { median } from './lib/stats.mjs';
import { stubAnswers } from './lib/stub-answers.mjs';
import { newKeys, signJwt, userId } from './lib/tokens.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option('--rounds', 7);
const baseline = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;
const MESSAGES = option('--messages', 40_000);
const PAIRS = option('--pairs', 250);
const role = process.env.PIPELINE_ROLE;
const profileDir = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
const POLLUTE_KB = option('--pollute', 0);
const SYSCALLS = option('--syscalls', 0);
const allocDir = args.includes('--alloc-prof') ? args[args.indexOf('--alloc-prof') + 1] : undefined;
const extraNodeArgs = (args.includes('--node-args') ? args[args.indexOf('--node-args') + 1] : '').split(' ').filter(Boolean);

if (role === undefined) {
  // the driver: keys and tokens once, then B and C alternately, each a fresh process per round
  const keys = newKeys();
  const dir = mkdtempSync(join(tmpdir(), 'ecb-pipeline-'));
  const keyFile = join(dir, 'public.pem');
  writeFileSync(keyFile, keys.publicPem);
  const pairs = Array.from({ length: PAIRS }, (_, p) => {
    const memberIds = [userId(2 * p), userId(2 * p + 1)];
    return {
      threadId: `c${p}`,
      memberIds,
      threadToken: signJwt(keys.privateKey, { threadId: `c${p}`, memberIds }),
      userToken: signJwt(keys.privateKey, { userId: memberIds[0] }),
    };
  });
  const fixture = join(dir, 'fixture.json');
  writeFileSync(fixture, JSON.stringify({ keyFile, pairs }));
  const runOne = (server) =>
    new Promise((resolve, reject) => {
      const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${server}-${Date.now()}.cpuprofile`];
      const child = spawn(process.execPath, [...ecbNodeFlags(), ...extraNodeArgs, ...profiling, fileURLToPath(import.meta.url), ...args], {
        env: {
          ...process.env,
          PIPELINE_ROLE: server === 'C0' ? 'C' : server,
          PIPELINE_NAME: server,
          PIPELINE_ECB: server === 'C0' ? join(baseline, 'dist') : fileURLToPath(new URL('../dist', import.meta.url)),
          PIPELINE_FIXTURE: fixture,
          ECB_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${server} exited ${code}`))));
    });
  const servers = baseline === undefined ? ['B', 'C'] : ['B', 'C0', 'C'];
  const results = Object.fromEntries(servers.map((server) => [server, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      const { micros } = await runOne(server);
      results[server].push(micros);
      process.stderr.write(`round ${round + 1} ${server}: ${micros.toFixed(2)} µs/msg\n`);
    }
  }
  const b = median(results.B);
  for (const server of servers.filter((s) => s !== 'B')) {
    const c = median(results[server]);
    const byRound = results[server].map((cm, i) => cm - results.B[i]);
    console.log(`${server}: B ${b.toFixed(2)} µs/msg, ${server} ${c.toFixed(2)} µs/msg, ${server} − B ${(c - b).toFixed(2)} µs/msg (by round: ${byRound.map((d) => d.toFixed(2)).join(', ')}), ${server}/B ${(c / b).toFixed(3)}`);
  }
  if (baseline !== undefined) {
    const byRound = results.C.map((cm, i) => cm - results.C0[i]);
    console.log(`C − C0 ${(median(results.C) - median(results.C0)).toFixed(2)} µs/msg (by round: ${byRound.map((d) => d.toFixed(2)).join(', ')})`);
  }
} else {
  const { openSync, readFileSync, writeSync } = await import('node:fs');
  const { keyFile, pairs } = JSON.parse(readFileSync(process.env.PIPELINE_FIXTURE, 'utf8'));
  // the undici (and Socket.IO) of the server measured: C0's checkout has its own node_modules
  const root = role === 'B' ? fileURLToPath(new URL('..', import.meta.url)) : join(process.env.PIPELINE_ECB, '..');
  const require = createRequire(join(root, 'package.json'));
  const { Pool } = require('undici');
  const { Server } = require('socket.io');

  // the stub's answer to addThreadMessage (lib/stub-answers.mjs), from the request's body
  const answers = stubAnswers(Object.fromEntries(pairs.map((p) => [p.threadId, p])));
  const answerTo = (body) => Buffer.from(answers.addThreadMessage(JSON.parse(body)));
  const controller = { abort() {}, pause() {}, resume() {}, aborted: false, paused: false, reason: null };
  let pending = [];
  // --pollute KB, --syscalls N: what runs between turns (see the header); the same in B and C
  const junk = new Uint8Array(POLLUTE_KB * 1024);
  const devNull = SYSCALLS > 0 ? openSync('/dev/null', 'w') : undefined;
  const oneByte = Buffer.alloc(1);
  const betweenTurns =
    POLLUTE_KB === 0 && SYSCALLS === 0
      ? () => undefined
      : () => {
          for (let i = 0; i < junk.length; i += 64) junk[i]++;
          for (let i = 0; i < SYSCALLS; i++) writeSync(devNull, oneByte);
        };
  const answerAll = () => {
    betweenTurns();
    const due = pending;
    pending = [];
    for (const [handler, chunk] of due) {
      handler.onResponseStart(controller, 200, { 'content-type': 'application/json', 'content-length': String(chunk.length) }, 'OK');
      handler.onResponseData(controller, chunk);
      handler.onResponseEnd(controller, {});
    }
  };
  Pool.prototype.dispatch = function (options, handler) {
    handler.onRequestStart?.(controller, {});
    if (pending.push([handler, answerTo(options.body)]) === 1) setImmediate(answerAll);
    return true;
  };

  let io;
  if (role === 'B') {
    io = new Server({ serveClient: false });
    const { installLeanRelay } = await import('./lib/lean-relay.mjs');
    installLeanRelay(io, createPublicKey(readFileSync(keyFile, 'utf8')), new Pool('http://127.0.0.1:9'));
  } else {
    const dist = (path) => import(pathToFileURL(join(process.env.PIPELINE_ECB, path)).href);
    const { loadConfig } = await dist('src/config.js');
    const { buildContainer } = await dist('src/container.js');
    const { SocketIoClientEvents } = await dist('src/adapters/socket/socket-io-client-events.js');
    const { TOKENS } = await dist('src/tokens.js');
    const config = loadConfig({ ...WIDE_OPEN_GUARD, ECB_BACKEND_URL: 'http://127.0.0.1:9', ECB_PUBLIC_KEY_FILE: keyFile, ECB_LOG_LEVEL: 'warn' });
    const container = buildContainer(config);
    io = container.get(TOKENS.SocketServer).io;
    container.get(SocketIoClientEvents).install();
  }

  // one fake socket per sender, connected as the server's own handshake would have left it
  const onConnection = io.sockets.listeners('connection')[0];
  const senders = pairs.map((pair, p) => {
    const handlers = new Map();
    const any = []; // onAny listeners, called before the event's handler as Socket.IO's onevent does
    const id = `s${p}`;
    const socket = {
      id,
      data:
        role === 'B'
          ? { userId: pair.memberIds[0], userToken: pair.userToken }
          : { identity: { user: { userId: pair.memberIds[0], displayName: `User ${p}` }, expiresAt: Date.now() / 1000 + 3600 }, credential: pair.userToken },
      handshake: { auth: {} },
      on: (event, handler) => handlers.set(event, handler),
      onAny: (listener) => any.push(listener),
      once: () => undefined,
      join: () => undefined,
      emit: () => undefined,
      disconnect: () => undefined,
      to: (room) => io.to(room).except(id),
    };
    onConnection(socket);
    // the load generator's message (loadgen.mjs): a text with its sequence number beside it
    const payload = JSON.stringify({ threadToken: pair.threadToken, message: { type: 'text', data: { messageText: 'hello, this is a benchmark message', seq: 0 } }, clientMessageId: '' });
    return { handlers, any, payload, seq: 0 };
  });

  let acked = 0;
  let failed = 0;
  let waiter;
  let ready = [];
  const sendReady = () => {
    betweenTurns();
    const due = ready;
    ready = [];
    for (const sender of due) send(sender);
  };
  const send = (sender) => {
    // a fresh payload per message, as Socket.IO's parser hands it over
    const payload = JSON.parse(sender.payload);
    payload.message.data.seq = sender.seq;
    payload.clientMessageId = `b${sender.seq++}`;
    const ack = (answer) => {
      if (answer.ok) acked++;
      else if (++failed === 1) {
        process.stderr.write(`${role}: an ack failed: ${JSON.stringify(answer)}\n`);
        process.exit(1);
      }
      if (waiter !== undefined && acked >= waiter.target) waiter.resolve();
      if (ready.push(sender) === 1) setImmediate(sendReady);
    };
    if (sender.any.length > 0) for (const listener of sender.any.slice()) listener('sendMessage', payload, ack);
    sender.handlers.get('sendMessage')(payload, ack);
  };
  const runFor = (count) =>
    new Promise((resolve) => {
      waiter = { target: acked + count, resolve };
    });
  for (const sender of senders) send(sender);
  await runFor(MESSAGES); // warm-up
  const sampling = allocDir === undefined ? undefined : await startAllocationSampling();
  const start = process.cpuUsage();
  const from = acked;
  await runFor(MESSAGES);
  const used = process.cpuUsage(start);
  if (sampling !== undefined) await sampling.stop(join(allocDir, `${process.env.PIPELINE_NAME}-${Date.now()}.heapprofile`), acked - from);
  process.stdout.write(JSON.stringify({ micros: (used.user + used.system) / (acked - from) }));
  process.exit(0);
}

/** V8's sampling heap profiler through the inspector, freed objects included: what a stretch of work allocates, by stack. */
async function startAllocationSampling() {
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop(file, operations) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      mkdirSync(allocDir, { recursive: true });
      writeFileSync(file, JSON.stringify({ ...profile, operations }));
    },
  };
}
