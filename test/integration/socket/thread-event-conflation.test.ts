import { expect } from 'chai';
import { collect, requestOk, sleep, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * `thread` events of large threads are conflated (ECB_THREAD_EVENT_*,
 * docs/scaling.md#large-threads): real clients, a real ECB and backend.
 * Here a thread of more than 2 members is large, with a 400 ms interval.
 */

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
    world = await startEcbWorld({ threadEvents: { largeThreadMembers: 2, intervalMs: INTERVAL_MS } });
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
    world = await startEcbWorld({ threadEvents: { largeThreadMembers: 2, intervalMs: 60_000 } });
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
});
