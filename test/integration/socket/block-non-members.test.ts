import { expect } from 'chai';
import { PEER_THREAD_ID, SUPPORT_THREAD_ID } from '../../../reference-backend/seed.js';
import { collect, request, requestOk, startEcbWorld, waitFor, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * ECB-SPEC §3 "block non-members": on (the default), ECB refuses a
 * non-member before the backend is called; off, the backend decides, which
 * lets a support agent join a customer's thread (and still refuses others).
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
type ThreadAndMessages = { thread: { threadId: string; members: Array<{ userId: string }> }; messages: Array<{ messageId: string }> };

describe('block non-members on (the default)', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld();
  });
  afterEach(async () => world.close());

  for (const [who, threadId] of [
    ['carol', PEER_THREAD_ID],
    ['agent-sam', SUPPORT_THREAD_ID],
  ] as const) {
    it(`refuses ${who}, not a member of ${threadId}, with FORBIDDEN for getThread and sendMessage, without calling the backend`, async () => {
      const socket = await world.connect(who);
      const threadToken = await world.threadToken(threadId);
      const before = (await world.stub.store.listMessages(threadId)).length;

      for (const ack of [
        await request(socket, 'getThread', { threadToken }),
        await request(socket, 'sendMessage', { threadToken, message: text('let me in') }),
        await request(socket, 'sendMessage', { threadToken, message: { type: 'typing', data: true } }),
      ]) {
        expect(ack).to.deep.include({ ok: false });
        expect(ack.ok === false && ack.error.code).to.equal('FORBIDDEN');
      }
      expect(world.stub.requestsTo('getThread')).to.deep.equal([]);
      expect(world.stub.requestsTo('addThreadMessage')).to.deep.equal([]);
      expect(await world.stub.store.listMessages(threadId)).to.have.length(before);
    });
  }

  it('lets a member of the token through', async () => {
    const dana = await world.connect('cust-dana');
    const opened = await requestOk<ThreadAndMessages>(dana, 'getThread', { threadToken: await world.threadToken(SUPPORT_THREAD_ID) });
    expect(opened.thread.threadId).to.equal(SUPPORT_THREAD_ID);
  });
});

describe('block non-members off (blockNonMembers: false)', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld({ blockNonMembers: false });
  });
  afterEach(async () => world.close());

  it('forwards an agent to the backend, which lets them read and join a support thread', async () => {
    const sam = await world.connect('agent-sam');
    const dana = await world.connect('cust-dana');
    const threadToken = await world.threadToken(SUPPORT_THREAD_ID);
    await requestOk(dana, 'getThread', { threadToken });

    const opened = await requestOk<ThreadAndMessages>(sam, 'getThread', { threadToken });
    expect(opened.messages.map((m) => m.messageId)).to.deep.equal(['seed-message-3']);
    expect(world.stub.requestsTo('getThread').at(-1)?.body).to.deep.include({ threadId: SUPPORT_THREAD_ID });

    const toDana = waitFor<{ message: { fromUserId: string } }>(dana, 'message');
    const sent = await requestOk<ThreadAndMessages>(sam, 'sendMessage', { threadToken, message: text('I am on it') });
    expect(sent.thread.members.map((m) => m.userId)).to.include('agent-sam');
    expect((await toDana).message.fromUserId).to.equal('agent-sam');
    expect((await world.stub.store.findThread(SUPPORT_THREAD_ID))?.memberIds).to.include('agent-sam');
  });

  it('forwards a peer to the backend, which refuses with 403: FORBIDDEN, nothing stored', async () => {
    const carol = await world.connect('carol');
    const threadToken = await world.threadToken(PEER_THREAD_ID);
    const before = (await world.stub.store.listMessages(PEER_THREAD_ID)).length;

    const read = await request(carol, 'getThread', { threadToken });
    const write = await request(carol, 'sendMessage', { threadToken, message: text('hi?') });

    for (const ack of [read, write]) expect(ack.ok === false && ack.error.code).to.equal('FORBIDDEN');
    expect(world.stub.requestsTo('getThread')).to.have.length(1);
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(1);
    expect(await world.stub.store.listMessages(PEER_THREAD_ID)).to.have.length(before);
  });

  it('does not join a refused socket to the room', async () => {
    const carol = await world.connect('carol');
    const alice = await world.connect('alice');
    const threadToken = await world.threadToken(PEER_THREAD_ID);
    expect((await request(carol, 'getThread', { threadToken })).ok).to.equal(false);
    const carolMessages = collect(carol, 'message');

    await requestOk(alice, 'sendMessage', { threadToken, message: text('private') });
    // a later push on carol's connection proves the message would have reached her by now
    const carolThread = waitFor(carol, 'thread');
    await requestOk(alice, 'createThread', { memberIds: ['carol'], message: text('hi Carol') });
    await carolThread;
    expect(carolMessages).to.deep.equal([]);
  });
});
