import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { collect, request, requestOk, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * The main chat flow of ECB-SPEC §3 end to end: real socket.io-clients, a
 * real ECB, the real reference backend behind it. Run over each transport.
 */

interface Message {
  messageId: string;
  fromUserId: string;
  creationTime: number;
  type: string;
  data: unknown;
}
interface Thread {
  threadId: string;
  threadToken: string;
  members: Array<{ userId: string }>;
  lastMessageTime: number;
}
interface ThreadAndMessages {
  thread: Thread;
  messages: Message[];
}

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

for (const transport of ['websocket', 'polling'] as const) {
  describe(`socket chat flow over ${transport}`, () => {
    let world: EcbWorld;
    const connect = (userId: string): Promise<ClientSocket> => world.connect(userId, { transports: [transport] });

    beforeEach(async () => {
      world = await startEcbWorld();
    });
    afterEach(async () => world.close());

    describe('createThread', () => {
      it('acks threadAndMessages, and pushes `thread` to every tab of every member', async () => {
        const alice = await connect('alice');
        const [bobTab1, bobTab2] = [await connect('bob'), await connect('bob')];
        const carol = await connect('carol');
        const carolThreads = collect(carol, 'thread');
        const bob1Thread = waitFor<{ thread: Thread }>(bobTab1, 'thread');
        const bob2Thread = waitFor<{ thread: Thread }>(bobTab2, 'thread');
        const aliceThread = waitFor<{ thread: Thread }>(alice, 'thread');

        const created = await requestOk<ThreadAndMessages>(alice, 'createThread', {
          memberIds: ['bob'],
          message: text('hello Bob'),
        });

        expect(created.thread.members.map((m) => m.userId).sort()).to.deep.equal(['alice', 'bob']);
        expect(created.thread.threadToken).to.be.a('string');
        expect(created.messages).to.have.length(1);
        expect(created.messages[0]).to.deep.include({ fromUserId: 'alice', type: 'text', data: { messageText: 'hello Bob' } });
        for (const pushed of await Promise.all([bob1Thread, bob2Thread, aliceThread])) {
          expect(pushed.thread.threadId).to.equal(created.thread.threadId);
        }
        // carol is no member: a later push to her proves the earlier one would have arrived
        const carolThread = waitFor(carol, 'thread');
        await requestOk(alice, 'createThread', { memberIds: ['carol'], message: text('hi Carol') });
        await carolThread;
        expect(carolThreads).to.have.length(1);
      });

      it('joins the creating socket to the room: a later message of the other member reaches it', async () => {
        const alice = await connect('alice');
        const bob = await connect('bob');
        const created = await requestOk<ThreadAndMessages>(alice, 'createThread', { memberIds: ['bob'], message: text('hi') });
        const pushed = waitFor<{ threadId: string; message: Message }>(alice, 'message');

        const sent = await requestOk<ThreadAndMessages>(bob, 'sendMessage', {
          threadToken: created.thread.threadToken,
          message: text('hi Alice'),
        });

        const { threadId, message } = await pushed;
        expect(threadId).to.equal(created.thread.threadId);
        expect(message).to.deep.equal(sent.messages[0]);
      });
    });

    describe('getThread', () => {
      it('answers the thread with its messages and joins the socket to the room', async () => {
        const alice = await connect('alice');
        const bob = await connect('bob');
        const threadToken = await world.threadToken(PEER_THREAD_ID);

        const opened = await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken });
        expect(opened.thread.threadId).to.equal(PEER_THREAD_ID);
        expect(opened.messages.map((m) => m.messageId)).to.deep.equal(['seed-message-1', 'seed-message-2']);

        const pushed = waitFor<{ threadId: string; message: Message }>(alice, 'message');
        await requestOk(bob, 'sendMessage', { threadToken, message: text('are you there?') });
        expect((await pushed).message.data).to.deep.equal({ messageText: 'are you there?' });
      });

      it('with since, answers only the messages strictly later than since', async () => {
        const alice = await connect('alice');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        const [first, second] = (await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken })).messages;

        const later = await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken, since: first!.creationTime });
        expect(later.messages).to.deep.equal([second]);
        const none = await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken, since: second!.creationTime });
        expect(none.messages).to.deep.equal([]);
      });

      it('drops messages not newer than since even when the backend answers them', async () => {
        const alice = await connect('alice');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        const full = await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken });
        world.stub.respond('getThread', full); // a backend that ignores since

        const later = await requestOk<ThreadAndMessages>(alice, 'getThread', { threadToken, since: full.messages[0]!.creationTime });
        expect(later.messages).to.deep.equal([full.messages[1]]);
        expect(world.stub.requestsTo('getThread').at(-1)?.body).to.deep.include({ since: full.messages[0]!.creationTime });
      });
    });

    describe('leaveThread', () => {
      it('acks {} and stops the pushes of that thread to the socket', async () => {
        const alice = await connect('alice');
        const bob = await connect('bob');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        await requestOk(alice, 'getThread', { threadToken });
        const messages = collect(alice, 'message');

        expect(await request(alice, 'leaveThread', { threadToken })).to.deep.equal({ ok: true, data: {} });
        const threadPush = waitFor(alice, 'thread');
        await requestOk(bob, 'sendMessage', { threadToken, message: text('gone?') });

        // `thread` reaches alice's personal room after `message` would have reached the thread room
        await threadPush;
        expect(messages).to.deep.equal([]);
      });
    });

    describe('sendMessage', () => {
      it('acks the refreshed thread and the stored message, stored once in the backend', async () => {
        const alice = await connect('alice');
        const threadToken = await world.threadToken(PEER_THREAD_ID);

        const sent = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken, message: text('lunch?') });

        expect(sent.thread.threadId).to.equal(PEER_THREAD_ID);
        expect(sent.messages).to.have.length(1);
        const stored = sent.messages[0]!;
        expect(stored).to.deep.include({ fromUserId: 'alice', type: 'text', data: { messageText: 'lunch?' } });
        expect(sent.thread.lastMessageTime).to.equal(stored.creationTime);
        const inStore = await world.stub.store.listMessages(PEER_THREAD_ID);
        expect(inStore.filter((m) => m.messageId === stored.messageId)).to.have.length(1);
        expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
      });

      it('pushes `message` to the room but not to the sending socket; the sender\'s other tab gets it', async () => {
        const [aliceTab1, aliceTab2] = [await connect('alice'), await connect('alice')];
        const bob = await connect('bob');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        for (const socket of [aliceTab1, aliceTab2, bob]) await requestOk(socket, 'getThread', { threadToken });
        const echoed = collect(aliceTab1, 'message');
        const toTab2 = waitFor<{ threadId: string; message: Message }>(aliceTab2, 'message');
        const toBob = waitFor<{ threadId: string; message: Message }>(bob, 'message');
        const threadToTab1 = waitFor(aliceTab1, 'thread');

        const sent = await requestOk<ThreadAndMessages>(aliceTab1, 'sendMessage', { threadToken, message: text('to all') });

        const expected = { threadId: PEER_THREAD_ID, message: sent.messages[0] };
        expect(await toTab2).to.deep.equal(expected);
        expect(await toBob).to.deep.equal(expected);
        await threadToTab1; // pushed after the message on the same connection
        expect(echoed).to.deep.equal([]);
      });

      it('pushes `thread` to the personal rooms of members who have not opened the thread', async () => {
        const alice = await connect('alice');
        const bob = await connect('bob');
        const bobMessages = collect(bob, 'message');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        const pushed = waitFor<{ thread: Thread }>(bob, 'thread');

        const sent = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken, message: text('news') });

        expect((await pushed).thread).to.deep.include({ threadId: PEER_THREAD_ID, lastMessageTime: sent.thread.lastMessageTime });
        expect(bobMessages).to.deep.equal([]); // bob never joined the room
      });

      it('forwards clientMessageId as the Idempotency-Key header, and a retry stores nothing new', async () => {
        const alice = await connect('alice');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        const payload = { threadToken, message: text('once'), clientMessageId: 'client-message-42' };

        const first = await requestOk<ThreadAndMessages>(alice, 'sendMessage', payload);
        const retry = await requestOk<ThreadAndMessages>(alice, 'sendMessage', payload);

        const calls = world.stub.requestsTo('addThreadMessage');
        expect(calls.map((c) => c.headers['idempotency-key'])).to.deep.equal(['client-message-42', 'client-message-42']);
        expect(retry.messages[0]).to.deep.equal(first.messages[0]);
        const stored = await world.stub.store.listMessages(PEER_THREAD_ID);
        expect(stored.filter((m) => m.data !== null && (m.data as { messageText?: string }).messageText === 'once')).to.have.length(1);
      });

      it('pushes a send retried with the same clientMessageId once (the retry acked with the same message)', async () => {
        const alice = await connect('alice');
        const bob = await connect('bob');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        await requestOk(bob, 'getThread', { threadToken });
        const bobMessages = collect<{ message: Message }>(bob, 'message');
        const payload = { threadToken, message: text('just once'), clientMessageId: 'client-message-43' };

        const first = await requestOk<ThreadAndMessages>(alice, 'sendMessage', payload);
        const retry = await requestOk<ThreadAndMessages>(alice, 'sendMessage', payload);
        expect(retry.messages[0]).to.deep.equal(first.messages[0]);
        // a later message proves the retry's push, had there been one, would have arrived
        const later = waitFor<{ message: Message }>(bob, 'message');
        await requestOk(alice, 'sendMessage', { threadToken, message: text('after') });
        await later;
        expect(bobMessages.map((m) => m.message.messageId)).to.deep.equal([first.messages[0]!.messageId, (await later).message.messageId]);
      });

      it('sends no Idempotency-Key without a clientMessageId', async () => {
        const alice = await connect('alice');
        await requestOk(alice, 'sendMessage', { threadToken: await world.threadToken(PEER_THREAD_ID), message: text('x') });
        expect(world.stub.requestsTo('addThreadMessage')[0]?.headers).not.to.have.property('idempotency-key');
      });
    });

    describe('typing', () => {
      it('acks {}, pushes `typing` to the others in the room only, and never calls the backend', async () => {
        const [aliceTab1, aliceTab2] = [await connect('alice'), await connect('alice')];
        const bob = await connect('bob');
        const threadToken = await world.threadToken(PEER_THREAD_ID);
        for (const socket of [aliceTab1, aliceTab2, bob]) await requestOk(socket, 'getThread', { threadToken });
        world.stub.reset();
        const echoed = collect(aliceTab1, 'typing');
        const toBob = waitFor(bob, 'typing');
        const toTab2 = waitFor(aliceTab2, 'typing');

        const ack = await request(aliceTab1, 'sendMessage', { threadToken, message: { type: 'typing', data: true } });

        expect(ack).to.deep.equal({ ok: true, data: {} });
        const expected = { threadId: PEER_THREAD_ID, userId: 'alice', isTyping: true };
        expect(await toBob).to.deep.equal(expected);
        expect(await toTab2).to.deep.equal(expected);
        const stopped = waitFor(bob, 'typing');
        await requestOk(aliceTab1, 'sendMessage', { threadToken, message: { type: 'typing', data: false } });
        expect(await stopped).to.deep.equal({ ...expected, isTyping: false });
        expect(echoed).to.deep.equal([]); // the typing push precedes the ack on the same connection
        expect(world.stub.requests).to.deep.equal([]);
      });
    });
  });
}
