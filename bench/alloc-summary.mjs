// Summarizes an allocation profile written by `node bench/pipeline.mjs --alloc-prof DIR`:
// the bytes allocated per operation (the messages the profiled process served while it
// sampled), by allocating function (self) and, for ECB's own functions and B's
// (bench/lib/lean-relay.mjs), inclusively (each sample counted once per function on its stack).
//   node bench/alloc-summary.mjs <file>.heapprofile [top]
import { readFileSync } from 'node:fs';
import { frameName, isOwnName } from './lib/profile-frames.mjs';

const [file, top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const perOperation = (bytes) => bytes / profile.operations;

const self = new Map();
const inclusive = new Map();
let total = 0;
const walk = (node, stack) => {
  const name = frameName(node.callFrame);
  const here = isOwnName(name) && !stack.includes(name) ? [...stack, name] : stack;
  if (node.selfSize > 0) {
    total += node.selfSize;
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    for (const own of here) inclusive.set(own, (inclusive.get(own) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
};
walk(profile.head, []);

const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [name, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${perOperation(bytes).toFixed(0).padStart(7)} B  ${name}`);
  }
};
console.log(`${file}: ${profile.operations} operations, ${perOperation(total).toFixed(0)} bytes allocated per operation (sampled estimate)`);
show('allocated by function (self), bytes per operation', self, Number(top));
show("allocated within ECB's (or B's) functions (inclusive), bytes per operation", inclusive, Number(top));
