// Summarizes a .cpuprofile (from `node bench/run.mjs --profile` or
// `node bench/pipeline.mjs --cpu-prof DIR`): self time by function and by
// package, and with --per N the inclusive time of ECB's own functions (each
// sample counted once per function on its stack) in µs per one of N
// operations (e.g. the messages the profiled process served), so a finding
// can be written down.
//   node bench/profile-summary.mjs <file>.cpuprofile [top] [--per N]
import { readFileSync } from 'node:fs';
import { areaOf, frameName, isOwnName } from './lib/profile-frames.mjs';

const args = process.argv.slice(2);
const perIndex = args.indexOf('--per');
const per = perIndex === -1 ? undefined : Number(args.splice(perIndex, 2)[1]);
const [file, top = '25'] = args;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const keyOf = (id) => frameName(byId.get(id).callFrame);
const fn = new Map();
const pkg = new Map();
for (const [id, us] of self) {
  const { callFrame: c } = byId.get(id);
  const key = keyOf(id);
  fn.set(key, (fn.get(key) ?? 0) + us);
  pkg.set(areaOf(c.url), (pkg.get(areaOf(c.url)) ?? 0) + us);
}
const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
show('self time by package/area', pkg, 20);
show('self time by function', fn, Number(top));

if (per !== undefined) {
  // inclusive time: every sample adds its delta to each distinct function on its stack
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const inclusive = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) seen.add(keyOf(at));
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
  console.log(`\ninclusive time of ECB's functions (or B's, bench/lib/lean-relay.mjs), µs per operation (${per} operations; ${(total / per).toFixed(2)} µs per operation in all)`);
  for (const [k, us] of [...inclusive].filter(([k]) => isOwnName(k)).sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${(us / per).toFixed(2).padStart(7)}  ${k}`);
  }
}
