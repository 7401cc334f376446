import { expect } from 'chai';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { InMemoryStore } from '../../../reference-backend/memory-store.js';
import { seedContents } from '../../../reference-backend/seed.js';
import type { IdempotencyRecord } from '../../../reference-backend/store.js';
import { signIn, startTestBackend, text, type Session } from './backend-client.js';

describe('reference backend: idempotent writes', () => {
  let backend: RunningReferenceBackend;
  let alice: Session;

  beforeEach(async () => {
    backend = await startTestBackend();
    alice = await signIn(backend.url, 'alice');
  });
  afterEach(async () => backend.close());

  const storedInPeerThread = async () => (await backend.store.listMessages('thread-alice-bob')).length;
  const send = (session: Session, messageText: string, headers: Record<string, string> = {}, extra = {}) =>
    session.call('addThreadMessage', { threadId: 'thread-alice-bob', message: text(messageText), ...extra }, headers);

  describe('addThreadMessage', () => {
    it('answers a repeated Idempotency-Key with the original result and stores nothing new', async () => {
      const first = await send(alice, 'once', { 'idempotency-key': 'key-1' });
      const again = await send(alice, 'once', { 'idempotency-key': 'key-1' });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(first.body);
      expect(await storedInPeerThread()).to.equal(3);
    });

    it('uses the clientMessageId when there is no Idempotency-Key header', async () => {
      const first = await send(alice, 'once', {}, { clientMessageId: 'cm-1' });
      const again = await send(alice, 'once', {}, { clientMessageId: 'cm-1' });
      expect(again.body).to.deep.equal(first.body);
      expect(await storedInPeerThread()).to.equal(3);
    });

    it('stores every write without a key, or with different keys', async () => {
      await send(alice, 'a');
      await send(alice, 'a');
      await send(alice, 'b', { 'idempotency-key': 'key-1' });
      await send(alice, 'b', { 'idempotency-key': 'key-2' });
      expect(await storedInPeerThread()).to.equal(6);
    });

    it('treats the same key from another user as another write', async () => {
      const bob = await signIn(backend.url, 'bob');
      const fromAlice = await send(alice, 'mine', { 'idempotency-key': 'shared' });
      const fromBob = await send(bob, 'mine', { 'idempotency-key': 'shared' });
      expect(fromBob.body.messages[0].messageId).not.to.equal(fromAlice.body.messages[0].messageId);
      expect(fromBob.body.messages[0].fromUserId).to.equal('bob');
      expect(await storedInPeerThread()).to.equal(4);
    });

    it('refuses a key already used for a write to another thread with 409', async () => {
      const other = await alice.call('createThread', { memberIds: ['carol'], message: text('hi') });
      await send(alice, 'here', { 'idempotency-key': 'key-1' });
      const answer = await alice.call(
        'addThreadMessage',
        { threadId: other.body.thread.threadId, message: text('there') },
        { 'idempotency-key': 'key-1' },
      );
      expect(answer.status).to.equal(409);
      expect(await backend.store.listMessages(other.body.thread.threadId)).to.have.length(1);
    });

    it('does not remember a refused write: the corrected retry with the same key is stored', async () => {
      const refused = await alice.call(
        'addThreadMessage',
        { threadId: 'thread-alice-bob', message: { type: 'text', data: {} } },
        { 'idempotency-key': 'key-1' },
      );
      expect(refused.status).to.equal(400);
      const retried = await send(alice, 'fixed', { 'idempotency-key': 'key-1' });
      expect(retried.status).to.equal(200);
      expect(await storedInPeerThread()).to.equal(3);
    });

    it('stores once when the same key arrives twice at the same time', async () => {
      // The store lets the first idempotency look-up wait until a second one starts (or 300 ms pass),
      // so that without serialisation both requests would find no record and both would write.
      await backend.close();
      backend = await startTestBackend({ store: new RendezvousStore(seedContents(Date.now() / 1000)) });
      alice = await signIn(backend.url, 'alice');
      const [first, second] = await Promise.all([
        send(alice, 'race', { 'idempotency-key': 'key-1' }),
        send(alice, 'race', { 'idempotency-key': 'key-1' }),
      ]);
      expect(second.body).to.deep.equal(first.body);
      expect(await storedInPeerThread()).to.equal(3);
    });
  });

  describe('createThread', () => {
    const create = (headers: Record<string, string>, extra = {}) =>
      alice.call('createThread', { memberIds: ['carol'], message: text('hello'), ...extra }, headers);

    it('answers a repeated Idempotency-Key with the original thread and creates nothing new', async () => {
      const first = await create({ 'idempotency-key': 'new-thread' });
      const again = await create({ 'idempotency-key': 'new-thread' });
      expect(again.body).to.deep.equal(first.body);
      expect(await backend.store.threadsOfMember('carol')).to.have.length(1);
    });

    it('does the same for a repeated clientMessageId', async () => {
      const first = await create({}, { clientMessageId: 'cm-1' });
      const again = await create({}, { clientMessageId: 'cm-1' });
      expect(again.body.thread.threadId).to.equal(first.body.thread.threadId);
      expect(await backend.store.threadsOfMember('carol')).to.have.length(1);
    });

    it('does not remember a refused write: the corrected retry with the same key creates the thread', async () => {
      const refused = await alice.call(
        'createThread',
        { memberIds: ['nobody'], message: text('hello') },
        { 'idempotency-key': 'key-1' },
      );
      expect(refused.status).to.equal(400);
      const retried = await create({ 'idempotency-key': 'key-1' });
      expect(retried.status).to.equal(200);
      expect(retried.body.thread.members.map((m: { userId: string }) => m.userId)).to.deep.equal(['alice', 'carol']);
    });

    it('refuses a key already used for addThreadMessage with 409', async () => {
      await send(alice, 'x', { 'idempotency-key': 'key-1' });
      expect((await create({ 'idempotency-key': 'key-1' })).status).to.equal(409);
      expect(await backend.store.threadsOfMember('carol')).to.have.length(0);
    });
  });
});

/** An in-memory store whose first idempotency look-up waits for a second one to start. */
class RendezvousStore extends InMemoryStore {
  private release: (() => void) | undefined;

  override async findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    if (this.release === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        this.release = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    } else {
      this.release();
    }
    return super.findIdempotencyRecord(userId, key);
  }
}
