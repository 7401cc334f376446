import { expect } from 'chai';
import sinon from 'sinon';
import type { EcbClient } from '../../../client/src/index.js';
import { ThrottledTypingIndicator } from '../../../client/src/typing-indicator.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { nextEvent, record, startClientWorld, threadTokenOf, type ClientWorld } from './client-fixture.js';

describe('ecb-client: typing indicator', () => {
  describe('throttle and idle stop (fake clock)', () => {
    let clock: sinon.SinonFakeTimers;
    let signals: boolean[];
    let indicator: ThrottledTypingIndicator;
    let lifetime: AbortController;

    beforeEach(() => {
      clock = sinon.useFakeTimers();
      signals = [];
      lifetime = new AbortController();
      indicator = new ThrottledTypingIndicator(
        (isTyping) => signals.push(isTyping),
        { throttleMs: 1_000, idleMs: 3_000 },
        lifetime.signal,
        () => Date.now(),
      );
    });

    afterEach(() => {
      indicator.cancel();
      clock.restore();
    });

    it('sends `true` once for a burst of keystrokes within throttleMs', () => {
      for (let i = 0; i < 5; i += 1) {
        indicator.keystroke();
        clock.tick(100);
      }
      expect(signals).to.deep.equal([true]);
    });

    it('sends `true` again once throttleMs has passed while typing goes on', () => {
      indicator.keystroke();
      clock.tick(600);
      indicator.keystroke();
      clock.tick(600);
      indicator.keystroke();
      expect(signals).to.deep.equal([true, true]);
    });

    it('sends `false` by itself after idleMs without a keystroke, counted from the last one', () => {
      indicator.keystroke();
      clock.tick(2_000);
      indicator.keystroke();
      clock.tick(2_999);
      expect(signals).to.deep.equal([true, true]);
      clock.tick(1);
      expect(signals).to.deep.equal([true, true, false]);
      clock.tick(10_000);
      expect(signals).to.deep.equal([true, true, false]);
    });

    it('stop() sends `false` at once, and only when `true` was sent', () => {
      indicator.stop();
      expect(signals).to.deep.equal([]);
      indicator.keystroke();
      indicator.stop();
      indicator.stop();
      clock.tick(10_000);
      expect(signals).to.deep.equal([true, false]);
    });

    it('sends nothing more once the client closed: no `false` from the idle timer', () => {
      indicator.keystroke();
      lifetime.abort();
      clock.tick(10_000);
      indicator.keystroke();
      indicator.stop();
      expect(signals).to.deep.equal([true]);
      expect(clock.countTimers()).to.equal(0);
    });

    it('starts afresh after a stop: the next keystroke sends `true` at once', () => {
      indicator.keystroke();
      indicator.stop();
      indicator.keystroke();
      expect(signals).to.deep.equal([true, false, true]);
    });
  });

  describe('through ECB', function () {
    this.timeout(20_000);
    let world: ClientWorld;
    let alice: EcbClient;
    let bob: EcbClient;

    beforeEach(async () => {
      world = await startClientWorld();
      alice = await world.connect('alice');
      bob = await world.connect('bob');
      await bob.openThread(await threadTokenOf(bob, PEER_THREAD_ID));
    });

    afterEach(async () => {
      await world.close();
    });

    it('the other member sees one `true` for a burst of keystrokes, then `false` after the idle time', async () => {
      const seen = record(bob, 'typing');
      const stopped = nextEvent(bob, 'typing', ({ isTyping }) => !isTyping);
      const typing = alice.typing(await threadTokenOf(alice, PEER_THREAD_ID), { throttleMs: 60_000, idleMs: 300 });
      for (let i = 0; i < 5; i += 1) typing.keystroke();
      await stopped;
      expect(seen).to.deep.equal([
        { threadId: PEER_THREAD_ID, userId: 'alice', isTyping: true },
        { threadId: PEER_THREAD_ID, userId: 'alice', isTyping: false },
      ]);
    });

    it('stop() ends typing for the other member at once', async () => {
      const started = nextEvent(bob, 'typing', ({ isTyping }) => isTyping);
      const stopped = nextEvent(bob, 'typing', ({ isTyping }) => !isTyping);
      const typing = alice.typing(await threadTokenOf(alice, PEER_THREAD_ID), { idleMs: 60_000 });
      typing.keystroke();
      await started;
      typing.stop();
      await stopped;
    });
  });
});
