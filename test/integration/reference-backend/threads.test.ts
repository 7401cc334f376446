import { expect } from 'chai';
import { decodeJwt } from 'jose';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { signIn, startTestBackend, text, type Session } from './backend-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const T0 = 1_750_000_000.5;

describe('reference backend: createThread, getThread, addThreadMessage', () => {
  let backend: RunningReferenceBackend;
  let clock: number;
  let alice: Session;

  beforeEach(async () => {
    clock = T0;
    backend = await startTestBackend({ now: () => clock });
    alice = await signIn(backend.url, 'alice');
  });
  afterEach(async () => backend.close());

  describe('createThread', () => {
    it('makes the creator a member, stores the first message and answers threadAndMessages', async () => {
      const answer = await alice.call('createThread', { memberIds: ['carol', 'carol'], message: text('hi Carol') });
      expect(answer.status).to.equal(200);
      const { thread, messages } = answer.body;
      expect(thread.members.map((m: { userId: string }) => m.userId)).to.deep.equal(['alice', 'carol']);
      expect(thread.lastMessageTime).to.equal(T0);
      expect(decodeJwt(thread.threadToken)).to.include({ threadId: thread.threadId });
      expect(decodeJwt(thread.threadToken).memberIds).to.deep.equal(['alice', 'carol']);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.deep.include({
        fromUserId: 'alice',
        creationTime: T0,
        type: 'text',
        data: { messageText: 'hi Carol' },
      });
      expect(messages[0].messageId).to.match(UUID);

      const carol = await signIn(backend.url, 'carol');
      const stored = await carol.call('getThread', { threadId: thread.threadId });
      expect(stored.body.messages).to.deep.equal(messages);
    });

    it('stores only type and data of a message, with times in epoch seconds and milliseconds', async () => {
      clock = 1_750_000_000.123456;
      const message = { type: 'order', data: { orderId: 7 }, messageId: 'forged', fromUserId: 'bob', creationTime: 1 };
      const answer = await alice.call('createThread', { memberIds: ['bob'], message });
      expect(answer.body.messages[0]).to.deep.include({
        fromUserId: 'alice',
        creationTime: 1_750_000_000.123,
        type: 'order',
        data: { orderId: 7 },
      });
      expect(answer.body.messages[0].messageId).not.to.equal('forged');
    });

    it('refuses an unknown member with 400, creating nothing', async () => {
      const answer = await alice.call('createThread', { memberIds: ['bob', 'nobody'], message: text('hi') });
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.deep.equal({ code: 'BAD_REQUEST', message: 'unknown member: "nobody"' });
      expect(await backend.store.threadsOfMember('alice')).to.have.length(1);
    });

    const invalidMessages: Array<[string, unknown]> = [
      ['a typing signal', { type: 'typing', data: true }],
      ['an empty type', { type: '', data: {} }],
      ['no data', { type: 'custom' }],
      ['a text without messageText', { type: 'text', data: { body: 'hi' } }],
      ['a message over 64 KiB', { type: 'text', data: { messageText: 'x'.repeat(70_000) } }],
    ];
    for (const [name, message] of invalidMessages) {
      it(`refuses ${name} with 400`, async () => {
        const answer = await alice.call('createThread', { memberIds: ['bob'], message });
        expect(answer.status).to.equal(400);
        expect(answer.body.error.code).to.equal('BAD_REQUEST');
        expect(await backend.store.threadsOfMember('alice')).to.have.length(1);
      });
    }
  });

  describe('getThread', () => {
    it('answers the thread and its messages in creation order', async () => {
      const answer = await alice.call('getThread', { threadId: 'thread-alice-bob' });
      expect(answer.status).to.equal(200);
      expect(answer.body.thread.threadId).to.equal('thread-alice-bob');
      expect(answer.body.messages.map((m: { messageId: string }) => m.messageId)).to.deep.equal([
        'seed-message-1',
        'seed-message-2',
      ]);
    });

    it('answers only the messages later than since', async () => {
      const [first, second] = (await alice.call('getThread', { threadId: 'thread-alice-bob' })).body.messages;
      const later = await alice.call('getThread', { threadId: 'thread-alice-bob', since: first.creationTime });
      expect(later.body.messages).to.deep.equal([second]);
      const none = await alice.call('getThread', { threadId: 'thread-alice-bob', since: second.creationTime });
      expect(none.body.messages).to.deep.equal([]);
      const all = await alice.call('getThread', { threadId: 'thread-alice-bob', since: null });
      expect(all.body.messages).to.have.length(2);
    });

    it('answers 404 for an unknown thread', async () => {
      const answer = await alice.call('getThread', { threadId: 'no-such-thread' });
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('NOT_FOUND');
    });

    it('answers 403 to a non-member', async () => {
      const carol = await signIn(backend.url, 'carol');
      const answer = await carol.call('getThread', { threadId: 'thread-alice-bob' });
      expect(answer.status).to.equal(403);
      expect(answer.body.error.code).to.equal('FORBIDDEN');
    });
  });

  describe('addThreadMessage', () => {
    it('stores the message and answers it with the refreshed thread', async () => {
      clock = T0 + 10;
      const answer = await alice.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text('see you') });
      expect(answer.status).to.equal(200);
      expect(answer.body.thread.threadId).to.equal('thread-alice-bob');
      expect(answer.body.thread.lastMessageTime).to.equal(T0 + 10);
      expect(answer.body.messages).to.have.length(1);
      const [message] = answer.body.messages;
      expect(message).to.deep.include({
        fromUserId: 'alice',
        creationTime: T0 + 10,
        type: 'text',
        data: { messageText: 'see you' },
      });
      const stored = await backend.store.listMessages('thread-alice-bob');
      expect(stored.at(-1)).to.deep.equal(message);
    });

    it('gives messages strictly increasing times within a thread, 1 ms apart when the clock stands still', async () => {
      const times: number[] = [];
      for (const messageText of ['a', 'b', 'c']) {
        const answer = await alice.call('addThreadMessage', {
          threadId: 'thread-alice-bob',
          message: text(messageText),
        });
        times.push(answer.body.messages[0].creationTime);
      }
      expect(times).to.deep.equal([T0, T0 + 0.001, T0 + 0.002]);
      clock = T0 - 60; // the clock stepped back
      const answer = await alice.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text('d') });
      expect(answer.body.messages[0].creationTime).to.equal(T0 + 0.003);
    });

    it('gives every message a unique id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i += 1) {
        ids.add(
          (await alice.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text(`m${i}`) })).body
            .messages[0].messageId,
        );
      }
      expect(ids.size).to.equal(5);
    });

    it('answers 404 for an unknown thread', async () => {
      const answer = await alice.call('addThreadMessage', { threadId: 'no-such-thread', message: text('hello?') });
      expect(answer.status).to.equal(404);
    });

    it('answers 403 to a non-member, storing nothing', async () => {
      const carol = await signIn(backend.url, 'carol');
      const answer = await carol.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text('let me in') });
      expect(answer.status).to.equal(403);
      expect(await backend.store.listMessages('thread-alice-bob')).to.have.length(2);
    });

    it('refuses a typing signal with 400', async () => {
      const answer = await alice.call('addThreadMessage', {
        threadId: 'thread-alice-bob',
        message: { type: 'typing', data: true },
      });
      expect(answer.status).to.equal(400);
      expect(await backend.store.listMessages('thread-alice-bob')).to.have.length(2);
    });
  });
});
