// Latency percentile plot of a benchmark summary, as an SVG (no dependencies):
// one panel per fixed-rate scenario, latency (log scale) against percentile
// (HdrHistogram style: 50, 90, 99, 99.9 evenly spaced), one line per server.
//   node bench/plot.mjs [summary.json] [out.svg]
// Defaults: bench/results/latest.json -> bench/results/latest-latency.svg.
// run.mjs calls plotLatency() after a full run.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SERVERS = [
  { name: 'A', label: 'A relay', color: '#7f7f7f', dash: '4 3' },
  { name: 'B', label: 'B lean', color: '#1f77b4', dash: '' },
  { name: 'C', label: 'C ECB', color: '#d62728', dash: '' },
];
const PREFERRED = ['1:1 500/s', '1:1 2000/s', 'fan-out 10/s', 'backend 20 ms, 1000/s'];
const W = 330;
const H = 230;
const M = { left: 52, right: 12, top: 28, bottom: 40 };

/** x position of a percentile: -log10(1 - p/100), so 90, 99, 99.9 are one step apart. */
const nines = (p) => -Math.log10(1 - Math.min(p, 99.99) / 100);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const panel = (title, curves, x0, y0) => {
  const points = curves.flatMap((c) => c.curve);
  const values = points.map(([, ms]) => ms).filter((ms) => ms > 0);
  if (values.length === 0) return '';
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const xMax = nines(99.9);
  const px = (p) => x0 + M.left + (nines(p) / xMax) * (W - M.left - M.right);
  const py = (ms) =>
    y0 + M.top + (1 - (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - M.top - M.bottom);
  const out = [`<text x="${x0 + W / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  for (let d = lo; d <= hi * 1.001; d *= 10) {
    out.push(`<line x1="${px(0)}" x2="${px(99.9)}" y1="${py(d)}" y2="${py(d)}" stroke="#ddd"/>`);
    out.push(`<text x="${px(0) - 4}" y="${py(d) + 4}" text-anchor="end">${d >= 1 ? d : d.toPrecision(1)}</text>`);
  }
  for (const p of [0, 50, 90, 99, 99.9]) {
    out.push(`<line x1="${px(p)}" x2="${px(p)}" y1="${py(lo)}" y2="${py(hi)}" stroke="#eee"/>`);
    out.push(`<text x="${px(p)}" y="${py(lo) + 14}" text-anchor="middle">${p === 0 ? '0' : `p${p}`}</text>`);
  }
  out.push(`<text x="${x0 + 12}" y="${y0 + M.top + (H - M.top - M.bottom) / 2}" transform="rotate(-90 ${x0 + 12} ${y0 + M.top + (H - M.top - M.bottom) / 2})" text-anchor="middle">ms</text>`);
  for (const { server, curve } of curves) {
    const d = curve.map(([p, ms], i) => `${i === 0 ? 'M' : 'L'}${px(p).toFixed(1)},${py(ms).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${server.color}" stroke-width="2" stroke-dasharray="${server.dash}"/>`);
  }
  return out.join('\n');
};

/** Writes the SVG for `summary` (a run.mjs JSON summary) to `outFile`; returns the scenarios plotted. */
export const plotLatency = (summary, outFile) => {
  const scenarios = PREFERRED.filter((name) => summary.scenarios?.[name] !== undefined);
  const panels = scenarios.map((name, i) => {
    const curves = SERVERS.flatMap((server) => {
      const curve = summary.scenarios[name][server.name]?.latencyMs?.curve?.filter(([, ms]) => Number.isFinite(ms));
      return curve?.length ? [{ server, curve: [[0, curve[0][1]], ...curve] }] : [];
    });
    return panel(name, curves, (i % 2) * W, Math.floor(i / 2) * H);
  });
  const rows = Math.max(1, Math.ceil(scenarios.length / 2));
  const legend = SERVERS.map(
    (s, i) =>
      `<line x1="${20 + i * 110}" x2="${44 + i * 110}" y1="${rows * H + 14}" y2="${rows * H + 14}" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/>` +
      `<text x="${50 + i * 110}" y="${rows * H + 18}">${s.label}</text>`,
  ).join('\n');
  const caption = `send-to-delivery latency by percentile, ${esc(summary.mode ?? '')} run ${esc(summary.date ?? '')}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${rows * H + 46}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${panels.join('\n')}
${legend}
<text x="20" y="${rows * H + 36}" fill="#555">${caption}</text>
</svg>
`;
  writeFileSync(outFile, svg);
  return scenarios;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const input = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
  const output = process.argv[3] ?? input.replace(/\.json$/, '-latency.svg');
  const plotted = plotLatency(JSON.parse(readFileSync(input, 'utf8')), output);
  process.stderr.write(`${output}: ${plotted.join(', ')}\n`);
}
