import { expect } from 'chai';
import { webcrypto } from 'node:crypto';
import { backoffDelay, sleep } from '../../../client/src/backoff.js';
import { newClientMessageId } from '../../../client/src/client-message-id.js';
import { DedupeWindow } from '../../../client/src/dedupe-window.js';
import { errorFromWire } from '../../../client/src/ecb-client-error.js';
import { expiryOf, threadIdOf, userOf } from '../../../client/src/jwt-claims.js';
import type { ThreadMessage } from '../../../client/src/model.js';
import { ThreadFeed } from '../../../client/src/thread-feed.js';
import { signToken, threadToken, userToken } from '../../support/keys.js';

const message = (messageId: string, creationTime: number): ThreadMessage => ({
  messageId,
  fromUserId: 'bob',
  creationTime,
  type: 'text',
  data: { messageText: messageId },
});

const ids = (messages: readonly ThreadMessage[]): string[] => messages.map((m) => m.messageId);

describe('ecb-client: building blocks', () => {
  describe('JWT claims (read, not verified)', () => {
    it('reads exp, the user (displayName defaulting to userId) and a thread token\'s threadId', async () => {
      const token = await userToken('ünïcode', undefined, { expiresIn: 60 });
      expect(expiryOf(token)).to.be.closeTo(Date.now() / 1000 + 60, 2);
      expect(userOf(token)).to.deep.equal({ userId: 'ünïcode', displayName: 'ünïcode' });
      expect(userOf(await userToken('bob', 'Bob'))).to.deep.equal({ userId: 'bob', displayName: 'Bob' });
      expect(threadIdOf(await threadToken('thread-1', ['a', 'b']))).to.equal('thread-1');
    });

    it('answers undefined for what is not a JWT or lacks the claim', async () => {
      expect(expiryOf('garbage')).to.equal(undefined);
      expect(expiryOf('a.!!!.c')).to.equal(undefined);
      expect(expiryOf(await signToken({ userId: 'x' }, { expiresIn: null }))).to.equal(undefined);
      expect(userOf(await threadToken('t', ['a']))).to.equal(undefined);
    });
  });

  describe('backoff', () => {
    const settings = { baseDelayMs: 100, maxDelayMs: 1_000, randomizationFactor: 0.5 };

    it('doubles per attempt from the base delay, capped at the maximum', () => {
      const middle = (): number => 0.5; // no jitter
      expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, settings, middle))).to.deep.equal([
        100, 200, 400, 800, 1_000, 1_000,
      ]);
    });

    it('jitters within ±randomizationFactor, never above the maximum', () => {
      expect(backoffDelay(2, settings, () => 0)).to.equal(100);
      expect(backoffDelay(2, settings, () => 0.999999)).to.equal(300);
      expect(backoffDelay(10, settings, () => 0.999999)).to.equal(1_000);
    });

    it('sleep resolves false at once when aborted', async () => {
      const controller = new AbortController();
      const slept = sleep(60_000, controller.signal);
      controller.abort();
      expect(await slept).to.equal(false);
      expect(await sleep(1, new AbortController().signal)).to.equal(true);
    });
  });

  describe('DedupeWindow', () => {
    it('tells a repeated id, and forgets the oldest beyond its capacity', () => {
      const window = new DedupeWindow(2);
      expect(window.add('a')).to.equal(true);
      expect(window.add('a')).to.equal(false);
      window.add('b');
      window.add('c');
      expect(window.has('a')).to.equal(false);
      expect(window.has('b')).to.equal(true);
      expect(window.add('a')).to.equal(true);
    });
  });

  describe('ThreadFeed', () => {
    it('delivers a push once, and keeps the latest creationTime delivered', () => {
      const feed = new ThreadFeed('t', 'token', 100);
      expect(feed.catchUpSince(10)).to.equal(undefined);
      expect(ids(feed.push(message('m2', 2)))).to.deep.equal(['m2']);
      expect(ids(feed.push(message('m2', 2)))).to.deep.equal([]);
      expect(ids(feed.push(message('m1', 1)))).to.deep.equal(['m1']);
      expect(feed.latestTime).to.equal(2);
    });

    it('catches up from before the latest time, so a push overtaken by a later one is not lost', () => {
      const feed = new ThreadFeed('t', 'token', 100);
      feed.push(message('m1', 100));
      // m3 was pushed; m2 (stored earlier) was still on its way when the connection dropped.
      feed.push(message('m3', 103));
      expect(feed.catchUpSince(10)).to.equal(93);
      feed.hold();
      expect(ids(feed.release([message('m2', 102), message('m3', 103), message('m4', 104)], true))).to.deep.equal(['m2', 'm4']);
    });

    it('holds pushes during a catch-up and merges them with it: creationTime order, no duplicates', () => {
      const feed = new ThreadFeed('t', 'token', 100);
      feed.push(message('m1', 1));
      feed.hold();
      expect(feed.push(message('m4', 4))).to.deep.equal([]);
      expect(feed.push(message('m3', 3))).to.deep.equal([]);
      const delivered = feed.release([message('m1', 1), message('m2', 2), message('m3', 3)], true);
      expect(ids(delivered)).to.deep.equal(['m2', 'm3', 'm4']);
      expect(feed.latestTime).to.equal(4);
    });

    it('after openThread\'s fetch, delivers only the held pushes the fetch did not contain', () => {
      const feed = new ThreadFeed('t', 'token', 100);
      feed.hold();
      feed.push(message('m2', 2));
      feed.push(message('m3', 3));
      expect(ids(feed.release([message('m1', 1), message('m2', 2)], false))).to.deep.equal(['m3']);
      expect(ids(feed.push(message('m1', 1)))).to.deep.equal([]);
    });

    it('never delivers a message the client sent itself', () => {
      const feed = new ThreadFeed('t', 'token', 100);
      feed.push(message('m1', 1));
      feed.markSent(message('mine', 5));
      expect(feed.latestTime).to.equal(5);
      feed.hold();
      expect(ids(feed.release([message('m2', 2), message('mine', 5)], true))).to.deep.equal(['m2']);
    });
  });

  describe('clientMessageId', () => {
    const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

    it('is a random v4 UUID, also where crypto.randomUUID is missing (a page on plain http)', () => {
      const insecure = { getRandomValues: (array: Uint8Array<ArrayBuffer>) => webcrypto.getRandomValues(array) };
      const ids = Array.from({ length: 50 }, () => newClientMessageId(insecure));
      for (const id of ids) expect(id).to.match(UUID_V4);
      expect(new Set(ids).size).to.equal(50);
      expect(newClientMessageId()).to.match(UUID_V4);
    });
  });

  describe('error answers', () => {
    it('keep the spec\'s code, message and retryable flag; anything else is INTERNAL', () => {
      expect(errorFromWire({ code: 'RATE_LIMITED', message: 'slow down', retryable: true })).to.include({
        code: 'RATE_LIMITED',
        message: 'slow down',
        retryable: true,
      });
      expect(errorFromWire({ code: 'FORBIDDEN', message: 'no' })).to.include({ code: 'FORBIDDEN', retryable: false });
      expect(errorFromWire({ code: 'TIMEOUT', message: 'a client-side code on the wire' }).code).to.equal('INTERNAL');
      expect(errorFromWire('nonsense').code).to.equal('INTERNAL');
    });
  });
});
