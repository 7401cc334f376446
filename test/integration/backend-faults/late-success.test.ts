import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import type { ThreadAndMessages } from '../../../src/domain/thread.js';
import { collect, request, requestOk, sleep, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

/**
 * The delivery guarantee of docs/reliability.md under the worst backend
 * fault for a write: the backend stores the message but answers after ECB
 * gave up. The client's retry with the same clientMessageId must end with
 * the message stored once and pushed once.
 */
describe('backend faults: a late success after ECB timed out', () => {
  let world: EcbWorld;
  const TIMEOUT_MS = 300;

  beforeEach(async () => {
    world = await startEcbWorld({ backendTimeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => world.close());

  const storedTexts = async (messageText: string): Promise<number> =>
    (await world.stub.store.listMessages(PEER_THREAD_ID)).filter(
      (m) => (m.data as { messageText?: unknown } | null)?.messageText === messageText,
    ).length;

  it('stores the message once and pushes it once, when the client retries with the same clientMessageId', async () => {
    const alice = await world.connect('alice');
    const bob = await world.connect('bob');
    const threadToken = await world.threadToken(PEER_THREAD_ID);
    await requestOk(bob, 'getThread', { threadToken }); // bob joins the thread's room
    const pushedToBob = collect<{ message: { messageId: string; data: unknown } }>(bob, 'message');
    const payload = { threadToken, message: text('late'), clientMessageId: 'client-late-1' };

    // 1. the backend takes longer than ECB waits: the client is told BACKEND_UNAVAILABLE, retryable
    world.stub.delay('addThreadMessage', TIMEOUT_MS * 2);
    const first = await request(alice, 'sendMessage', payload);
    expect(first.ok).to.equal(false);
    if (!first.ok) expect(first.error).to.include({ code: 'BACKEND_UNAVAILABLE', retryable: true });

    // 2. ...but the backend does store it, after ECB gave up; nothing was pushed for that attempt
    const until = Date.now() + 3_000;
    while ((await storedTexts('late')) === 0 && Date.now() < until) await sleep(20);
    expect(await storedTexts('late')).to.equal(1);

    // 3. the client retries with the same clientMessageId: the backend's original answer, pushed now
    const pushed = waitFor<{ message: { messageId: string } }>(bob, 'message');
    const retry = await requestOk<ThreadAndMessages>(alice, 'sendMessage', payload);
    const messageId = retry.messages[0]?.messageId;
    expect((await pushed).message.messageId).to.equal(messageId);

    // a later message proves every earlier push has arrived by now
    const marker = waitFor(bob, 'message');
    await requestOk(alice, 'sendMessage', { threadToken, message: text('marker') });
    await marker;

    expect(await storedTexts('late')).to.equal(1);
    const stored = (await world.stub.store.listMessages(PEER_THREAD_ID)).find((m) => m.messageId === messageId);
    expect(stored?.data).to.deep.equal({ messageText: 'late' });
    expect(pushedToBob.map((p) => p.message.data)).to.deep.equal([{ messageText: 'late' }, { messageText: 'marker' }]);
    expect(world.stub.requestsTo('addThreadMessage').map((r) => r.headers['idempotency-key'])).to.deep.equal([
      'client-late-1',
      'client-late-1',
      undefined,
    ]);
  });
});
