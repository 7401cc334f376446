import { expect } from 'chai';
import { jwtVerify } from 'jose';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { testKeys } from '../../support/keys.js';
import { signIn, startTestBackend, text } from './backend-client.js';

const idsOf = (items: Array<{ userId?: string; threadId?: string }>): Array<string | undefined> =>
  items.map((item) => item.userId ?? item.threadId);

describe('reference backend: getContacts and getThreads', () => {
  let backend: RunningReferenceBackend;

  beforeEach(async () => {
    backend = await startTestBackend();
  });
  afterEach(async () => backend.close());

  describe('getContacts', () => {
    const contactsOf = async (userId: string) => (await (await signIn(backend.url, userId)).call('getContacts')).body;

    it('answers a bare array of users, each with a displayName, never the caller', async () => {
      const contacts = await contactsOf('alice');
      expect(contacts).to.be.an('array');
      for (const contact of contacts) expect(contact.displayName).to.be.a('string').and.not.be.empty;
      expect(idsOf(contacts)).not.to.include('alice');
    });

    it('shows a peer the other peers and the agents', async () => {
      expect(idsOf(await contactsOf('alice'))).to.have.members(['bob', 'carol', 'agent-sam']);
    });

    it('shows a customer only the agents', async () => {
      expect(idsOf(await contactsOf('cust-dana'))).to.have.members(['agent-sam']);
    });

    it('shows an agent everyone', async () => {
      expect(idsOf(await contactsOf('agent-sam'))).to.have.members(['alice', 'bob', 'carol', 'cust-dana', 'cust-eli']);
    });

    it('ignores the requested page: ECB cuts it from the complete list', async () => {
      const session = await signIn(backend.url, 'agent-sam');
      const answer = await session.call('getContacts', { pageStartIndex: 2, pageSize: 1 });
      expect(answer.body).to.have.length(5);
    });
  });

  describe('getThreads', () => {
    it("answers a bare array of the caller's threads, members with display names", async () => {
      const answer = await (await signIn(backend.url, 'bob')).call('getThreads');
      expect(answer.status).to.equal(200);
      expect(idsOf(answer.body)).to.deep.equal(['thread-alice-bob']);
      expect(answer.body[0].members).to.deep.equal([
        { userId: 'alice', displayName: 'Alice' },
        { userId: 'bob', displayName: 'Bob' },
      ]);
    });

    it('sorts them by lastMessageTime, latest first', async () => {
      await backend.close();
      let clock = Date.now() / 1000;
      backend = await startTestBackend({ now: () => clock });
      const alice = await signIn(backend.url, 'alice');
      clock += 1;
      const older = await alice.call('createThread', { memberIds: ['carol'], message: text('first') });
      clock += 1;
      const newer = await alice.call('createThread', { memberIds: ['bob', 'carol'], message: text('second') });
      clock += 1;
      await alice.call('addThreadMessage', { threadId: older.body.thread.threadId, message: text('bump') });
      const threads = (await alice.call('getThreads')).body;
      expect(idsOf(threads)).to.deep.equal([
        older.body.thread.threadId,
        newer.body.thread.threadId,
        'thread-alice-bob',
      ]);
      const times = threads.map((thread: { lastMessageTime: number }) => thread.lastMessageTime);
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it('gives each thread a fresh thread token with its threadId and memberIds, signed RS256', async () => {
      const [thread] = (await (await signIn(backend.url, 'alice')).call('getThreads')).body;
      const { payload, protectedHeader } = await jwtVerify(thread.threadToken, (await testKeys()).publicKey);
      expect(protectedHeader.alg).to.equal('RS256');
      expect(payload).to.include({ threadId: 'thread-alice-bob' });
      expect(payload.memberIds).to.deep.equal(['alice', 'bob']);
      expect(payload.exp).to.be.greaterThan(Date.now() / 1000);
      expect(payload).not.to.have.property('userId');
    });

    it('shows an agent every support thread, member or not', async () => {
      const threads = (await (await signIn(backend.url, 'agent-sam')).call('getThreads')).body;
      expect(idsOf(threads)).to.deep.equal(['thread-support-dana']);
      expect(threads[0].data).to.deep.equal({ kind: 'support', title: 'Order #1042 has not arrived' });
    });

    it('shows a customer only their own threads', async () => {
      expect((await (await signIn(backend.url, 'cust-eli')).call('getThreads')).body).to.deep.equal([]);
      expect(idsOf((await (await signIn(backend.url, 'cust-dana')).call('getThreads')).body)).to.deep.equal([
        'thread-support-dana',
      ]);
    });
  });
});
