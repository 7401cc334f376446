import { expect } from 'chai';
import * as sinon from 'sinon';
import { ConflatingPushChannel, intervalAfter } from '../../../src/adapters/socket/conflating-push-channel.js';
import type { ThreadEventSettings } from '../../../src/config.js';
import type { Thread } from '../../../src/domain/thread.js';
import { aMessage, aThread } from '../../support/builders.js';
import { RecordingPushChannel } from '../../support/recording-push-channel.js';

const FIXED: ThreadEventSettings = { largeThreadMembers: 3, intervalMs: 1_000, bytesPerSecond: 0, maxIntervalMs: 60_000 };
const eventBytes = (thread: Thread): number => Buffer.byteLength(JSON.stringify({ thread }));

const members = (n: number, prefix = 'u'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const bigThread = (lastMessageTime: number, userIds = members(5)): Thread =>
  aThread({ threadId: 'big', lastMessageTime, members: userIds.map((userId) => ({ userId })) });

describe('ConflatingPushChannel', () => {
  let clock: sinon.SinonFakeTimers;
  let inner: RecordingPushChannel;
  let push: ConflatingPushChannel;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    inner = new RecordingPushChannel();
    // threads of more than 3 members are large; one `thread` event per second for them (no byte budget here)
    push = new ConflatingPushChannel(inner, FIXED);
  });
  afterEach(() => clock.restore());

  const times = (): number[] => inner.threads.map((p) => p.thread.lastMessageTime);

  it('pushes every change of a thread with at most largeThreadMembers members at once', () => {
    const small = aThread({ threadId: 's', members: members(3).map((userId) => ({ userId })) });
    for (let t = 1; t <= 4; t++) push.pushThread(members(3), { ...small, lastMessageTime: t });
    expect(times()).to.deep.equal([1, 2, 3, 4]);
  });

  it('pushes the first change of a large thread at once and the latest of the rest when the interval ends', () => {
    push.pushThread(members(5), bigThread(1));
    expect(times()).to.deep.equal([1]);
    push.pushThread(members(5), bigThread(2));
    push.pushThread(members(5), bigThread(3));
    clock.tick(999);
    expect(times()).to.deep.equal([1]);
    clock.tick(1);
    expect(times()).to.deep.equal([1, 3]);
    expect(inner.threads[1]?.userIds).to.deep.equal(members(5));
  });

  it('keeps at most one event per interval while changes keep coming, and never drops the last', () => {
    for (let t = 1; t <= 50; t++) {
      push.pushThread(members(5), bigThread(t));
      clock.tick(100);
    }
    clock.tick(5_000);
    expect(inner.threads.length).to.be.at.most(7);
    expect(times().at(-1)).to.equal(50);
    expect(times()).to.deep.equal([...times()].sort((a, b) => a - b));
  });

  it('pushes at once again after an interval with no change', () => {
    push.pushThread(members(5), bigThread(1));
    clock.tick(1_000);
    clock.tick(1_000);
    push.pushThread(members(5), bigThread(2));
    expect(times()).to.deep.equal([1, 2]);
  });

  it('keeps the version with the latest lastMessageTime when changes arrive out of order', () => {
    push.pushThread(members(5), bigThread(1));
    push.pushThread(members(5), bigThread(9));
    push.pushThread(members(5), bigThread(4));
    clock.tick(1_000);
    expect(times()).to.deep.equal([1, 9]);
  });

  it('never steps back to a version older than the one it pushed', () => {
    push.pushThread(members(5), bigThread(5));
    push.pushThread(members(5), bigThread(3));
    clock.tick(1_000);
    expect(times()).to.deep.equal([5]);
    push.pushThread(members(5), bigThread(5));
    clock.tick(1_000);
    expect(times()).to.deep.equal([5, 5]);
  });

  it('sends a merged event to every user of every merged change (a member left meanwhile)', () => {
    push.pushThread(members(5), bigThread(1));
    push.pushThread(members(6), bigThread(2, members(6)));
    push.pushThread(members(5), bigThread(3));
    clock.tick(1_000);
    expect(inner.threads[1]?.thread.lastMessageTime).to.equal(3);
    expect([...(inner.threads[1]?.userIds ?? [])].sort()).to.deep.equal(members(6).sort());
  });

  it('conflates each thread on its own', () => {
    push.pushThread(members(5), bigThread(1));
    push.pushThread(members(5), { ...bigThread(1), threadId: 'other' });
    expect(inner.threads.map((p) => p.thread.threadId)).to.deep.equal(['big', 'other']);
  });

  it('pushes every change when the interval is 0', () => {
    push = new ConflatingPushChannel(inner, { ...FIXED, intervalMs: 0 });
    for (let t = 1; t <= 3; t++) push.pushThread(members(5), bigThread(t));
    expect(times()).to.deep.equal([1, 2, 3]);
  });

  it('pushes what it holds on close, and nothing after', () => {
    push.pushThread(members(5), bigThread(1));
    push.pushThread(members(5), bigThread(2));
    push.close();
    expect(times()).to.deep.equal([1, 2]);
    clock.tick(10_000);
    expect(times()).to.deep.equal([1, 2]);
  });

  it('passes messages, typing and hand-overs through untouched', async () => {
    const message = aMessage();
    push.pushMessage('big', message, 'sock-1');
    push.pushTyping('big', { userId: 'u1', isTyping: true }, 'sock-1');
    await push.handOver()();
    expect(inner.messages).to.deep.equal([{ threadId: 'big', message, except: 'sock-1' }]);
    expect(inner.typing).to.deep.equal([{ threadId: 'big', userId: 'u1', isTyping: true, except: 'sock-1' }]);
    expect(inner.handOvers).to.deep.equal([2]);
  });

  describe('the byte budget (ECB_THREAD_EVENT_BYTES_PER_SECOND)', () => {
    // a budget under which one push of the 5-member thread takes `seconds` seconds of it
    const budgetFor = (thread: Thread, users: number, seconds: number): ThreadEventSettings => ({
      ...FIXED,
      bytesPerSecond: Math.floor((eventBytes(thread) * users) / seconds),
    });

    it('waits as long as the last push takes of the budget before the next', () => {
      push = new ConflatingPushChannel(inner, budgetFor(bigThread(1), 5, 3));
      push.pushThread(members(5), bigThread(1));
      push.pushThread(members(5), bigThread(2));
      clock.tick(2_990);
      expect(times()).to.deep.equal([1]);
      clock.tick(20);
      expect(times()).to.deep.equal([1, 2]);
    });

    it('sizes each interval by what its push wrote: more users, longer wait', () => {
      const settings = budgetFor(bigThread(1), 5, 2);
      expect(intervalAfter({ userIds: members(5), thread: bigThread(1) }, settings)).to.be.within(1_999, 2_001);
      const twice = { userIds: members(10), thread: bigThread(1) };
      expect(intervalAfter(twice, settings)).to.be.within(3_999, 4_001);
    });

    it('never waits less than intervalMs nor more than maxIntervalMs', () => {
      const thread = { userIds: members(5), thread: bigThread(1) };
      expect(intervalAfter(thread, { ...FIXED, bytesPerSecond: 1_000_000_000 })).to.equal(1_000);
      expect(intervalAfter(thread, { ...FIXED, bytesPerSecond: 1, maxIntervalMs: 45_000 })).to.equal(45_000);
      expect(intervalAfter(thread, FIXED)).to.equal(1_000); // 0: no budget
    });

    it('holds the latest version through a long interval and pushes it when the interval ends', () => {
      push = new ConflatingPushChannel(inner, { ...FIXED, bytesPerSecond: 1, maxIntervalMs: 30_000 });
      push.pushThread(members(5), bigThread(1));
      for (let t = 2; t <= 5; t++) {
        clock.tick(5_000);
        push.pushThread(members(5), bigThread(t));
      }
      expect(times()).to.deep.equal([1]);
      clock.tick(10_000);
      expect(times()).to.deep.equal([1, 5]);
    });
  });
});
