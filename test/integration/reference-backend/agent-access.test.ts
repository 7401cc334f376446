import { expect } from 'chai';
import { decodeJwt } from 'jose';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { signIn, startTestBackend, text, type Session } from './backend-client.js';

const SUPPORT = 'thread-support-dana';

describe('reference backend: customer support access', () => {
  let backend: RunningReferenceBackend;
  let sam: Session;

  beforeEach(async () => {
    backend = await startTestBackend();
    sam = await signIn(backend.url, 'agent-sam');
  });
  afterEach(async () => backend.close());

  const memberIdsOf = async (threadId: string) => (await backend.store.findThread(threadId))?.memberIds;

  it("lets an agent read a customer's support thread without joining it", async () => {
    const answer = await sam.call('getThread', { threadId: SUPPORT });
    expect(answer.status).to.equal(200);
    expect(answer.body.messages[0].fromUserId).to.equal('cust-dana');
    expect(await memberIdsOf(SUPPORT)).to.deep.equal(['cust-dana']);
  });

  it('makes an agent a member with his first message, in the answer and its thread token', async () => {
    const answer = await sam.call('addThreadMessage', { threadId: SUPPORT, message: text('On it!') });
    expect(answer.status).to.equal(200);
    expect(answer.body.thread.members.map((m: { userId: string }) => m.userId)).to.deep.equal([
      'cust-dana',
      'agent-sam',
    ]);
    expect(decodeJwt(answer.body.thread.threadToken).memberIds).to.deep.equal(['cust-dana', 'agent-sam']);
    expect(await memberIdsOf(SUPPORT)).to.deep.equal(['cust-dana', 'agent-sam']);
    await sam.call('addThreadMessage', { threadId: SUPPORT, message: text('Found it.') });
    expect(await memberIdsOf(SUPPORT)).to.deep.equal(['cust-dana', 'agent-sam']);
  });

  it('refuses an agent a thread that is not a support thread', async () => {
    expect((await sam.call('getThread', { threadId: 'thread-alice-bob' })).status).to.equal(403);
    expect((await sam.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text('hi') })).status).to.equal(
      403,
    );
    expect(await memberIdsOf('thread-alice-bob')).to.deep.equal(['alice', 'bob']);
  });

  it("refuses another customer, and a peer, a customer's support thread", async () => {
    for (const userId of ['cust-eli', 'alice']) {
      const session = await signIn(backend.url, userId);
      expect((await session.call('getThread', { threadId: SUPPORT })).status, userId).to.equal(403);
      expect(
        (await session.call('addThreadMessage', { threadId: SUPPORT, message: text('hi') })).status,
        userId,
      ).to.equal(403);
    }
    expect(await memberIdsOf(SUPPORT)).to.deep.equal(['cust-dana']);
  });

  it('makes a thread a customer opens a support thread, which agents see and may join', async () => {
    const eli = await signIn(backend.url, 'cust-eli');
    const opened = await eli.call('createThread', { memberIds: [], message: text('My invoice is wrong') });
    expect(opened.body.thread.data).to.deep.include({ kind: 'support' });
    const threadId = opened.body.thread.threadId;
    expect((await sam.call('getThreads')).body.map((t: { threadId: string }) => t.threadId)).to.include(threadId);
    expect((await sam.call('addThreadMessage', { threadId, message: text('Let me check') })).status).to.equal(200);
  });

  it('makes no thread a peer opens a support thread', async () => {
    const alice = await signIn(backend.url, 'alice');
    const opened = await alice.call('createThread', { memberIds: ['agent-sam'], message: text('Hi Sam') });
    expect(opened.body.thread).not.to.have.property('data');
  });
});
