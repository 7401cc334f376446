import { expect } from 'chai';
import sinon from 'sinon';
import { SharedDeadlines } from '../../../src/adapters/backend/shared-deadlines.js';

describe('SharedDeadlines (fake clock)', () => {
  const TIMEOUT = 1_000;
  const BUCKET = 10;
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  /** Starts a call at each offset (ms, increasing) and records when its signal aborts. */
  const startCalls = (deadlines: SharedDeadlines, starts: readonly number[]) =>
    starts.map((start) => {
      clock.tick(start - clock.now);
      const lease = deadlines.acquire(clock.now);
      const call = { start, lease, signal: lease.signal, abortedAt: undefined as number | undefined };
      call.signal.addEventListener('abort', () => (call.abortedAt = clock.now), { once: true });
      return call;
    });

  it("aborts a call's signal no earlier than its deadline and at most one bucket later", () => {
    const starts = [0, 1, 4, 9, 10, 11, 19, 20, 35, 36, 44, 45, 46, 300, 309, 310, 999, 1_000, 1_009, 1_010, 2_500];
    const calls = startCalls(new SharedDeadlines(TIMEOUT, BUCKET), starts);
    clock.tick(5_000);
    for (const call of calls) {
      expect(call.abortedAt, `call started at ${call.start}`).to.be.a('number');
      expect(call.abortedAt, `call started at ${call.start}`).to.be.at.least(call.start + TIMEOUT);
      expect(call.abortedAt, `call started at ${call.start}`).to.be.at.most(call.start + TIMEOUT + BUCKET);
    }
  });

  it('is still pending one tick before the deadline of the latest call that shares it', () => {
    const [first, last] = startCalls(new SharedDeadlines(TIMEOUT, BUCKET), [0, 9]);
    expect(last!.signal).to.equal(first!.signal);
    clock.tick(9 + TIMEOUT - 1 - clock.now);
    expect(last!.signal.aborted).to.equal(false);
    clock.tick(BUCKET + 1);
    expect(last!.signal.aborted).to.equal(true);
  });

  it('shares one signal among the calls of a bucket and opens a new one after it', () => {
    const calls = startCalls(new SharedDeadlines(TIMEOUT, BUCKET), [0, 5, 9, 10, 19, 20]);
    const signals = calls.map((c) => c.signal);
    expect(new Set(signals).size).to.equal(3);
    expect(signals[1]).to.equal(signals[0]);
    expect(signals[2]).to.equal(signals[0]);
    expect(signals[3]).to.not.equal(signals[0]);
    expect(signals[4]).to.equal(signals[3]);
    expect(signals[5]).to.not.equal(signals[3]);
  });

  it('opens a new bucket when the clock goes back, never reusing a later one', () => {
    const deadlines = new SharedDeadlines(TIMEOUT, BUCKET);
    const later = deadlines.acquire(500).signal;
    const earlier = deadlines.acquire(100).signal;
    expect(earlier).to.not.equal(later);
  });

  it('takes many listeners on a shared signal without a MaxListenersExceeded warning', () => {
    const warn = sinon.spy(process, 'emitWarning');
    const signal = new SharedDeadlines(TIMEOUT, BUCKET).acquire(clock.now).signal;
    for (let i = 0; i < 100; i++) signal.addEventListener('abort', () => undefined);
    expect(warn.called).to.equal(false);
  });

  it('defaults the bucket to a hundredth of the timeout, at most 50 ms', () => {
    const short = new SharedDeadlines(300);
    const first = short.acquire(0).signal;
    expect(short.acquire(2.9).signal).to.equal(first);
    expect(short.acquire(3).signal).to.not.equal(first);
    const long = new SharedDeadlines(5_000);
    const opened = long.acquire(0).signal;
    expect(long.acquire(49.9).signal).to.equal(opened);
    expect(long.acquire(50).signal).to.not.equal(opened);
    const longer = new SharedDeadlines(60_000);
    const first50 = longer.acquire(0).signal;
    expect(longer.acquire(49.9).signal).to.equal(first50);
    expect(longer.acquire(50).signal).to.not.equal(first50);
  });

  it('still aborts at the deadline for a call that holds it when the others of its bucket have ended', () => {
    const deadlines = new SharedDeadlines(TIMEOUT, BUCKET);
    const [ended, holding, alsoEnded] = startCalls(deadlines, [0, 2, 5]);
    startCalls(deadlines, [50]);
    deadlines.release(ended!.lease);
    deadlines.release(alsoEnded!.lease);
    clock.tick(5_000);
    expect(holding!.abortedAt).to.be.within(2 + TIMEOUT, 2 + TIMEOUT + BUCKET);
  });

  it('drops the timer of a past bucket once every call in it has ended, and never aborts a signal nobody holds', () => {
    const deadlines = new SharedDeadlines(TIMEOUT, BUCKET);
    const [a, b, c] = startCalls(deadlines, [0, 3, 30]);
    expect(clock.countTimers()).to.equal(2);
    deadlines.release(a!.lease);
    deadlines.release(b!.lease);
    expect(clock.countTimers()).to.equal(1); // the first bucket is over and empty
    deadlines.release(c!.lease);
    clock.tick(5_000); // the current bucket's timer fires with nobody holding it
    expect([a, b, c].map((call) => call!.signal.aborted)).to.deep.equal([false, false, false]);
    const [d] = startCalls(deadlines, [5_100]);
    expect(d!.signal.aborted).to.equal(false);
    expect(clock.countTimers()).to.equal(1);
  });
});
