import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newRequestId } from '../../../src/adapters/request-id.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes retained per string that `make` returns, over many of them. */
const retainedPerString = (make: () => string): number => {
  const count = 20_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < count; i++) kept.push(make());
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / count;
  expect(kept).to.have.length(count);
  return bytes;
};

describe('newRequestId', () => {
  it('is a UUID in the version 4 layout, different every time', () => {
    const ids = new Set(Array.from({ length: 20_000 }, newRequestId));
    expect(ids.size).to.equal(20_000);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('starts from a random prefix in every process, so that two nodes do not give the same ids', () => {
    const module = new URL('../../../src/adapters/request-id.js', import.meta.url).href;
    const script = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(m.newRequestId()))`;
    const first = (): string => execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const a = first();
    const b = first();
    expect(a).to.not.equal(b);
    expect(a.slice(0, 24)).to.not.equal(b.slice(0, 24));
  });

  it('is one flat string, not the tree of pieces randomUUID builds (a few hundred bytes less per request in flight)', () => {
    // a flat 36-character string takes about 56 bytes, its slot in the array 8 more;
    // the tree randomUUID returns takes about 490 (Node 20)
    expect(retainedPerString(newRequestId)).to.be.below(150);
  });
});
