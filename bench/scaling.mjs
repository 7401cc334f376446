// Scale beyond one process: two ECB nodes sharing the push through Redis.
//   node bench/scaling.mjs      about a minute and a half, standalone
//   (run.mjs calls runScaling at the end of a full run, unless --no-scaling)
// 1:1 chat between the two users of a pair, measured twice on the same two
// ECB processes' worth of setup:
//   single   two ECB nodes WITHOUT Redis, both users of a pair on the same
//            node (the single-node baseline, run as two independent processes)
//   redis    two ECB nodes with the same Redis (own channel prefix), the two
//            users of every pair on DIFFERENT nodes, so every push crosses Redis
// Both nodes are pinned to CPU 0 (one core shared by the two nodes), the load
// generator and the backend stub to CPU 1, as in run.mjs; Redis is left where
// it runs and its CPU time is read from /proc (it is not our process).
// Server CPU per message is summed over both ECB processes; Redis CPU per
// message is reported apart. Exits 1 only on a lost or duplicated message, a
// non-retryable failed ack or a crash, never on a slow figure.
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runLoad, startEcb, startStub } from './lib/servers.mjs';
import { newKeys, signJwt, userId } from './lib/tokens.mjs';

const REDIS_URL = process.env.ECB_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATES = [500, 1000];
const log = (line) => process.stderr.write(`${line}\n`);

/** The pid of the local redis-server (its CPU time is read from /proc), or undefined. */
const redisPid = () => {
  try {
    const pid = Number(execFileSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' }).trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

// Fresh processes: JIT and socket buffers warm up on traffic that is checked
// for integrity but left out of the figures.
const WARM_UP = '1:1 warm-up (not reported)';

const phasesFor = (timing) => [
  { name: WARM_UP, mode: 'rate', rate: 500, warmupMs: 0, measureMs: 3000 },
  ...RATES.map((rate) => ({ name: `1:1 ${rate}/s`, mode: 'rate', rate, ...timing })),
  { name: '1:1 saturated', mode: 'saturated', window: 1, ...timing },
];

/** Two ECB nodes, with or without Redis; one chat group across them; both stopped. */
// nodeArgs: Node flags of both ECB nodes (undefined: ECB's own, from bin/ecb.js)
const measure = async ({ label, withRedis, stubUrl, keyFile, fixtureFile, timing, pairs, nodeArgs, onProgress }) => {
  // a prefix of its own: a run never hears (nor disturbs) anything else on this Redis
  const prefix = `ecb-bench-${process.pid}-${Date.now().toString(36)}`;
  const env = withRedis ? { ECB_REDIS_URL: REDIS_URL, ECB_REDIS_CHANNEL_PREFIX: prefix, ECB_LOG_LEVEL: 'warn' } : { ECB_LOG_LEVEL: 'warn' };
  const nodes = [];
  try {
    nodes.push(await startEcb(`${label}-1`, stubUrl, keyFile, env, nodeArgs));
    nodes.push(await startEcb(`${label}-2`, stubUrl, keyFile, env, nodeArgs));
    const redis = withRedis ? redisPid() : undefined;
    const result = await runLoad(
      {
        group: 'chat',
        server: label,
        pairs,
        urls: nodes.map((n) => n.url),
        placement: withRedis ? 'cross' : 'same',
        serverPid: { node1: nodes[0].pid, node2: nodes[1].pid },
        extraPids: redis === undefined ? undefined : { redis },
        fixtureFile,
        phases: phasesFor(timing),
      },
      onProgress,
    );
    const crashed = nodes.find((n) => n.state.crashed !== undefined);
    if (crashed !== undefined) throw new Error(crashed.state.crashed);
    return result;
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
};

const problemsOf = (label, result) =>
  Object.entries(result).flatMap(([name, r]) => {
    const c = r.check;
    const shed = Object.entries(r.ackErrors ?? {})
      .filter(([code]) => code === 'BACKEND_UNAVAILABLE' || code === 'RATE_LIMITED')
      .reduce((sum, [, n]) => sum + n, 0);
    const problems = [];
    if (c.lost > 0) problems.push(`${c.lost} lost`);
    if (c.duplicated > 0) problems.push(`${c.duplicated} duplicated`);
    if (c.failedAcks > shed) problems.push(`${c.failedAcks - shed} failed acks ${JSON.stringify(r.ackErrors)}`);
    if (c.unknownDeliveries > 0) problems.push(`${c.unknownDeliveries} unknown deliveries`);
    if (c.threadPushes !== c.expectedThreadPushes) problems.push(`${c.threadPushes}/${c.expectedThreadPushes} thread pushes`);
    return problems.length ? [`${label} "${name}": ${problems.join(', ')}`] : [];
  });

const brief = (r) => ({
  messagesPerSecond: Math.round(r.messagesPerSecond),
  p50Ms: r.latencyMs.p50,
  p99Ms: r.latencyMs.p99,
  serverCpuMicrosPerMessage: Math.round(r.cpuMicrosPerMessage),
  redisCpuMicrosPerMessage: r.cpuMicrosPerMessageBy?.redis === undefined ? null : Math.round(r.cpuMicrosPerMessageBy.redis),
  serverCpuPercent: Math.round(r.serverCpuPercent),
  lost: r.check.lost,
  duplicated: r.check.duplicated,
  failedAcks: r.check.failedAcks,
});

/**
 * Measures `single` (no Redis, pairs on one node) then `redis` (pairs across
 * nodes). Called by run.mjs with its stub and fixture (users 2p and 2p+1 share
 * thread c<p>); `summary` is one line per phase and setup.
 */
export const runScaling = async ({ stubUrl, keyFile, fixtureFile, timing, pairs, nodeArgs, onProgress = () => {} }) => {
  const runs = {};
  for (const [label, withRedis] of [
    ['single', false],
    ['redis', true],
  ]) {
    runs[label] = await measure({ label, withRedis, stubUrl, keyFile, fixtureFile, timing, pairs, nodeArgs, onProgress: (t) => onProgress(`${label}: ${t}`) });
  }
  const summary = {};
  for (const [label, result] of Object.entries(runs)) {
    for (const [name, r] of Object.entries(result)) if (name !== WARM_UP) (summary[name] ??= {})[label] = brief(r);
  }
  const problems = Object.entries(runs).flatMap(([label, result]) => problemsOf(label, result));
  return { summary, problems, runs };
};

const printTable = (summary) => {
  const rows = [['scenario', 'setup', 'msg/s', 'p50 ms', 'p99 ms', 'ECB µs/msg (both)', 'Redis µs/msg', 'ECB CPU %', 'lost/dup/failed']];
  for (const [name, bySetup] of Object.entries(summary)) {
    for (const [label, b] of Object.entries(bySetup)) {
      rows.push([name, label, b.messagesPerSecond, b.p50Ms, b.p99Ms, b.serverCpuMicrosPerMessage, b.redisCpuMicrosPerMessage ?? '-', b.serverCpuPercent, `${b.lost}/${b.duplicated}/${b.failedAcks}`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((v, i) => String(v).padEnd(widths[i])).join('  '));
};

const standalone = async () => {
  const pairs = 250;
  const timing = { warmupMs: 1000, measureMs: 5000 };
  log(`ECB scaling benchmark: ${cpus().length} CPU(s), ${cpus()[0]?.model}, Node ${process.version}; ${pairs} pairs, Redis ${REDIS_URL}`);
  const work = mkdtempSync(join(tmpdir(), 'ecb-scaling-'));
  const keys = newKeys();
  const keyFile = join(work, 'public.pem');
  writeFileSync(keyFile, keys.publicPem);
  const users = Array.from({ length: pairs * 2 }, (_, i) => ({ userId: userId(i), token: signJwt(keys.privateKey, { userId: userId(i) }) }));
  const threads = {};
  for (let p = 0; p < pairs; p += 1) {
    const memberIds = [userId(2 * p), userId(2 * p + 1)];
    threads[`c${p}`] = { memberIds, threadToken: signJwt(keys.privateKey, { threadId: `c${p}`, memberIds }) };
  }
  const fixtureFile = join(work, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify({ users, threads }));
  const stub = await startStub(fixtureFile);
  process.once('SIGINT', () => {
    stub.stop();
    process.exit(130);
  });
  const started = Date.now();
  try {
    const { summary, problems, runs } = await runScaling({
      stubUrl: stub.url,
      keyFile,
      fixtureFile,
      timing,
      pairs,
      onProgress: (t) => log(`  ${Math.round((Date.now() - started) / 1000)} s ${t}`),
    });
    printTable(summary);
    const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    const out = join(resultsDir, 'scaling.json');
    const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
    writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, pairs, timing, summary, problems, runs }, null, 2)}\n`);
    log(`${Math.round((Date.now() - started) / 1000)} s; JSON: ${out}`);
    if (problems.length > 0) log(`CHECK FAILED:\n  ${problems.join('\n  ')}`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    stub.stop();
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  standalone().catch((error) => {
    log(`scaling benchmark crashed: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
