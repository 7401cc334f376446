import { expect } from 'chai';
import { CreateThread } from '../../../src/application/create-thread.js';
import { backendUnavailable, forbidden } from '../../../src/domain/errors.js';
import type { OutgoingMessage } from '../../../src/domain/message.js';
import { aRestActor, aTextMessage, aTypingSignal } from '../../support/builders.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run } from './world.js';

describe('CreateThread', () => {
  const setUp = (maxMessageBytes = 1024) => {
    const world = aWorld({ maxMessageBytes });
    return { world, create: new CreateThread(world.backend, world.push, world.policy) };
  };

  it('stores the thread with its first message from the creator', async () => {
    const { world, create } = setUp();
    const created = rightOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: aTextMessage('hi bob') })));

    const stored = world.backend.messagesOf(created.thread.threadId);
    expect(stored).to.have.lengthOf(1);
    expect(stored[0]).to.deep.include({ fromUserId: 'alice', type: 'text', data: { messageText: 'hi bob' } });
    expect(created.messages).to.deep.equal(stored);
    expect(created.thread.members.map((m) => m.userId)).to.have.members(['alice', 'bob']);
  });

  it('forwards only the first message\'s type and data, whatever else the client put beside them', async () => {
    const { world, create } = setUp();
    const message = { type: 'text', data: { messageText: 'hi' }, messageId: 'forged' } as OutgoingMessage;
    rightOf(await run(create.execute(world.alice, { memberIds: ['bob'], message, clientMessageId: 'c-1' })));
    expect(world.backend.calls[0]?.input).to.deep.include({ message: { type: 'text', data: { messageText: 'hi' } }, clientMessageId: 'c-1' });
  });

  it('subscribes the creating connection to the new thread', async () => {
    const { world, create } = setUp();
    const created = rightOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: aTextMessage() })));
    expect(world.push.subscribersOf(created.thread.threadId)).to.deep.equal(['alice-socket']);
  });

  it('subscribes nobody when created over REST', async () => {
    const { world, create } = setUp();
    const created = rightOf(await run(create.execute(aRestActor(world.alice.caller), { memberIds: ['bob'], message: aTextMessage() })));
    expect(world.push.subscribersOf(created.thread.threadId)).to.deep.equal([]);
  });

  it('pushes the new thread to every member, the creator included', async () => {
    const { world, create } = setUp();
    const created = rightOf(
      await run(create.execute(world.alice, { memberIds: ['bob', 'carol'], message: aTextMessage() })),
    );
    expect(world.push.threads).to.have.lengthOf(1);
    expect(world.push.threads[0]?.userIds).to.have.members(['alice', 'bob', 'carol']);
    expect(world.push.threads[0]?.thread).to.deep.equal(created.thread);
    expect(world.push.messages).to.deep.equal([]);
  });

  it('refuses a typing signal as the first message, storing and pushing nothing', async () => {
    const { world, create } = setUp();
    const error = leftOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: aTypingSignal() })));
    expect(error._tag).to.equal('BAD_REQUEST');
    expect(operationsCalled(world)).to.deep.equal([]);
    expect(world.push.pushedNothing).to.equal(true);
  });

  it('refuses a message over the size limit as PAYLOAD_TOO_LARGE, storing and pushing nothing', async () => {
    const { world, create } = setUp(100);
    const error = leftOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: aTextMessage('x'.repeat(100)) })));
    expect(error._tag).to.equal('PAYLOAD_TOO_LARGE');
    expect(operationsCalled(world)).to.deep.equal([]);
    expect(world.push.pushedNothing).to.equal(true);
    expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal([]);
  });

  it('refuses a malformed text message as BAD_REQUEST before the backend', async () => {
    const { world, create } = setUp();
    const error = leftOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: { type: 'text', data: 'hi' } })));
    expect(error._tag).to.equal('BAD_REQUEST');
    expect(operationsCalled(world)).to.deep.equal([]);
  });

  for (const failure of [backendUnavailable('down'), forbidden('not your contact')]) {
    it(`passes the backend's ${failure._tag} on, subscribing and pushing nothing`, async () => {
      const { world, create } = setUp();
      world.backend.failNext('createThread', failure);
      const error = leftOf(await run(create.execute(world.alice, { memberIds: ['bob'], message: aTextMessage() })));
      expect(error._tag).to.equal(failure._tag);
      expect(world.push.pushedNothing).to.equal(true);
      expect(world.push.subscriptionsOf('alice-socket')).to.deep.equal([]);
    });
  }

  it('creates one thread when the same clientMessageId is sent twice', async () => {
    const { world, create } = setUp();
    const request = { memberIds: ['bob'], message: aTextMessage(), clientMessageId: 'c-1' };
    const first = rightOf(await run(create.execute(world.alice, request)));
    const second = rightOf(await run(create.execute(world.alice, request)));
    expect(second).to.deep.equal(first);
    expect(world.backend.messagesOf(first.thread.threadId)).to.have.lengthOf(1);
  });
});
