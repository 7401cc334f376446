import { expect } from 'chai';
import fc from 'fast-check';
import { InMemoryIdempotencyStore } from '../../../backend-kit/index.js';

const record = (n: number) => ({ request: 'addThreadMessage t1', result: { n } });

describe('InMemoryIdempotencyStore', () => {
  it('finds what was saved, per user and key', async () => {
    const store = new InMemoryIdempotencyStore(10);
    await store.save('alice', 'k1', record(1));
    expect(await store.find('alice', 'k1')).to.deep.equal(record(1));
    expect(await store.find('bob', 'k1')).to.equal(undefined);
    expect(await store.find('alice', 'k2')).to.equal(undefined);
  });

  it('forgets the oldest records beyond its bound, and only those', async () => {
    const store = new InMemoryIdempotencyStore(3);
    for (const n of [1, 2, 3, 4, 5]) await store.save('alice', `k${n}`, record(n));
    expect(await store.find('alice', 'k1')).to.equal(undefined);
    expect(await store.find('alice', 'k2')).to.equal(undefined);
    for (const n of [3, 4, 5]) expect(await store.find('alice', `k${n}`)).to.deep.equal(record(n));
  });

  it('keeps a replaced record in its place in line', async () => {
    const store = new InMemoryIdempotencyStore(2);
    await store.save('alice', 'k1', record(1));
    await store.save('alice', 'k2', record(2));
    await store.save('alice', 'k1', record(10)); // replaced: still the oldest, no room taken
    await store.save('alice', 'k3', record(3));
    expect(await store.find('alice', 'k1')).to.equal(undefined);
    expect(await store.find('alice', 'k2')).to.deep.equal(record(2));
    expect(await store.find('alice', 'k3')).to.deep.equal(record(3));
  });

  it('keeps exactly the latest keys first saved, whatever the sequence (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(8), { maxLength: 60 }), async (max, keys) => {
        const store = new InMemoryIdempotencyStore(max);
        const firstSaved: number[] = []; // the model: keys in the order first saved, oldest dropped past `max`
        for (const [i, key] of keys.entries()) {
          await store.save('u', `k${key}`, record(i));
          if (!firstSaved.includes(key)) {
            firstSaved.push(key);
            if (firstSaved.length > max) firstSaved.shift();
          }
        }
        for (let key = 0; key <= 8; key++) {
          const found = await store.find('u', `k${key}`);
          expect(found !== undefined, `k${key}`).to.equal(firstSaved.includes(key));
        }
      }),
      { numRuns: 300 },
    );
  });
});
