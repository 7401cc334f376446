import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { NewMessage } from '../../../src/application/ports/backend-gateway.js';
import type { ChatPolicy } from '../../../src/application/chat-policy.js';
import type { TokenVerifier } from '../../../src/application/ports/token-verifier.js';
import { SendMessage } from '../../../src/application/send-message.js';
import {
  backendError,
  backendUnavailable,
  badRequest,
  forbidden,
  notFound,
  rateLimited,
  unauthorized,
  type EcbError,
} from '../../../src/domain/errors.js';
import type { OutgoingMessage } from '../../../src/domain/message.js';
import type { ThreadAndMessages } from '../../../src/domain/thread.js';
import type { Caller } from '../../../src/domain/user.js';
import { aGrant, aMessage, aRestActor, aTextMessage, aTypingSignal } from '../../support/builders.js';
import { InMemoryBackendGateway, type InMemoryBackendOptions } from '../../support/in-memory-backend-gateway.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, operationsCalled, run } from './world.js';

describe('SendMessage', () => {
  const setUp = async (
    policy: Partial<ChatPolicy> = {},
    makeBackend?: (options: InMemoryBackendOptions) => InMemoryBackendGateway,
  ) => {
    const world = aWorld(policy, {}, makeBackend);
    const seeded = await world.backend.seedThread({
      threadId: 't1',
      memberIds: ['alice', 'bob'],
      messages: [aMessage({ messageId: 'old', fromUserId: 'bob', creationTime: 1_600_000_000 })],
    });
    const send = new SendMessage(world.tokens, world.backend, world.push, world.policy, world.clock);
    return { world, send, threadToken: seeded.thread.threadToken };
  };

  describe('a message to store', () => {
    it('is stored by the backend, from the sender, and answered with the refreshed thread', async () => {
      const { world, send, threadToken } = await setUp();
      const sent = rightOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage('hi') }))) as ThreadAndMessages;

      const stored = world.backend.messagesOf('t1');
      expect(stored.map((m) => m.messageId)).to.have.lengthOf(2);
      const latest = stored[1];
      expect(latest).to.deep.include({ fromUserId: 'alice', type: 'text', data: { messageText: 'hi' } });
      expect(sent.messages).to.deep.equal([latest]);
      expect(sent.thread.threadId).to.equal('t1');
      expect(sent.thread.lastMessageTime).to.equal(latest?.creationTime);
    });

    it('is pushed to the thread room except the sending connection, and the thread to every member', async () => {
      const { world, send, threadToken } = await setUp();
      const sent = rightOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage('hi') }))) as ThreadAndMessages;

      expect(world.push.messages).to.deep.equal([{ threadId: 't1', message: sent.messages[0], except: 'alice-socket' }]);
      expect(world.push.threads).to.have.lengthOf(1);
      expect(world.push.threads[0]?.userIds).to.have.members(['alice', 'bob']);
      expect(world.push.threads[0]?.thread).to.deep.equal(sent.thread);
      expect(world.push.typing).to.deep.equal([]);
    });

    it('over REST is pushed to the whole room, since there is no sending connection', async () => {
      const { world, send, threadToken } = await setUp();
      await run(send.execute(aRestActor(world.alice.caller), { threadToken, threadId: 't1', message: aTextMessage() }));
      expect(world.push.messages).to.have.lengthOf(1);
      expect(world.push.messages[0]?.except).to.equal(undefined);
    });

    it('passes custom data through to the backend untouched', async () => {
      const { world, send, threadToken } = await setUp();
      const data = { order: 42, items: ['a', { b: null }] };
      await run(send.execute(world.alice, { threadToken, message: { type: 'order', data } }));
      expect(world.backend.messagesOf('t1')[1]).to.deep.include({ type: 'order', data });
    });

    it('forwards only the message\'s type and data, whatever else the client put beside them', async () => {
      const { world, send, threadToken } = await setUp();
      const message = { type: 'text', data: { messageText: 'hi' }, fromUserId: 'bob', creationTime: 1 } as OutgoingMessage;
      rightOf(await run(send.execute(world.alice, { threadToken, message })));
      expect((world.backend.calls[0]?.input as NewMessage).message).to.deep.equal({ type: 'text', data: { messageText: 'hi' } });
    });

    it('is stored once when sent twice with the same clientMessageId', async () => {
      const { world, send, threadToken } = await setUp();
      const request = { threadToken, message: aTextMessage('once'), clientMessageId: 'c-1' };
      const first = rightOf(await run(send.execute(world.alice, request)));
      const second = rightOf(await run(send.execute(world.alice, request)));
      expect(second).to.deep.equal(first);
      expect(world.backend.messagesOf('t1').filter((m) => m.fromUserId === 'alice')).to.have.lengthOf(1);
    });

    it('pushes a retry with the same clientMessageId once: the retry is acked again, not pushed again', async () => {
      const { world, send, threadToken } = await setUp();
      const request = { threadToken, message: aTextMessage('once'), clientMessageId: 'c-1' };
      rightOf(await run(send.execute(world.alice, request)));
      rightOf(await run(send.execute(world.alice, request)));
      expect(world.push.messages).to.have.lengthOf(1);
      expect(world.push.threads).to.have.lengthOf(1);
    });

    it('pushes the retry of a send whose first attempt failed before its push (the answer lost)', async () => {
      const { world, send, threadToken } = await setUp();
      const request = { threadToken, message: aTextMessage('late'), clientMessageId: 'c-2' };
      world.backend.failNext('addThreadMessage', backendUnavailable('timed out'));
      leftOf(await run(send.execute(world.alice, request)));
      rightOf(await run(send.execute(world.alice, request)));
      expect(world.push.messages).to.have.lengthOf(1);
    });

    it('pushes every send without a clientMessageId, even of equal content', async () => {
      const { world, send, threadToken } = await setUp();
      for (let i = 0; i < 2; i += 1) rightOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage('same') })));
      expect(world.push.messages).to.have.lengthOf(2);
    });

    it('answers and pushes only the stored message when the backend returns the whole thread', async () => {
      class WholeThreadBackend extends InMemoryBackendGateway {
        override addThreadMessage(caller: Caller, input: NewMessage): TE.TaskEither<EcbError, ThreadAndMessages> {
          return TE.chain(() => super.getThread(caller, { threadId: input.threadId }))(super.addThreadMessage(caller, input));
        }
      }
      const { world, send, threadToken } = await setUp({}, (options) => new WholeThreadBackend(options));
      const sent = rightOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage('new') }))) as ThreadAndMessages;
      expect(sent.messages).to.have.lengthOf(1);
      expect(sent.messages[0]).to.deep.include({ fromUserId: 'alice', data: { messageText: 'new' } });
      expect(world.push.messages.map((p) => p.message)).to.deep.equal(sent.messages);
    });

    it('is BACKEND_ERROR, pushing nothing, when the backend answers with no message', async () => {
      class SilentBackend extends InMemoryBackendGateway {
        override addThreadMessage(caller: Caller, input: NewMessage): TE.TaskEither<EcbError, ThreadAndMessages> {
          return TE.map((answer: ThreadAndMessages) => ({ ...answer, messages: [] }))(super.addThreadMessage(caller, input));
        }
      }
      const { world, send, threadToken } = await setUp({}, (options) => new SilentBackend(options));
      expect(leftOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage() })))._tag).to.equal('BACKEND_ERROR');
      expect(world.push.pushedNothing).to.equal(true);
    });
  });

  describe('when the backend fails', () => {
    for (const failure of [
      backendUnavailable('down'),
      backendError('nonsense'),
      rateLimited('slow down'),
      unauthorized('who?'),
      forbidden('no'),
      notFound('gone'),
      badRequest('the backend explains'),
    ]) {
      it(`passes ${failure._tag} on and pushes nothing`, async () => {
        const { world, send, threadToken } = await setUp();
        world.backend.failNext('addThreadMessage', failure);
        const error = leftOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage() })));
        expect(error).to.deep.include({ _tag: failure._tag, message: failure.message });
        expect(world.push.pushedNothing).to.equal(true);
        expect(world.backend.messagesOf('t1')).to.have.lengthOf(1);
      });
    }
  });

  describe('a typing signal', () => {
    it('is pushed to the room except the sending connection, never stored, and answered {}', async () => {
      const { world, send, threadToken } = await setUp();
      expect(rightOf(await run(send.execute(world.alice, { threadToken, message: aTypingSignal(true) })))).to.deep.equal({});
      expect(world.push.typing).to.deep.equal([{ threadId: 't1', userId: 'alice', isTyping: true, except: 'alice-socket' }]);
      expect(world.push.messages).to.deep.equal([]);
      expect(world.push.threads).to.deep.equal([]);
      expect(operationsCalled(world)).to.deep.equal([]);
      expect(world.backend.messagesOf('t1')).to.have.lengthOf(1);
    });

    it('carries isTyping false when the user stopped typing', async () => {
      const { world, send, threadToken } = await setUp();
      await run(send.execute(world.bob, { threadToken, message: aTypingSignal(false) }));
      expect(world.push.typing).to.deep.equal([{ threadId: 't1', userId: 'bob', isTyping: false, except: 'bob-socket' }]);
    });

    it('is refused from a non-member with block-non-members on, pushing nothing', async () => {
      const { world, send, threadToken } = await setUp({ blockNonMembers: true });
      expect(leftOf(await run(send.execute(world.carol, { threadToken, message: aTypingSignal() })))._tag).to.equal('FORBIDDEN');
      expect(world.push.pushedNothing).to.equal(true);
    });

    describe('from a user the thread token does not list, with block-non-members off', () => {
      it('is pushed once the backend lets the user read the thread (asked for nothing older than now)', async () => {
        const { world, send } = await setUp({ blockNonMembers: false });
        world.tokens.withThread('token-without-carol', aGrant({ threadId: 't1', memberIds: ['alice', 'bob'] }));
        await world.backend.seedThread({ threadId: 't1', memberIds: ['alice', 'bob', 'carol'] });
        expect(rightOf(await run(send.execute(world.carol, { threadToken: 'token-without-carol', message: aTypingSignal(true) })))).to.deep.equal({});
        expect(operationsCalled(world)).to.deep.equal(['getThread']);
        expect(world.backend.calls[0]?.input).to.deep.include({ threadId: 't1', since: world.clock.nowSeconds() });
        expect(world.push.typing).to.deep.equal([{ threadId: 't1', userId: 'carol', isTyping: true, except: 'carol-socket' }]);
      });

      it('is refused with the backend\'s answer when the backend says no, pushing nothing', async () => {
        const { world, send, threadToken } = await setUp({ blockNonMembers: false });
        expect(leftOf(await run(send.execute(world.carol, { threadToken, message: aTypingSignal(true) })))._tag).to.equal('FORBIDDEN');
        expect(world.push.pushedNothing).to.equal(true);
      });

      it('from a listed member still asks the backend nothing', async () => {
        const { world, send, threadToken } = await setUp({ blockNonMembers: false });
        rightOf(await run(send.execute(world.bob, { threadToken, message: aTypingSignal(true) })));
        expect(operationsCalled(world)).to.deep.equal([]);
      });
    });

    it('with a non-boolean data is BAD_REQUEST, pushing nothing', async () => {
      const { world, send, threadToken } = await setUp();
      expect(leftOf(await run(send.execute(world.alice, { threadToken, message: { type: 'typing', data: 'yes' } })))._tag).to.equal('BAD_REQUEST');
      expect(world.push.pushedNothing).to.equal(true);
    });
  });

  describe('refusals before the backend', () => {
    it('refuses a message over the size limit as PAYLOAD_TOO_LARGE, storing and pushing nothing', async () => {
      const { world, send, threadToken } = await setUp({ maxMessageBytes: 100 });
      const error = leftOf(await run(send.execute(world.alice, { threadToken, message: aTextMessage('€'.repeat(30)) })));
      expect(error._tag).to.equal('PAYLOAD_TOO_LARGE');
      expect(operationsCalled(world)).to.deep.equal([]);
      expect(world.push.pushedNothing).to.equal(true);
    });

    it('refuses a non-member as FORBIDDEN with block-non-members on, without calling the backend', async () => {
      const { world, send, threadToken } = await setUp({ blockNonMembers: true });
      expect(leftOf(await run(send.execute(world.carol, { threadToken, message: aTextMessage() })))._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
      expect(world.push.pushedNothing).to.equal(true);
    });

    it('refuses a thread token that does not verify as FORBIDDEN', async () => {
      const { world, send } = await setUp();
      expect(leftOf(await run(send.execute(world.alice, { threadToken: 'forged', message: aTextMessage() })))._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
    });

    it('refuses over REST a token for another thread than the path names', async () => {
      const { world, send, threadToken } = await setUp();
      await world.backend.seedThread({ threadId: 't2', memberIds: ['alice'] });
      const error = leftOf(await run(send.execute(aRestActor(world.alice.caller), { threadToken, threadId: 't2', message: aTextMessage() })));
      expect(error._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
      expect(world.backend.messagesOf('t2')).to.deep.equal([]);
    });
  });

  describe('with a token verifier that knows the thread token already (knownThread)', () => {
    /** SendMessage over a verifier that knows the seeded thread's token at once, and counts what it verifies. */
    const setUpKnowing = async (policy: Partial<ChatPolicy> = {}) => {
      const base = await setUp(policy);
      const { tokens: fake } = base.world;
      const grant = rightOf(await fake.verifyThread(base.threadToken)());
      const verified: string[] = [];
      const tokens: TokenVerifier = {
        verifyUser: (credential) => fake.verifyUser(credential),
        verifyServer: (credential) => fake.verifyServer(credential),
        verifyThread: (credential) => {
          verified.push(credential);
          return fake.verifyThread(credential);
        },
        knownThread: (credential) => (credential === base.threadToken ? grant : undefined),
      };
      const send = new SendMessage(tokens, base.world.backend, base.world.push, base.world.policy, base.world.clock);
      return { ...base, send, verified };
    };

    it('starts the backend call at once, in the same tick, without asking verifyThread', async () => {
      const { world, send, threadToken, verified } = await setUpKnowing();
      const outcome = run(send.execute(world.alice, { threadToken, message: aTextMessage('hi') }));
      expect(operationsCalled(world)).to.deep.equal(['addThreadMessage']);
      expect(rightOf(await outcome)).to.have.property('messages').with.lengthOf(1);
      expect(verified).to.deep.equal([]);
      expect(world.push.messages).to.have.lengthOf(1);
    });

    it('still refuses a non-member, and a token for another thread than a REST path names', async () => {
      const { world, send, threadToken } = await setUpKnowing({ blockNonMembers: true });
      await world.backend.seedThread({ threadId: 't2', memberIds: ['alice'] });
      expect(leftOf(await run(send.execute(world.carol, { threadToken, message: aTextMessage() })))._tag).to.equal('FORBIDDEN');
      const other = leftOf(await run(send.execute(aRestActor(world.alice.caller), { threadToken, threadId: 't2', message: aTextMessage() })));
      expect(other._tag).to.equal('FORBIDDEN');
      expect(operationsCalled(world)).to.deep.equal([]);
    });

    it('verifies a token it does not know, as before', async () => {
      const { world, send, verified } = await setUpKnowing();
      const seeded = await world.backend.seedThread({ threadId: 't2', memberIds: ['alice', 'bob'] });
      rightOf(await run(send.execute(world.alice, { threadToken: seeded.thread.threadToken, message: aTextMessage() })));
      expect(verified).to.deep.equal([seeded.thread.threadToken]);
      expect(world.backend.messagesOf('t2')).to.have.lengthOf(1);
    });
  });

  describe('with block-non-members off', () => {
    it('lets a user outside the token’s members through to the backend, which stores it', async () => {
      const { world, send } = await setUp({ blockNonMembers: false });
      world.tokens.withThread('token-without-carol', aGrant({ threadId: 't1', memberIds: ['alice', 'bob'] }));
      await world.backend.seedThread({ threadId: 't1', memberIds: ['alice', 'bob', 'carol'] });
      rightOf(await run(send.execute(world.carol, { threadToken: 'token-without-carol', message: aTextMessage('agent here') })));
      expect(world.backend.messagesOf('t1').map((m) => m.fromUserId)).to.deep.equal(['carol']);
      expect(world.push.messages).to.have.lengthOf(1);
    });
  });
});
