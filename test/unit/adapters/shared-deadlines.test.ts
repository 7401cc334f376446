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
      const call = { start, signal: deadlines.signalFor(clock.now), abortedAt: undefined as number | undefined };
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
    const later = deadlines.signalFor(500);
    const earlier = deadlines.signalFor(100);
    expect(earlier).to.not.equal(later);
  });

  it('takes many listeners on a shared signal without a MaxListenersExceeded warning', () => {
    const warn = sinon.spy(process, 'emitWarning');
    const signal = new SharedDeadlines(TIMEOUT, BUCKET).signalFor(clock.now);
    for (let i = 0; i < 100; i++) signal.addEventListener('abort', () => undefined);
    expect(warn.called).to.equal(false);
  });

  it('defaults the bucket to a hundredth of the timeout, at most 10 ms', () => {
    const short = new SharedDeadlines(300);
    const first = short.signalFor(0);
    expect(short.signalFor(2.9)).to.equal(first);
    expect(short.signalFor(3)).to.not.equal(first);
    const long = new SharedDeadlines(5_000);
    const opened = long.signalFor(0);
    expect(long.signalFor(9.9)).to.equal(opened);
    expect(long.signalFor(10)).to.not.equal(opened);
  });
});
