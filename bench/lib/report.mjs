// The table printed after a run and the target ratios of the issue.

const get = (scenarios, scenario, server, path) =>
  path.split('.').reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), scenarios[scenario]?.[server]);

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);

/** The issue's targets, each as measured value, limit and verdict (never an exit code). */
export const evaluate = (s) => {
  const v = (scenario, server, path) => get(s, scenario, server, path);
  const cpuA = v('1:1 2000/s', 'A', 'cpuMicrosPerMessage');
  const cpuB = v('1:1 2000/s', 'B', 'cpuMicrosPerMessage');
  const cpuC = v('1:1 2000/s', 'C', 'cpuMicrosPerMessage');
  const targets = [
    {
      target: '1:1 saturated throughput C/B >= 0.85',
      value: ratio(v('1:1 saturated', 'C', 'messagesPerSecond'), v('1:1 saturated', 'B', 'messagesPerSecond')),
      limit: 0.85,
      higherIsBetter: true,
    },
    {
      target: 'server CPU per message at 2000/s (C-A)/(B-A) <= 1.3',
      value: ratio(cpuC - cpuA, cpuB - cpuA),
      limit: 1.3,
    },
    { target: 'p99 latency at 500/s C/B <= 1.25', value: ratio(v('1:1 500/s', 'C', 'latencyMs.p99'), v('1:1 500/s', 'B', 'latencyMs.p99')), limit: 1.25 },
    {
      target: 'fan-out CPU per delivery at 10/s C/A <= 1.2',
      value: ratio(v('fan-out 10/s', 'C', 'cpuMicrosPerDelivery'), v('fan-out 10/s', 'A', 'cpuMicrosPerDelivery')),
      limit: 1.2,
    },
    {
      target: 'idle RSS per connection C/A <= 1.2',
      value: ratio(v('idle', 'C', 'rssBytesPerConnection'), v('idle', 'A', 'rssBytesPerConnection')),
      limit: 1.2,
    },
  ];
  return targets.map((t) => ({
    ...t,
    value: Number.isFinite(t.value) ? Number(t.value.toFixed(3)) : null,
    met: Number.isFinite(t.value) ? (t.higherIsBetter ? t.value >= t.limit : t.value <= t.limit) : null,
  }));
};

const ROWS = [
  ['messagesPerSecond', 'msg/s', 0],
  ['deliveriesPerSecond', 'deliveries/s', 0],
  ['cpuMicrosPerMessage', 'CPU µs/msg', 0],
  ['cpuMicrosPerDelivery', 'CPU µs/delivery', 1],
  ['latencyMs.p50', 'p50 ms', 2],
  ['latencyMs.p99', 'p99 ms', 2],
  ['latencyMs.p999', 'p99.9 ms', 2],
  ['rssBytesPerConnection', 'RSS KiB/conn', 1, 1 / 1024],
  ['rssBytesPerConnectionMarginal', 'KiB/conn margin', 1, 1 / 1024],
  ['handshakesPerSecond', 'handshakes/s', 0],
  ['cpuMicrosPerHandshake', 'CPU µs/handshake', 0],
  ['connectMs.p99', 'connect p99 ms', 1],
];

const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** Rows of [scenario, metric, A, B, C, C/B, C/A] as strings. */
export const tableRows = (summary) => {
  const rows = [];
  for (const [scenario, byServer] of Object.entries(summary.scenarios)) {
    const flat = (server) => {
      const r = byServer[server];
      if (r === undefined) return undefined;
      return r.idle ?? r.storm ?? r;
    };
    for (const [path, label, digits, scale = 1] of ROWS) {
      const val = (server) => {
        const x = get({ s: { [server]: flat(server) } }, 's', server, path);
        return typeof x === 'number' ? x * scale : undefined;
      };
      if (['A', 'B', 'C'].every((n) => val(n) === undefined)) continue;
      if (scenario.startsWith('fan-out') && path === 'cpuMicrosPerMessage') continue;
      if (!scenario.startsWith('fan-out') && path === 'cpuMicrosPerDelivery') continue;
      const [a, b, c] = ['A', 'B', 'C'].map(val);
      rows.push([scenario, label, fmt(a, digits), fmt(b, digits), fmt(c, digits), fmt(ratio(c, b), 2), fmt(ratio(c, a), 2)]);
    }
  }
  return rows;
};

export const printTable = (summary) => {
  const header = ['scenario', 'metric', 'A relay', 'B lean', 'C ECB', 'C/B', 'C/A'];
  const rows = [header, ...tableRows(summary)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const w = process.stdout.write.bind(process.stdout);
  w(`\n${line(header)}\n${widths.map((n) => '-'.repeat(n)).join('  ')}\n`);
  let last = '';
  for (const r of rows.slice(1)) {
    w(`${line(r[0] === last ? ['', ...r.slice(1)] : r)}\n`);
    last = r[0];
  }
  w('\nTargets (ratios of the medians over rounds; then each round alone):\n');
  for (const t of summary.targets) {
    const rounds = (t.byRound ?? []).length > 1 ? `  (round by round: ${t.byRound.map((v) => v ?? '—').join(', ')})` : '';
    w(`  ${t.met === null ? '  n/a' : t.met ? '  met' : 'SHORT'}  ${t.target}: ${t.value ?? '—'}${rounds}\n`);
  }
  const checked = summary.runs.filter((r) => r.result !== undefined).length;
  w(`\nIntegrity: ${summary.checks.length === 0 ? `no message lost or duplicated, no failed ack (${checked} runs)` : summary.checks.join('; ')}\n`);
};
