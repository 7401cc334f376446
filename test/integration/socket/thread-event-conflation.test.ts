import { expect } from 'chai';
import { DEFAULT_THREAD_EVENTS } from '../../../src/config.js';
import { collect, requestOk, sleep, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * `thread` events of large threads are conflated (ECB_THREAD_EVENT_*,
 * docs/scaling.md#large-threads): real clients, a real ECB and backend.
 * Here a thread of more than 2 members is large, with a 400 ms interval.
 */
const large = (intervalMs: number, budget: Partial<typeof DEFAULT_THREAD_EVENTS.threadEvents> = {}) => ({
  threadEvents: { ...DEFAULT_THREAD_EVENTS.threadEvents, largeThreadMembers: 2, intervalMs, ...budget },
});

interface Thread {
  threadId: string;
  threadToken: string;
  lastMessageTime: number;
  members: Array<{ userId: string }>;
}
interface ThreadAndMessages {
  thread: Thread;
}

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
const INTERVAL_MS = 400;

describe('thread event conflation', () => {
  let world: EcbWorld;

  beforeEach(async () => {
    world = await startEcbWorld(large(INTERVAL_MS));
  });
  afterEach(async () => world.close());

  const sendBurst = async (memberIds: string[], count: number) => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const bobThreads = collect<{ thread: Thread }>(bob, 'thread');
    const created = await requestOk<ThreadAndMessages>(alice, 'createThread', { memberIds, message: text('hi') });
    await waitFor(bob, 'thread');
    let last: ThreadAndMessages = created;
    for (let i = 0; i < count; i++) {
      last = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken: created.thread.threadToken, message: text(`m${i}`) });
    }
    return { bobThreads, last };
  };

  it('pushes a large thread at once, then only its latest version when the interval ends', async () => {
    const { bobThreads, last } = await sendBurst(['bob', 'carol'], 6);
    await sleep(INTERVAL_MS * 2.5);
    // createThread's event went out at once; the six messages of the interval (or two) are merged
    expect(bobThreads.length).to.be.within(2, 4);
    expect(bobThreads.at(-1)?.thread).to.deep.equal(last.thread);
  });

  it('pushes the held latest version when ECB shuts down, before the sockets close', async () => {
    await world.close();
    world = await startEcbWorld(large(60_000));
    const { bobThreads, last } = await sendBurst(['bob', 'carol'], 3);
    expect(bobThreads.at(-1)?.thread).to.not.deep.equal(last.thread); // held for a minute
    await world.ecb.close();
    await sleep(100);
    expect(bobThreads.at(-1)?.thread).to.deep.equal(last.thread);
  });

  it('pushes every change of a thread with at most largeThreadMembers members', async () => {
    const { bobThreads, last } = await sendBurst(['bob'], 6);
    await sleep(INTERVAL_MS * 2.5);
    expect(bobThreads).to.have.length(7);
    expect(bobThreads.at(-1)?.thread).to.deep.equal(last.thread);
  });

  it('lengthens the interval of a thread whose events would exceed ECB_THREAD_EVENT_BYTES_PER_SECOND, up to the maximum', async () => {
    await world.close();
    // 1 byte a second: any event is over budget, so the interval is the maximum (a minute), not 100 ms
    world = await startEcbWorld(large(100, { bytesPerSecond: 1, maxIntervalMs: 60_000 }));
    const { bobThreads, last } = await sendBurst(['bob', 'carol'], 3);
    await sleep(500);
    expect(bobThreads.at(-1)?.thread).to.not.deep.equal(last.thread); // still held, 5 intervals of 100 ms later
    await world.ecb.close();
    await sleep(100);
    expect(bobThreads.at(-1)?.thread).to.deep.equal(last.thread);
  });
});
