import { expect } from 'chai';
import fc from 'fast-check';
import { RecentDeliveries } from '../../../src/application/recent-deliveries.js';

describe('RecentDeliveries', () => {
  it('says true the first time a message is seen and false for a repeat', () => {
    const recent = new RecentDeliveries(10);
    expect(recent.firstTime('t1', 'm1')).to.equal(true);
    expect(recent.firstTime('t1', 'm1')).to.equal(false);
    expect(recent.firstTime('t2', 'm1')).to.equal(true); // another thread
  });

  it('keeps thread and message apart (no key made of one from the other)', () => {
    const recent = new RecentDeliveries(10);
    expect(recent.firstTime('a', 'b\nc')).to.equal(true);
    expect(recent.firstTime('a\nb', 'c')).to.equal(true);
  });

  it('forgets the oldest beyond its capacity, and only the oldest', () => {
    const recent = new RecentDeliveries(3);
    for (const id of ['m1', 'm2', 'm3', 'm4']) expect(recent.firstTime('t', id)).to.equal(true);
    expect(recent.firstTime('t', 'm4')).to.equal(false);
    expect(recent.firstTime('t', 'm3')).to.equal(false);
    expect(recent.firstTime('t', 'm1')).to.equal(true); // forgotten, so seen anew
  });

  it('answers as a first-recorded-first-forgotten list of (thread, message) pairs would, at any capacity', () => {
    // small pools of ids, so that repeats, the same message id in two threads, and ids that
    // concatenate alike ('a' + 'bc', 'ab' + 'c') all come up
    const id = fc.constantFrom('a', 'b', 'ab', 'c', 'bc', '');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.tuple(id, id), { maxLength: 80 }), (capacity, sends) => {
        const recent = new RecentDeliveries(capacity);
        const model: Array<readonly [string, string]> = [];
        for (const [threadId, messageId] of sends) {
          const known = model.some(([t, m]) => t === threadId && m === messageId);
          expect(recent.firstTime(threadId, messageId), `${threadId}/${messageId} after ${JSON.stringify(model)}`).to.equal(!known);
          if (!known) {
            model.push([threadId, messageId]);
            if (model.length > capacity) model.shift();
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
