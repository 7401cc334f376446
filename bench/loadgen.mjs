// The load generator: socket.io-client over the websocket transport, one
// connection per client, in its own process (forked by run.mjs, pinned away
// from the server's core). It runs one scenario group against one server and
// reports through IPC, or holds a session (one server's connections, kept
// open) and runs a phase whenever run.mjs asks, so that the servers can take
// turns within a phase (see the message handler at the end). Every message
// is tracked by a sequence number so that loss, duplication and failed acks
// are counted exactly.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { io } from 'socket.io-client';
import { cpuMicros, rssBytes } from './lib/proc.mjs';
import { summarize } from './lib/stats.mjs';

const DRAIN_TIMEOUT_MS = 15_000;
const CONNECT_BATCH = 100;

const progress = (text) => process.send?.({ type: 'progress', text });

const connect = (url, userToken) =>
  new Promise((resolve) => {
    const started = performance.now();
    const socket = io(url, {
      transports: ['websocket'],
      auth: { userToken },
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    socket.once('connect', () => resolve({ socket, ms: performance.now() - started }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ socket: undefined, ms: performance.now() - started, error: String(error?.message ?? error) });
    });
  });

// `url` is one server's URL, or a function of the client's index (scaling:
// clients spread over several nodes).
const connectAll = async (url, tokens, batch = CONNECT_BATCH) => {
  const urlOf = typeof url === 'function' ? url : () => url;
  const results = [];
  for (let i = 0; i < tokens.length; i += batch) {
    results.push(...(await Promise.all(tokens.slice(i, i + batch).map((t, k) => connect(urlOf(i + k), t)))));
    if (i % 1000 === 0 && tokens.length > 1000) progress(`connected ${results.length}/${tokens.length}`);
  }
  const failed = results.filter((r) => r.socket === undefined);
  if (failed.length > 0) throw new Error(`${failed.length} connections failed (${failed[0].error})`);
  return results.map((r) => r.socket);
};

const emitAck = (socket, event, payload) =>
  new Promise((resolve) => socket.timeout(DRAIN_TIMEOUT_MS).emit(event, payload, (err, answer) => resolve(err ? { ok: false } : answer)));

const closeAll = async (sockets) => {
  for (const s of sockets) s?.close();
  await sleep(300);
};

/**
 * CPU time of the processes under test: `serverPid` is one pid, or (scaling)
 * an object of name → pid whose sum is the server figure; `extraPids`
 * (name → pid, e.g. Redis) are reported apart and not summed in.
 */
const cpuSample = (serverPid, extraPids = {}) => {
  const servers = typeof serverPid === 'number' ? { server: serverPid } : serverPid;
  const by = {};
  for (const [name, pid] of Object.entries({ ...servers, ...extraPids })) by[name] = cpuMicros(pid);
  return { total: Object.keys(servers).reduce((sum, name) => sum + by[name], 0), by };
};

/**
 * BENCH_WINDOW_CMD: a shell command started as each measure window opens,
 * with the server's pid in $PID (e.g. `perf record -t $PID -- sleep 5`), so
 * that a profile or a per-thread count covers the measured window only.
 */
const runWindowCommand = (serverPid) => {
  const command = process.env.BENCH_WINDOW_CMD;
  if (command === undefined || command === '') return;
  spawn('sh', ['-c', command], { env: { ...process.env, PID: String(serverPid) }, stdio: 'ignore' }).on('error', () => undefined);
};

const rssOf = (serverPid) =>
  typeof serverPid === 'number' ? rssBytes(serverPid) : Object.values(serverPid).reduce((sum, pid) => sum + rssBytes(pid), 0);

const setBackendDelay = async (stubUrl, ms) => {
  await fetch(`${stubUrl}/__delay`, { method: 'POST', body: JSON.stringify({ ms }) });
};

/**
 * Message traffic on joined threads. `clients[i]` sends on `threadOf[i]`;
 * each message must reach `expected` other connections exactly once.
 */
const traffic = (clients, threadOf, expectedDeliveries, expectedThreads, checkThreadState = false) => {
  const sentAt = [];
  // the thread state check (large threads, whose `thread` events are conflated): after the
  // drain, every member's latest `thread` event must carry the latest acked lastMessageTime
  const latestAckedTime = new Map(); // threadToken -> highest lastMessageTime in an ack
  const latestSeenTime = clients.map(() => -Infinity);
  const delivered = [];
  const acked = []; // 1 ok, 2 failed
  const counters = { acks: 0, failedAcks: 0, deliveries: 0, threads: 0, unknown: 0 };
  const ackErrors = {};
  let window = undefined; // { from, to, latencies }
  let nextSeq = 0;
  let sending = false;

  const onMessage = (payload) => {
    const data = payload?.message?.data;
    const seq = data?.seq;
    if (typeof seq !== 'number' || sentAt[seq] === undefined) {
      counters.unknown += 1;
      return;
    }
    delivered[seq] = (delivered[seq] ?? 0) + 1;
    counters.deliveries += 1;
    if (window !== undefined && sentAt[seq] >= window.from && sentAt[seq] < window.to) {
      window.latencies.push(performance.now() - sentAt[seq]);
    }
  };
  clients.forEach((c, i) => {
    c.on('message', onMessage);
    c.on('thread', (payload) => {
      counters.threads += 1;
      const time = payload?.thread?.lastMessageTime;
      if (typeof time === 'number' && time > latestSeenTime[i]) latestSeenTime[i] = time;
    });
  });
  const staleThreadStates = () =>
    clients.filter((_, i) => latestSeenTime[i] < (latestAckedTime.get(threadOf[i]) ?? -Infinity)).length;

  const send = (index, onAck) => {
    const seq = nextSeq++;
    sentAt[seq] = performance.now();
    clients[index].emit(
      'sendMessage',
      {
        threadToken: threadOf[index],
        message: { type: 'text', data: { messageText: 'hello, this is a benchmark message', seq } },
        clientMessageId: `b${seq}`,
      },
      (answer) => {
        if (answer?.ok === true) {
          acked[seq] = 1;
          counters.acks += 1;
          const time = answer.data?.thread?.lastMessageTime;
          if (typeof time === 'number' && time > (latestAckedTime.get(threadOf[index]) ?? -Infinity)) {
            latestAckedTime.set(threadOf[index], time);
          }
        } else {
          acked[seq] = 2;
          counters.failedAcks += 1;
          const code = answer?.error?.code ?? 'NO_ANSWER';
          ackErrors[code] = (ackErrors[code] ?? 0) + 1;
        }
        onAck?.();
      },
    );
  };

  /** One phase: warm-up, a measured window, then a drain that checks every message. */
  const phase = async (p, serverPid, extraPids) => {
    const { mode, rate, window: inFlight, senders, warmupMs, measureMs } = p;
    const firstSeq = nextSeq;
    const ackBase = { ...counters };
    sending = true;
    const start = performance.now();
    let timer;
    if (mode === 'saturated') {
      const loop = (index) => {
        if (sending) send(index, () => loop(index));
      };
      for (const index of senders) for (let k = 0; k < inFlight; k += 1) loop(index);
    } else {
      let sent = 0;
      let turn = 0;
      timer = setInterval(() => {
        const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
        for (let k = 0; k < due; k += 1) {
          send(senders[turn]);
          turn = (turn + 1) % senders.length;
        }
        sent += Math.max(0, due);
      }, 2);
    }
    await sleep(warmupMs);
    const cpuBefore = cpuSample(serverPid, extraPids);
    if (typeof serverPid === 'number') runWindowCommand(serverPid);
    const before = { ...counters, cpu: cpuBefore.total, at: performance.now() };
    window = { from: before.at, to: Infinity, latencies: [] };
    await sleep(measureMs);
    const cpuAfter = cpuSample(serverPid, extraPids);
    const after = { ...counters, cpu: cpuAfter.total, at: performance.now() };
    window.to = after.at;
    sending = false;
    clearInterval(timer);

    // drain: every message sent in this phase acked and delivered, or the timeout
    const lastSeq = nextSeq;
    const drainStart = performance.now();
    const settled = () => {
      for (let s = firstSeq; s < lastSeq; s += 1) {
        if (acked[s] === undefined) return false;
        if (acked[s] === 1 && (delivered[s] ?? 0) < expectedDeliveries) return false;
      }
      return true;
    };
    while (!settled() && performance.now() - drainStart < DRAIN_TIMEOUT_MS) await sleep(50);
    await sleep(200); // late duplicates would show up here
    // a conflated `thread` event follows within its interval (ECB_THREAD_EVENT_*: 1 s, or longer for a thread whose events
    // would exceed 8 MB/s: ~3 s for the 1,000-member thread)
    while (checkThreadState && staleThreadStates() > 0 && performance.now() - drainStart < DRAIN_TIMEOUT_MS) await sleep(50);
    let lost = 0;
    let duplicated = 0;
    let unacked = 0;
    for (let s = firstSeq; s < lastSeq; s += 1) {
      const d = delivered[s] ?? 0;
      if (acked[s] === undefined) unacked += 1;
      if (acked[s] === 1 && d < expectedDeliveries) lost += 1;
      if (d > expectedDeliveries) duplicated += 1;
    }
    const seconds = (after.at - before.at) / 1000;
    const msgs = after.acks - before.acks;
    const deliveries = after.deliveries - before.deliveries;
    const cpu = after.cpu - before.cpu;
    const result = {
      seconds,
      sent: lastSeq - firstSeq,
      messagesPerSecond: msgs / seconds,
      deliveriesPerSecond: deliveries / seconds,
      threadPushesPerSecond: (after.threads - before.threads) / seconds,
      serverCpuPercent: (cpu / 1e6 / seconds) * 100,
      cpuMicrosPerMessage: msgs > 0 ? cpu / msgs : NaN,
      cpuMicrosPerDelivery: deliveries > 0 ? cpu / deliveries : NaN,
      latencyMs: summarize(window.latencies),
      check: {
        lost,
        duplicated,
        failedAcks: counters.failedAcks - ackBase.failedAcks + unacked,
        unknownDeliveries: counters.unknown - ackBase.unknown,
        threadPushes: counters.threads - ackBase.threads,
        staleThreadStates: checkThreadState ? staleThreadStates() : 0,
        expectedThreadPushes: expectedThreads * (counters.acks - ackBase.acks),
      },
      ackErrors: { ...ackErrors },
      serverRssBytes: rssOf(serverPid),
    };
    if (typeof serverPid !== 'number' || extraPids !== undefined) {
      result.cpuMicrosPerMessageBy = Object.fromEntries(
        Object.keys(cpuAfter.by).map((name) => [name, msgs > 0 ? (cpuAfter.by[name] - cpuBefore.by[name]) / msgs : NaN]),
      );
    }
    // a slice of an interleaved phase: what run.mjs needs to add slices up (totals, every latency)
    if (p.raw === true) result.raw = { msgs, deliveries, cpu, threads: after.threads - before.threads, latencies: window.latencies };
    window = undefined;
    return result;
  };
  return { phase };
};

const joinAll = async (clients, threadOf) => {
  const answers = await Promise.all(clients.map((c, i) => emitAck(c, 'getThread', { threadToken: threadOf[i] })));
  const failed = answers.filter((a) => a?.ok !== true).length;
  if (failed > 0) throw new Error(`${failed} getThread calls failed`);
};

/**
 * The chat and fan-out groups: connections made and joined once, then any
 * number of phases on them (one after the other, or, in a session, when
 * run.mjs asks: interleaved with the other servers' sessions).
 */
const setups = {
  /** 1:1 chats: pairs of users, each pair a thread, both members sending. */
  async chat(job, fixture) {
    const users = fixture.users.slice(0, job.pairs * 2);
    // scaling: `urls` are nodes; 'cross' puts the two members of a pair
    // (users 2p, 2p+1) on different nodes, 'same' puts pair p on node p mod n
    const urlOf =
      job.urls === undefined
        ? job.url
        : (i) => job.urls[(job.placement === 'cross' ? i : i >> 1) % job.urls.length];
    const clients = await connectAll(urlOf, users.map((u) => u.token));
    const threadOf = users.map((_, i) => fixture.threads[`c${i >> 1}`].threadToken);
    await joinAll(clients, threadOf);
    const senders = clients.map((_, i) => i);
    const t = traffic(clients, threadOf, 1, job.server === 'A' ? 0 : 2);
    return { clients, run: (p) => t.phase({ ...p, senders }, job.serverPid, job.extraPids) };
  },

  /** One thread of `members` connections; a few of them send. */
  async fanout(job, fixture) {
    const thread = fixture.threads.f0;
    const users = fixture.users.slice(0, thread.memberIds.length);
    const clients = await connectAll(job.url, users.map((u) => u.token));
    const threadOf = users.map(() => thread.threadToken);
    await joinAll(clients, threadOf);
    const t = traffic(clients, threadOf, clients.length - 1, job.server === 'A' ? 0 : clients.length, job.server !== 'A');
    return {
      clients,
      run: (p) => t.phase({ ...p, senders: [0, 1, 2, 3].slice(0, p.senderCount ?? 1) }, job.serverPid, job.extraPids),
    };
  },
};

/** One phase on a set-up group, with the backend stub's delay it asks for. */
const runPhase = async (job, setup, p) => {
  progress(p.name);
  if (job.stubUrl !== undefined) await setBackendDelay(job.stubUrl, p.backendDelayMs ?? 0);
  const result = await setup.run(p);
  if (job.stubUrl !== undefined) await setBackendDelay(job.stubUrl, 0);
  return result;
};

/** A group run at once: set up, every phase, closed. */
const allPhases = (setup) => async (job, fixture) => {
  const ready = await setup(job, fixture);
  const phases = {};
  for (const p of job.phases) phases[p.name] = await runPhase(job, ready, p);
  await closeAll(ready.clients);
  return phases;
};

const groups = {
  chat: allPhases(setups.chat),
  fanout: allPhases(setups.fanout),

  /**
   * Idle connections: the server's RSS before, halfway and after, per
   * connection. Two figures: from the start (everything the connections
   * made the process take, fixed costs included: V8 growing its young
   * generation, the handshake path's compiled code) and at the margin, over
   * the second half (what one more connection costs once the process is
   * warm). Each half settles before RSS is read.
   */
  async idle(job, fixture) {
    await sleep(1000);
    const before = rssBytes(job.serverPid);
    const tokens = Array.from({ length: job.connections }, (_, i) => fixture.users[i % fixture.users.length].token);
    const half = Math.floor(tokens.length / 2);
    const first = await connectAll(job.url, tokens.slice(0, half));
    await sleep(job.settleMs);
    const halfway = rssBytes(job.serverPid);
    const second = await connectAll(job.url, tokens.slice(half));
    await sleep(job.settleMs);
    const after = rssBytes(job.serverPid);
    await closeAll([...first, ...second]);
    return {
      idle: {
        connections: first.length + second.length,
        rssBeforeBytes: before,
        rssHalfwayBytes: halfway,
        rssAfterBytes: after,
        rssBytesPerConnection: (after - before) / (first.length + second.length),
        rssBytesPerConnectionMarginal: (after - halfway) / second.length,
      },
    };
  },

  /** Every client drops and reconnects at once with a fresh token (a deploy, a network blip). */
  async storm(job, fixture) {
    const users = fixture.users.slice(0, job.connections);
    const first = await connectAll(job.url, users.map((u) => u.token));
    await sleep(500);
    const cpu0 = cpuMicros(job.serverPid);
    const started = performance.now();
    for (const s of first) s.close();
    const results = await Promise.all(users.map((u) => connect(job.url, u.token2)));
    const seconds = (performance.now() - started) / 1000;
    await sleep(300); // let the server finish the disconnects it was handed
    const cpu = cpuMicros(job.serverPid) - cpu0;
    const ok = results.filter((r) => r.socket !== undefined);
    await closeAll(ok.map((r) => r.socket));
    return {
      storm: {
        connections: users.length,
        failedHandshakes: results.length - ok.length,
        seconds,
        handshakesPerSecond: ok.length / seconds,
        cpuMicrosPerHandshake: cpu / results.length,
        connectMs: summarize(ok.map((r) => r.ms)),
      },
    };
  },
};

/**
 * Two ways to be driven: a one-shot job (`{ group, ... }`: the group's
 * result, then exit), or a session (`{ type: 'open', job }`, then
 * `{ type: 'phase', phase }` as often as run.mjs asks, each answered with
 * that phase's result, then `{ type: 'close' }`): run.mjs keeps one session
 * per server open and interleaves their phases in short slices.
 */
let session;
process.on('message', async (message) => {
  try {
    if (message.type === 'open') {
      const fixture = JSON.parse(readFileSync(message.job.fixtureFile, 'utf8'));
      session = { job: message.job, ready: await setups[message.job.group](message.job, fixture) };
      process.send({ type: 'opened' });
    } else if (message.type === 'phase') {
      process.send({ type: 'result', result: await runPhase(session.job, session.ready, message.phase) });
    } else if (message.type === 'close') {
      await closeAll(session.ready.clients);
      process.send({ type: 'closed' });
      setTimeout(() => process.exit(0), 100);
    } else {
      const fixture = JSON.parse(readFileSync(message.fixtureFile, 'utf8'));
      process.send({ type: 'result', result: await groups[message.group](message, fixture) });
      setTimeout(() => process.exit(0), 100);
    }
  } catch (error) {
    process.send({ type: 'error', error: String(error?.stack ?? error) });
    setTimeout(() => process.exit(0), 100);
  }
});
