import { expect } from 'chai';
import { KeyedTokenBuckets, retryHint, TokenBucket } from '../../../src/adapters/token-buckets.js';

/** The token buckets behind every rate limit, on a hand-moved clock. */
describe('abuse: token buckets', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 0;
  });

  it('allows a full burst at once, then refuses with the wait until the next token', () => {
    const bucket = new TokenBucket({ perSecond: 4, burst: 3 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([0, 0, 0]);
    expect(bucket.take()).to.equal(250);
    now = 100;
    expect(bucket.take()).to.equal(150);
    now = 250;
    expect(bucket.take()).to.equal(0);
    expect(bucket.take()).to.equal(250);
  });

  it('never saves more than the burst, however long it idles', () => {
    const bucket = new TokenBucket({ perSecond: 10, burst: 2 }, clock);
    now = 60_000;
    expect([bucket.take(), bucket.take()]).to.deep.equal([0, 0]);
    expect(bucket.take()).to.be.greaterThan(0);
  });

  it('gives a refunded token back, up to the burst', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, clock);
    expect(bucket.take()).to.equal(0);
    bucket.refund();
    expect(bucket.take()).to.equal(0);
    expect(bucket.take()).to.be.greaterThan(0);
  });

  it('is off at a rate of 0', () => {
    const bucket = new TokenBucket({ perSecond: 0, burst: 1 }, clock);
    for (let i = 0; i < 100; i++) expect(bucket.take()).to.equal(0);
  });

  it('keeps one bucket per key and forgets the full ones after a minute', () => {
    const buckets = new KeyedTokenBuckets({ perSecond: 1, burst: 1 }, clock);
    expect(buckets.take('alice')).to.equal(0);
    expect(buckets.take('alice')).to.equal(1_000);
    expect(buckets.take('bob')).to.equal(0);
    expect(buckets.size).to.equal(2);
    now = 61_000;
    expect(buckets.take('carol')).to.equal(0);
    expect(buckets.size).to.equal(1);
  });

  it('shares a held bucket with take(key), keeps it past the sweep while held, and forgets it once released', () => {
    const buckets = new KeyedTokenBuckets({ perSecond: 1, burst: 1 }, clock);
    const held = buckets.hold('alice');
    const again = buckets.hold('alice');
    expect(again).to.equal(held);
    expect(held.take(now)).to.equal(0);
    expect(buckets.take('alice')).to.equal(1_000); // the same bucket, emptied through the holder
    now = 61_000;
    expect(buckets.take('bob')).to.equal(0); // sweeps: alice's bucket is full again, but held
    expect(buckets.size).to.equal(2);
    buckets.release('alice');
    now = 122_000;
    expect(buckets.take('bob')).to.equal(0);
    expect(buckets.size).to.equal(2); // one holder left
    buckets.release('alice');
    buckets.release('alice'); // one release too many changes nothing
    now = 183_000;
    expect(buckets.take('carol')).to.equal(0);
    expect(buckets.size).to.equal(1);
    expect(buckets.hold('alice')).to.not.equal(held); // forgotten: a new, full bucket
  });

  it('gives a new key its whole burst, even on a clock that moves between reads', () => {
    // every read is 1 ms later: a bucket must not start later than the take that created it
    const ticking = (): number => (now += 1);
    const buckets = new KeyedTokenBuckets({ perSecond: 0.001, burst: 1 }, ticking);
    expect(buckets.take('alice')).to.equal(0);
    expect(buckets.take('bob')).to.equal(0);
  });

  it('writes the retry hint in tenths of a second, rounded up', () => {
    expect(retryHint(1)).to.equal('retry in 0.1 s');
    expect(retryHint(250)).to.equal('retry in 0.3 s');
    expect(retryHint(2_000)).to.equal('retry in 2.0 s');
  });
});
