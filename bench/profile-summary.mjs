// Summarizes a .cpuprofile (from `node bench/run.mjs --profile`): self time
// by function and by package, so a finding can be written down.
//   node bench/profile-summary.mjs bench/results/profiles/<file>.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/src/')) return 'ecb:' + url.split('/dist/src/')[1].split('/').slice(0, 2).join('/');
  return url === '' ? '(native/gc/idle)' : url.startsWith('node:') ? 'node-core' : url;
};
const fn = new Map();
const pkg = new Map();
for (const [id, us] of self) {
  const { callFrame: c } = byId.get(id);
  const key = `${c.functionName || '(anonymous)'}  ${where(c.url)}:${c.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  pkg.set(where(c.url), (pkg.get(where(c.url)) ?? 0) + us);
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
