// ECB benchmark: A (bare relay), B (lean pipeline) and C (ECB from its CLI),
// interleaved in one session against one backend stub and one load generator.
//   npm run bench              full run (about 25 minutes: a warm-up round, then 3 rounds; 5 for the 1:1 and fan-out groups)
//   npm run bench -- --quick   about a minute, one round (CI smoke test)
// Every server runs with ECB's Node flags (bin/ecb.js's shebang line: a 32 MiB semi-space).
// Options: --servers A,B,C   --groups chat,fanout   --phases saturated,2000   --profile (every server runs with --cpu-prof) --profile-interval µs
//   --node-args '--trace-gc ...' (extra Node flags for every server)   --node-defaults (all servers on Node's defaults instead)
//   --ecb-env K=V,...  (extra settings for C)   --rounds N   --slices N (per phase and server; see below)   --out FILE
//   --no-warmup (the full run's measured rounds follow one unmeasured warm-up round: see WARMUP_MS)
//   --baseline DIR (adds C0: ECB built in another checkout, for a before-and-after in one run)
// Exits 1 only when a message was lost or duplicated, an ack failed with a
// non-retryable error (retryable ones are load shed, reported apart), or a
// process crashed; never on a slow figure (shared machines are noisy).
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecbNodeFlags, openSession, runLoad, startEcb, startRelay, startStub } from './lib/servers.mjs';
import { newKeys, signJwt, userId } from './lib/tokens.mjs';
import { evaluate, printTable } from './lib/report.mjs';
import { median, summarize } from './lib/stats.mjs';
import { plotLatency } from './plot.mjs';
import { runScaling } from './scaling.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
// --baseline DIR: a fourth server, C0, is ECB built in another checkout (git worktree add DIR <commit>;
// npm ci there), measured beside C in the same slices: a change to ECB against the build before it.
// The targets and the table stay those of A, B and C; C0's figures are in the JSON summary.
const baseline = option('--baseline');
const serverNames = [...(option('--servers') ?? 'A,B,C').split(','), ...(baseline === undefined ? [] : ['C0'])];
const onlyGroups = option('--groups')?.split(','); // idle, chat, fanout, storm, backend
const onlyPhases = option('--phases')?.split(','); // phases whose name contains one of these, e.g. saturated
// extra settings for C, for experiments: --ecb-env ECB_BACKEND_MAX_CONCURRENCY=128,ECB_LOG_LEVEL=warn
const ecbEnv = Object.fromEntries((option('--ecb-env') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const out = option('--out') ?? join(resultsDir, quick ? 'quick.json' : 'latest.json');

const P = quick
  ? { rounds: 1, targetRounds: 1, slices: 1, warmupMs: 500, firstSliceWarmupMs: 500, measureMs: 2000, pairs: 250, members: 500, idle: 1000, storm: 200, delays: [20] }
  : { rounds: 3, targetRounds: 5, slices: 3, warmupMs: 1000, firstSliceWarmupMs: 4000, measureMs: 6000, pairs: 250, members: 1000, idle: 5000, storm: 1000, delays: [5, 20, 50] };
// The 1:1 and fan-out groups run more rounds: their targets (saturated throughput, CPU at 2,000/s,
// p99 at 500/s; CPU per delivery at 10/s) are ratios of figures that each vary by ±10 % from window
// to window on a shared machine, and the median of 5 rounds is steadier than that of 3
// (docs/benchmarks.md, findings 14 and 20).
if (option('--rounds') !== undefined) P.rounds = P.targetRounds = Number(option('--rounds'));
// The chat, fan-out and backend groups keep one load-generator session per server open and take
// turns, phase by phase, in slices: each phase's window is cut into `slices` windows of
// measureMs / slices (the fan-out's are not: see its group), and the servers run theirs one after
// the other, in an order that rotates each slice (A B C, B C A, C A B). A server's figure for the
// round adds its slices up (CPU and messages summed, latencies pooled). The machine is shared and
// its speed drifts over seconds: a server's 6-s window taken in one piece could fall into a slow
// spell the others missed (docs/benchmarks.md, finding 15).
if (option('--slices') !== undefined) P.slices = Number(option('--slices'));
const SLICE_WARMUP_MS = 500; // a slice after the phase's first on that server: the server is warm
// A server's first slice of a round (the first phase's first, once its session has connected) warms
// up for P.firstSliceWarmupMs, longer in the full run: the server comes out of a quiet spell (the idle group, the other
// servers' turns), in which V8 shrank its young generation, and regrowing it under load took
// seconds: in runs whose chat rounds follow the idle group, that first slice cost A, B and C
// 1.2-2.2 times their later slices' CPU per message with a 1-s warm-up, and about the same as the
// later ones when the young generation could not shrink (--min-semi-space-size=32, an experiment
// only; docs/benchmarks.md, finding 24). Recorded with the other parameters in the JSON.
// Before its measured rounds, the full run gives every server one unmeasured warm-up round of the
// 1:1, fan-out and backend groups, each phase for 1 s + WARMUP_MS (JMH's warm-up iterations): a server
// is measured warm, its code optimized and its heap grown. ECB has the most code to optimize: in its
// first fan-out round it was still compiling (docs/benchmarks.md, findings 20 and 21), and its first
// round was often its worst. What a warm-up round delivers is checked as any round's; its figures are
// not kept. --no-warmup skips it; --quick has none.
const WARMUP_MS = 2000;
const warmupRound = !quick && !args.includes('--no-warmup');
const timing = { warmupMs: P.warmupMs, measureMs: P.measureMs };

const GROUPS = [
  { group: 'idle', connections: P.idle, settleMs: quick ? 1500 : 3000 },
  {
    group: 'chat',
    rounds: P.targetRounds,
    pairs: P.pairs,
    phases: [
      { name: '1:1 saturated', mode: 'saturated', window: 1, ...timing },
      { name: '1:1 500/s', mode: 'rate', rate: 500, ...timing },
      { name: '1:1 2000/s', mode: 'rate', rate: 2000, ...timing },
    ],
  },
  {
    group: 'fanout',
    // 6-s pieces: the 1,000-member thread's conflated `thread` event goes out about every 3 s, two of
    // them in a 6-s piece after a warm-up; 2-s slices would catch 0 to 3. The 10/s phase, whose CPU per
    // delivery is a target, takes two such pieces per server, in turn (A B C, B C A): 60 messages in
    // one piece left that figure to whatever the machine did in those 6 s (docs/benchmarks.md, finding 26)
    slices: 1,
    rounds: P.targetRounds,
    phases: [
      { name: 'fan-out 10/s', mode: 'rate', rate: 10, senderCount: 4, ...timing, slices: 2, measureMs: Math.min(2, P.slices) * P.measureMs },
      { name: 'fan-out saturated', mode: 'saturated', window: 1, senderCount: 2, ...timing },
    ],
  },
  { group: 'storm', connections: P.storm },
  {
    group: 'chat',
    label: 'backend',
    needsBackend: true,
    pairs: P.pairs,
    phases: P.delays.flatMap((ms) => [
      { name: `backend ${ms} ms, 1000/s`, mode: 'rate', rate: 1000, backendDelayMs: ms, ...timing },
      { name: `backend ${ms} ms, saturated`, mode: 'saturated', window: 1, backendDelayMs: ms, ...timing },
    ]),
  },
];

const log = (line) => process.stderr.write(`${line}\n`);
const started = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
let statusLine = '';
const status = (text) => {
  statusLine = text;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
};
const done = (text) => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  log(text);
};

const main = async () => {
  log(`ECB benchmark (${quick ? 'quick' : 'full'}): servers ${serverNames.join(', ')}; ${cpus().length} CPU(s), ${cpus()[0]?.model}, Node ${process.version}`);
  const work = mkdtempSync(join(tmpdir(), 'ecb-bench-'));
  const keys = newKeys();
  const keyFile = join(work, 'public.pem');
  writeFileSync(keyFile, keys.publicPem);

  // users 0..n-1; chat pairs share users with the fan-out thread (groups never run together)
  const userCount = Math.max(P.members, P.pairs * 2, P.storm);
  const users = Array.from({ length: userCount }, (_, i) => ({
    userId: userId(i),
    token: signJwt(keys.privateKey, { userId: userId(i) }),
    token2: i < P.storm ? signJwt(keys.privateKey, { userId: userId(i) }) : undefined,
  }));
  const threads = {};
  for (let p = 0; p < P.pairs; p += 1) {
    const memberIds = [userId(2 * p), userId(2 * p + 1)];
    threads[`c${p}`] = { memberIds, threadToken: signJwt(keys.privateKey, { threadId: `c${p}`, memberIds }) };
  }
  const fanMembers = users.slice(0, P.members).map((u) => u.userId);
  threads.f0 = { memberIds: fanMembers, threadToken: signJwt(keys.privateKey, { threadId: 'f0', memberIds: fanMembers }) };
  const fixtureFile = join(work, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify({ users, threads }));
  log(`${clock()} ${users.length} users, ${Object.keys(threads).length} threads (fan-out token ${threads.f0.threadToken.length} chars)`);

  const stub = await startStub(fixtureFile);
  const servers = {};
  // an interrupted run must not leave servers behind
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const s of Object.values(servers)) s.stop();
      stub.stop();
      process.exit(130);
    });
  }
  // --profile-interval µs: finer sampling than Node's default 1000 µs, for per-message attribution
  const runtimeFlags = args.includes('--node-defaults') ? [] : ecbNodeFlags();
  const ecbNodeArgs = args.includes('--profile')
    ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, 'profiles')}`, `--cpu-prof-interval=${option('--profile-interval') ?? 1000}`]
    : [];
  // --node-args '--heap-prof --heap-prof-dir=/tmp/h': extra Node flags for every server, for experiments
  ecbNodeArgs.unshift(...runtimeFlags);
  ecbNodeArgs.push(...(option('--node-args') ?? '').split(' ').filter(Boolean));
  const startServer = (name) =>
    name === 'C0'
      ? startEcb('C0', stub.url, keyFile, ecbEnv, ecbNodeArgs, undefined, baseline)
      : name === 'C'
        ? startEcb('C', stub.url, keyFile, ecbEnv, ecbNodeArgs)
        : startRelay(name, stub.url, keyFile, ecbNodeArgs);
  for (const name of serverNames) servers[name] = await startServer(name);
  log(
    `${clock()} started: backend stub ${stub.url}; ${serverNames.map((n) => `${n} pid ${servers[n].pid}`).join(', ')}; Node flags: ${runtimeFlags.join(' ') || "Node's defaults"}`,
  );

  const runs = [];
  const plan = [];
  for (let round = 0; round < Math.max(P.rounds, P.targetRounds); round += 1) {
    for (const g of GROUPS) {
      if (round >= (g.rounds ?? P.rounds)) continue;
      // rotate the order each round so no server always runs first or last; from round 4 on (the 1:1 and
      // fan-out groups' rounds 4 and 5), the rotations of the reversed order, so that no server always follows
      // the same one (in a rotation of A B C, C's slices always come right after B's) and no order
      // comes twice in 5 rounds (docs/benchmarks.md, finding 15)
      const rotated = serverNames.map((_, i) => serverNames[(i + round) % serverNames.length]);
      const order = Math.floor(round / serverNames.length) % 2 === 1 ? rotated.reverse() : rotated;
      if (!selectedGroup(g)) continue;
      const names = serversFor(g, order);
      if (g.phases !== undefined) plan.push({ round, g, interleaved: names });
      else for (const name of names) plan.push({ round, g, name });
    }
  }
  if (warmupRound) {
    const warmups = GROUPS.filter((g) => g.phases !== undefined && selectedGroup(g))
      .map((g) => ({
        round: -1,
        warmup: true,
        g: { ...g, slices: 1, phases: g.phases.map((p) => ({ ...p, measureMs: WARMUP_MS })) },
        interleaved: serversFor(g, serverNames),
      }));
    plan.unshift(...warmups);
  }
  let failed = false;
  const warmupChecks = [];
  for (const [i, entry] of plan.entries()) {
    const { round, g, name } = entry;
    if (entry.interleaved !== undefined) {
      const title = `[${String(i + 1).padStart(2)}/${plan.length} ${clock()}] ${entry.warmup ? 'warm-up round' : `round ${round + 1}`} ${g.label ?? g.group}`;
      const results = await runInterleaved(entry, title, servers, stub, fixtureFile);
      if (entry.warmup) {
        // not measured: only what it delivered is checked
        const problems = results.flatMap((run) => checkRun(run).map((problem) => `warm-up: ${problem}`));
        warmupChecks.push(...problems);
        done(`${title}: ${problems.length === 0 ? 'done (not measured)' : `FAILED ${problems[0]}`}`);
      }
      for (const run of entry.warmup ? [] : results) {
        runs.push(run);
        if (run.error !== undefined) failed = true;
        done(`${title} on ${run.server}: ${run.error === undefined ? summaryLine(run.result) : `FAILED ${run.error.split('\n')[0]}`}`);
      }
      const crashed = entry.interleaved.map((n) => servers[n].state.crashed).find((c) => c !== undefined);
      if (crashed !== undefined) {
        failed = true;
        log(`CRASH: ${crashed}`);
        break;
      }
      continue;
    }
    // Idle memory is measured on a server started for it: after the other
    // scenarios a server's heap holds their garbage, which its collector may
    // free (or not) while the idle connections settle, so RSS after minus
    // RSS before would say more about the previous scenario than about
    // connections (it came out negative for A and B in later rounds).
    const fresh = g.group === 'idle' ? await startServer(name) : undefined;
    const server = fresh ?? servers[name];
    const title = `[${String(i + 1).padStart(2)}/${plan.length} ${clock()}] round ${round + 1} ${g.label ?? g.group} on ${name}`;
    status(title);
    const job = jobFor(g, name, server, fixtureFile, stub);
    try {
      const result = await runLoad(job, (text) => status(`${title}: ${text}`));
      runs.push({ round, group: g.group, server: name, result });
      done(`${title}: ${summaryLine(result)}`);
    } catch (error) {
      failed = true;
      done(`${title}: FAILED ${String(error.message ?? error).split('\n')[0]}`);
      runs.push({ round, group: g.group, server: name, error: String(error.message ?? error) });
    }
    const crashed = server.state.crashed;
    if (fresh !== undefined) await fresh.stop();
    if (crashed !== undefined) {
      failed = true;
      log(`CRASH: ${crashed}`);
      break;
    }
  }

  let scaling;
  if (!quick && !args.includes('--no-scaling')) {
    status(`${clock()} scaling: 2 ECB processes behind the Redis adapter`);
    scaling = await runScaling({ stubUrl: stub.url, keyFile, fixtureFile, timing, pairs: P.pairs, nodeArgs: runtimeFlags }).catch((e) => ({ pending: String(e.message ?? e) }));
    done(`${clock()} scaling: ${scaling.pending ?? JSON.stringify(scaling.summary)}`);
  }

  for (const s of Object.values(servers)) await s.stop();
  stub.stop();

  const scenarios = aggregate(runs);
  const checks = [...warmupChecks, ...runs.flatMap((r) => checkRun(r))];
  if (checks.length > 0) failed = true;
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const summary = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine,
    parameters: P,
    warmup: warmupRound ? `one unmeasured round of the 1:1, fan-out and backend groups, each phase 1 s + ${WARMUP_MS} ms` : 'none',
    nodeFlags: runtimeFlags,
    scenarios,
    targets: withRounds(evaluate(scenarios), runs),
    scaling,
    checks,
    runs,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  printTable(summary);
  log(`\n${clock()} JSON summary: ${out}`);
  const plotted = plotLatency(summary, out.replace(/\.json$/, '') + '-latency.svg');
  if (plotted.length > 0) log(`${clock()} latency plot: ${out.replace(/\.json$/, '')}-latency.svg`);
  const shedding = sheddingFor(runs);
  if (shedding.length > 0) log(`Load shed with retryable errors (overload, not an integrity failure):\n  ${shedding.join('\n  ')}`);
  if (checks.length > 0) log(`CHECK FAILED:\n  ${checks.join('\n  ')}`);
  process.exitCode = failed ? 1 : 0;
};

/** Whether --groups selects the group (every group without it). */
const selectedGroup = (g) => onlyGroups === undefined || onlyGroups.includes(g.label ?? g.group);

/** The servers a group runs on, in `names`' order: a group that needs the backend has no A. */
const serversFor = (g, names) => names.filter((name) => !(g.needsBackend && name === 'A'));

const selectedPhases = (g) => g.phases?.filter((p) => onlyPhases === undefined || onlyPhases.some((part) => p.name.includes(part)));

/** What a load generator is told: the group, its phases, and the server to load. */
const jobFor = (g, name, server, fixtureFile, stub) => ({
  ...g,
  phases: selectedPhases(g),
  server: name,
  url: server.url,
  serverPid: server.pid,
  fixtureFile,
  stubUrl: g.needsBackend ? stub.url : undefined,
});

/**
 * One round of a group with phases, on every server at once: a session per
 * server, then each phase in `P.slices` slices taken in turn (see P.slices).
 * Returns a run per server, its slices added up.
 */
const runInterleaved = async ({ round, g, interleaved: names }, title, servers, stub, fixtureFile) => {
  const sessions = {};
  try {
    for (const name of names) {
      status(`${title}: connecting to ${name}`);
      sessions[name] = await openSession(jobFor(g, name, servers[name], fixtureFile, stub));
    }
    const slices = Object.fromEntries(names.map((name) => [name, {}]));
    for (const [phaseIndex, p] of selectedPhases(g).entries()) {
      // a phase's own slice count, else its group's, never more than the mode's (--quick: 1)
      const sliceCount = Math.min(P.slices, p.slices ?? g.slices ?? P.slices);
      for (let s = 0; s < sliceCount; s += 1) {
        for (const name of names.map((_, i) => names[(i + s) % names.length])) {
          status(`${title}: ${p.name}, slice ${s + 1}/${sliceCount} on ${name}`);
          // a later piece of a phase with a slice count of its own (the fan-out's 10/s: 6-s pieces) comes after
          // the other servers' pieces, 13 s or more of near idleness, and warms up as a round's first slice
          // does: with 0.5 s, every server's second piece cost 5-30 % more than its first (finding 26)
          const laterWarmupMs = p.slices !== undefined ? Math.max(p.warmupMs, P.firstSliceWarmupMs) : Math.min(p.warmupMs, SLICE_WARMUP_MS);
          const warmupMs = s > 0 ? laterWarmupMs : phaseIndex === 0 ? Math.max(p.warmupMs, P.firstSliceWarmupMs) : p.warmupMs;
          const slice = { ...p, measureMs: Math.round(p.measureMs / sliceCount), warmupMs, raw: true };
          (slices[name][p.name] ??= []).push(await sessions[name].phase(slice));
        }
      }
    }
    for (const name of names) await sessions[name].close();
    return names.map((name) => ({
      round,
      group: g.group,
      server: name,
      result: Object.fromEntries(Object.entries(slices[name]).map(([phase, list]) => [phase, addSlices(list)])),
    }));
  } catch (error) {
    for (const session of Object.values(sessions)) session.kill();
    return names.map((name) => ({ round, group: g.group, server: name, error: String(error.message ?? error) }));
  }
};

/** A phase's slices on one server as one result: totals over the slices, latencies pooled. */
const addSlices = (slices) => {
  const total = (figure) => slices.reduce((sum, slice) => sum + figure(slice), 0);
  const seconds = total((r) => r.seconds);
  const msgs = total((r) => r.raw.msgs);
  const deliveries = total((r) => r.raw.deliveries);
  const cpu = total((r) => r.raw.cpu);
  const last = slices[slices.length - 1];
  return {
    seconds,
    slices: slices.length,
    sent: total((r) => r.sent),
    messagesPerSecond: msgs / seconds,
    deliveriesPerSecond: deliveries / seconds,
    threadPushesPerSecond: total((r) => r.raw.threads) / seconds,
    serverCpuPercent: (cpu / 1e6 / seconds) * 100,
    cpuMicrosPerMessage: msgs > 0 ? cpu / msgs : null,
    cpuMicrosPerDelivery: deliveries > 0 ? cpu / deliveries : null,
    latencyMs: summarize(slices.flatMap((r) => r.raw.latencies)),
    // each slice's own figures, in the order run (the JSON's runs only: how much a server moved within its phase)
    bySlice: slices.map((r) => ({ messagesPerSecond: r.messagesPerSecond, cpuMicrosPerMessage: r.cpuMicrosPerMessage, p99Ms: r.latencyMs.p99 })),
    check: sumOf(slices.map((r) => r.check)),
    // counted since the session opened: the last slice's
    ackErrors: last.ackErrors,
    serverRssBytes: last.serverRssBytes,
  };
};

const summaryLine = (result) =>
  Object.entries(result)
    .map(([name, r]) =>
      r.messagesPerSecond !== undefined
        ? `${name} ${Math.round(r.messagesPerSecond)} msg/s ${Math.round(r.cpuMicrosPerMessage)} µs/msg p99 ${r.latencyMs.p99} ms`
        : r.rssBytesPerConnection !== undefined
          ? `${Math.round(r.rssBytesPerConnection / 1024)} KiB/conn`
          : `${Math.round(r.handshakesPerSecond)} handshakes/s ${Math.round(r.cpuMicrosPerHandshake)} µs each`,
    )
    .join(' | ');

/**
 * An overloaded server may shed load with a retryable error (ECB answers
 * BACKEND_UNAVAILABLE when a backend call waits past its deadline); the
 * client library retries those. They are reported (sheddingFor), not
 * counted as integrity failures: only a lost, duplicated or unknown
 * delivery, or a non-retryable failed ack, fails the run.
 */
const RETRYABLE = new Set(['BACKEND_UNAVAILABLE', 'RATE_LIMITED']);

const sheddingFor = (runs) =>
  runs.flatMap((run) =>
    Object.entries(run.result ?? {}).flatMap(([name, r]) => {
      const shed = Object.entries(r.ackErrors ?? {}).filter(([code]) => RETRYABLE.has(code));
      return shed.length === 0 ? [] : [`${run.server} "${name}" round ${run.round + 1}: shed ${JSON.stringify(Object.fromEntries(shed))}`];
    }),
  );

const checkRun = (run) => {
  if (run.error !== undefined) return [`${run.server} ${run.group} round ${run.round + 1}: ${run.error.split('\n')[0]}`];
  return Object.entries(run.result).flatMap(([name, r]) => {
    const c = r.check;
    if (c === undefined) return [];
    const problems = [];
    if (c.lost > 0) problems.push(`${c.lost} lost`);
    if (c.duplicated > 0) problems.push(`${c.duplicated} duplicated`);
    const shed = Object.entries(r.ackErrors ?? {})
      .filter(([code]) => RETRYABLE.has(code))
      .reduce((sum, [, n]) => sum + n, 0);
    if (c.failedAcks > shed) problems.push(`${c.failedAcks - shed} failed acks ${JSON.stringify(r.ackErrors)}`);
    if (c.unknownDeliveries > 0) problems.push(`${c.unknownDeliveries} unknown deliveries`);
    if (c.staleThreadStates > 0) problems.push(`${c.staleThreadStates} members without the latest thread`);
    return problems.length ? [`${run.server} "${name}" round ${run.round + 1}: ${problems.join(', ')}`] : [];
  });
};

/** Median over rounds of every numeric figure, per scenario and server. */
const aggregate = (runs) => {
  const table = {};
  for (const run of runs) {
    if (run.result === undefined) continue;
    for (const [scenario, r] of Object.entries(run.result)) {
      ((table[scenario] ??= {})[run.server] ??= []).push(r);
    }
  }
  const out = {};
  for (const [scenario, byServer] of Object.entries(table)) {
    out[scenario] = {};
    for (const [server, list] of Object.entries(byServer)) out[scenario][server] = medianOf(list);
  }
  return out;
};

/**
 * Each target also computed within each round alone (A, B and C measured
 * minutes apart): the spread says how far one run's medians can be trusted
 * on a shared machine, and a ratio of medians can pair rounds that ran
 * under different load.
 */
const withRounds = (targets, runs) => {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const byRound = rounds.map((round) => evaluate(aggregate(runs.filter((r) => r.round === round))));
  return targets.map((t, i) => ({ ...t, byRound: byRound.map((targetsOfRound) => targetsOfRound[i].value) }));
};

const medianOf = (list) => {
  const first = list[0];
  const result = {};
  for (const [key, value] of Object.entries(first)) {
    if (key === 'bySlice') continue;
    if (typeof value === 'number') result[key] = median(list.map((r) => r[key]));
    else if (key === 'curve') result[key] = value.map(([p], i) => [p, median(list.map((r) => r.curve[i][1]))]);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      result[key] = key === 'check' ? sumOf(list.map((r) => r[key])) : medianOf(list.map((r) => r[key]));
    } else result[key] = value;
  }
  return result;
};

const sumOf = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, list.reduce((s, r) => s + r[k], 0)]));

main().catch((error) => {
  log(`\nbenchmark crashed: ${error?.stack ?? error} (${statusLine})`);
  process.exit(1);
});
