import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { OpenThread } from '../../../src/application/open-thread.js';
import { backendUnavailable, forbidden, notFound, unauthorized, type EcbError } from '../../../src/domain/errors.js';
import type { ThreadAndMessages } from '../../../src/domain/thread.js';
import type { Caller } from '../../../src/domain/user.js';
import type { ChatPolicy } from '../../../src/application/chat-policy.js';
import { aGrant, aMessage, aRestActor } from '../../support/builders.js';
import { InMemoryBackendGateway, type InMemoryBackendOptions } from '../../support/in-memory-backend-gateway.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run, type World } from './world.js';

/** A backend that answers every message whatever `since` says: ECB must filter. */
class SinceIgnoringBackend extends InMemoryBackendGateway {
  override getThread(caller: Caller, query: { readonly threadId: string }): TE.TaskEither<EcbError, ThreadAndMessages> {
    return super.getThread(caller, { threadId: query.threadId });
  }
}

describe('OpenThread', () => {
  const times = [10, 20, 20.25, 20.5, 30];

  const setUp = async (
    policy: Partial<ChatPolicy> = {},
    makeBackend?: (options: InMemoryBackendOptions) => InMemoryBackendGateway,
  ) => {
    const world: World = aWorld(policy, {}, makeBackend);
    const seeded = await world.backend.seedThread({
      threadId: 't1',
      memberIds: ['alice', 'bob'],
      messages: times.map((creationTime, i) => aMessage({ messageId: `m${i}`, creationTime })),
    });
    const open = new OpenThread(world.tokens, world.backend, world.push, world.policy);
    return { world, open, threadToken: seeded.thread.threadToken };
  };

  const creationTimes = (opened: ThreadAndMessages) => opened.messages.map((m) => m.creationTime);

  it('answers the thread with all its messages and subscribes the connection', async () => {
    const { world, open, threadToken } = await setUp();
    const opened = rightOf(await run(open.execute(world.alice, { threadToken })));
    expect(opened.thread.threadId).to.equal('t1');
    expect(creationTimes(opened)).to.deep.equal(times);
    expect(world.push.subscribersOf('t1')).to.deep.equal(['alice-socket']);
  });

  it('treats a null since as no since', async () => {
    const { world, open, threadToken } = await setUp();
    expect(creationTimes(rightOf(await run(open.execute(world.alice, { threadToken, since: null }))))).to.deep.equal(times);
  });

  it('answers only messages strictly later than since, decimals included', async () => {
    const { world, open, threadToken } = await setUp();
    expect(creationTimes(rightOf(await run(open.execute(world.alice, { threadToken, since: 20.25 }))))).to.deep.equal([20.5, 30]);
  });

  it('filters by since even when the backend answers every message', async () => {
    const { world, open, threadToken } = await setUp({}, (options) => new SinceIgnoringBackend(options));
    expect(creationTimes(rightOf(await run(open.execute(world.alice, { threadToken, since: 20 }))))).to.deep.equal([20.25, 20.5, 30]);
  });

  describe('with block-non-members on', () => {
    it('refuses a user outside the token’s members as FORBIDDEN without calling the backend', async () => {
      const { world, open, threadToken } = await setUp({ blockNonMembers: true });
      expect(leftOf(await run(open.execute(world.carol, { threadToken })))._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
      expect(world.push.subscribersOf('t1')).to.deep.equal([]);
    });
  });

  describe('with block-non-members off', () => {
    it('lets a user outside the token’s members through to the backend, which decides', async () => {
      const { world, open } = await setUp({ blockNonMembers: false });
      // The token carol holds lists alice and bob; the backend has since let carol (a support agent) in.
      world.tokens.withThread('token-without-carol', aGrant({ threadId: 't1', memberIds: ['alice', 'bob'] }));
      await world.backend.seedThread({ threadId: 't1', memberIds: ['alice', 'bob', 'carol'] });
      const opened = rightOf(await run(open.execute(world.carol, { threadToken: 'token-without-carol' })));
      expect(opened.thread.threadId).to.equal('t1');
      expect(world.push.subscribersOf('t1')).to.deep.equal(['carol-socket']);
    });

    it('passes the backend’s refusal on when the backend says no', async () => {
      const { world, open, threadToken } = await setUp({ blockNonMembers: false });
      expect(leftOf(await run(open.execute(world.carol, { threadToken })))._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal(['getThread']);
      expect(world.push.subscribersOf('t1')).to.deep.equal([]);
    });
  });

  it('refuses a thread token that does not verify as FORBIDDEN without calling the backend', async () => {
    const { world, open } = await setUp();
    expect(leftOf(await run(open.execute(world.alice, { threadToken: 'forged' })))._tag).to.equal('FORBIDDEN');
    expect(operationsCalled(world)).to.deep.equal([]);
  });

  it('subscribes a member the token lists before reading, so a message stored during the read is not missed', async () => {
    let subscribedDuringRead: readonly string[] = [];
    class ObservingBackend extends InMemoryBackendGateway {
      override getThread(caller: Caller, query: { readonly threadId: string }): TE.TaskEither<EcbError, ThreadAndMessages> {
        subscribedDuringRead = world.push.subscribersOf(query.threadId);
        return super.getThread(caller, query);
      }
    }
    const { world, open, threadToken } = await setUp({}, (options) => new ObservingBackend(options));
    rightOf(await run(open.execute(world.alice, { threadToken })));
    expect(subscribedDuringRead).to.deep.equal(['alice-socket']);
  });

  it('keeps a listed member subscribed when the read fails (it may see the thread anyway)', async () => {
    const { world, open, threadToken } = await setUp();
    world.backend.failNext('getThread', backendUnavailable('down'));
    expect(leftOf(await run(open.execute(world.alice, { threadToken })))._tag).to.equal('BACKEND_UNAVAILABLE');
    expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal(['t1']);
  });

  for (const refusal of [forbidden('not any more'), notFound('gone'), unauthorized('who?')]) {
    it(`unsubscribes a listed member the backend refuses (${refusal._tag}), even one subscribed before`, async () => {
      const { world, open, threadToken } = await setUp();
      rightOf(await run(open.execute(world.alice, { threadToken })));
      expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal(['t1']);
      world.backend.failNext('getThread', refusal);
      expect(leftOf(await run(open.execute(world.alice, { threadToken })))._tag).to.equal(refusal._tag);
      expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal([]);
    });
  }

  describe('over REST, where the path names the thread', () => {
    it('refuses a token for another thread as FORBIDDEN without calling the backend', async () => {
      const { world, open, threadToken } = await setUp();
      await world.backend.seedThread({ threadId: 't2', memberIds: ['alice'] });
      const error = leftOf(await run(open.execute(aRestActor(world.alice.caller), { threadToken, threadId: 't2' })));
      expect(error._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
    });

    it('answers the thread the path and the token agree on, subscribing nobody', async () => {
      const { world, open, threadToken } = await setUp();
      const opened = rightOf(await run(open.execute(aRestActor(world.alice.caller), { threadToken, threadId: 't1' })));
      expect(opened.thread.threadId).to.equal('t1');
      expect(world.push.subscribersOf('t1')).to.deep.equal([]);
    });
  });
});
