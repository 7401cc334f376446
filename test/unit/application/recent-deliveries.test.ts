import { expect } from 'chai';
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
});
