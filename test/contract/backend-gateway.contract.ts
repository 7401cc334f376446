import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { BackendGateway } from '../../src/application/ports/backend-gateway.js';
import type { EcbError, ErrorCode } from '../../src/domain/errors.js';
import { pageOfListing, type Listing } from '../../src/domain/paging.js';
import { memberIdsOf } from '../../src/domain/thread.js';
import type { Caller, User } from '../../src/domain/user.js';

/** A user the backend knows, with a valid credential and an access token that exchanges to it. */
export interface ContractUser {
  readonly user: User;
  readonly caller: Caller;
  readonly accessToken: string;
}

/**
 * What the contract needs from a backend: a gateway to it, and three peers
 * it knows (each a contact of the others, none in any thread yet).
 */
export interface BackendGatewayFixture {
  readonly gateway: BackendGateway;
  readonly alice: ContractUser;
  readonly bob: ContractUser;
  readonly carol: ContractUser;
  teardown(): Promise<void>;
}

export const CONTRACT_USERS: Readonly<Record<'alice' | 'bob' | 'carol', User>> = {
  alice: { userId: 'alice', displayName: 'Alice' },
  bob: { userId: 'bob', displayName: 'Bob' },
  carol: { userId: 'carol', displayName: 'Carol' },
};

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

const succeeds = async <A>(task: TaskEither<EcbError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) expect.fail(`expected success, got ${result.left._tag}: ${result.left.message}`);
  return result.right;
};

const failsWith = async (code: ErrorCode, task: TaskEither<EcbError, unknown>): Promise<EcbError> => {
  const result = await task();
  if (E.isRight(result)) expect.fail(`expected ${code}, got success`);
  expect(result.left._tag, result.left.message).to.equal(code);
  return result.left;
};

const everything = <T>(listing: Listing<T>): readonly T[] =>
  pageOfListing(listing, { pageStartIndex: 0, pageSize: 100 }).items;

/**
 * The BackendGateway contract (the port's TSDoc and ECB-SPEC §6) as mocha
 * tests. Every implementation runs it: the HTTP adapter against the
 * reference backend, and the in-memory fake the core tests use, so the
 * fake cannot drift from the real thing.
 */
export const backendGatewayContract = (name: string, setup: () => Promise<BackendGatewayFixture>): void => {
  describe(`BackendGateway contract: ${name}`, () => {
    let f: BackendGatewayFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.teardown();
    });

    const createThread = (by: ContractUser, memberIds: string[], messageText = 'hello', clientMessageId?: string) =>
      succeeds(f.gateway.createThread(by.caller, { memberIds, message: text(messageText), clientMessageId }));

    describe('exchangeAccessToken', () => {
      it('issues a credential the backend then accepts for that user', async () => {
        const credential = await succeeds(f.gateway.exchangeAccessToken(f.alice.accessToken, 'request-1'));
        expect(credential).to.be.a('string').that.is.not.empty;
        const caller = { ...f.alice.caller, credential };
        await succeeds(f.gateway.getContacts(caller, { pageStartIndex: 0, pageSize: 20 }));
      });

      it('refuses an unknown access token as UNAUTHORIZED', async () => {
        await failsWith('UNAUTHORIZED', f.gateway.exchangeAccessToken('no-such-access-token', 'request-1'));
      });
    });

    describe('the caller', () => {
      it('is refused as UNAUTHORIZED when its credential is not valid', async () => {
        const caller = { ...f.alice.caller, credential: 'not-a-valid-credential' };
        await failsWith('UNAUTHORIZED', f.gateway.getContacts(caller, { pageStartIndex: 0, pageSize: 20 }));
      });

      it("is refused as FORBIDDEN when it presents another user's credential", async () => {
        const caller = { ...f.alice.caller, credential: f.bob.caller.credential };
        await failsWith('FORBIDDEN', f.gateway.getThreads(caller, { pageStartIndex: 0, pageSize: 20 }));
      });
    });

    describe('getContacts', () => {
      it("lists the caller's contacts with their display names, without the caller", async () => {
        const listing = await succeeds(f.gateway.getContacts(f.alice.caller, { pageStartIndex: 0, pageSize: 20 }));
        const contacts = everything(listing).map((u) => ({ userId: u.userId, displayName: u.displayName }));
        expect(contacts).to.have.deep.members([CONTRACT_USERS.bob, CONTRACT_USERS.carol]);
      });
    });

    describe('getThreads', () => {
      it('lists nothing for a user in no thread', async () => {
        const listing = await succeeds(f.gateway.getThreads(f.carol.caller, { pageStartIndex: 0, pageSize: 20 }));
        expect(everything(listing)).to.deep.equal([]);
      });

      it('lists the threads the caller is a member of, and only those', async () => {
        const first = await createThread(f.alice, ['bob'], 'first');
        const second = await createThread(f.alice, ['carol'], 'second');
        const threadIdsOf = async (who: ContractUser) =>
          everything(await succeeds(f.gateway.getThreads(who.caller, { pageStartIndex: 0, pageSize: 20 }))).map(
            (t) => t.threadId,
          );
        expect(await threadIdsOf(f.alice)).to.have.members([first.thread.threadId, second.thread.threadId]);
        expect(await threadIdsOf(f.bob)).to.deep.equal([first.thread.threadId]);
        expect(await threadIdsOf(f.carol)).to.deep.equal([second.thread.threadId]);
      });
    });

    describe('createThread', () => {
      it('creates a thread of the members and the creator, holding the first message', async () => {
        const created = await createThread(f.alice, ['bob'], 'hello bob');
        expect(memberIdsOf(created.thread)).to.have.members(['alice', 'bob']);
        expect(created.thread.threadToken).to.be.a('string').that.is.not.empty;
        expect(created.messages).to.have.length(1);
        const [first] = created.messages;
        expect(first).to.include({ fromUserId: 'alice', type: 'text' });
        expect(first?.data).to.deep.equal({ messageText: 'hello bob' });
        expect(created.thread.lastMessageTime).to.equal(first?.creationTime);
      });

      it('creates the thread once for a repeated clientMessageId, answering the original', async () => {
        const original = await createThread(f.alice, ['bob'], 'once', 'client-message-1');
        const repeated = await createThread(f.alice, ['bob'], 'once', 'client-message-1');
        expect(repeated.thread.threadId).to.equal(original.thread.threadId);
        expect(repeated.messages.map((m) => m.messageId)).to.deep.equal(original.messages.map((m) => m.messageId));
        const threads = everything(await succeeds(f.gateway.getThreads(f.alice.caller, { pageStartIndex: 0, pageSize: 20 })));
        expect(threads).to.have.length(1);
      });

      it('refuses an unknown member as BAD_REQUEST', async () => {
        const input = { memberIds: ['nobody-like-this'], message: text('hi') };
        await failsWith('BAD_REQUEST', f.gateway.createThread(f.alice.caller, input));
      });

      it('refuses an invalid message as BAD_REQUEST, with the reason', async () => {
        const input = { memberIds: ['bob'], message: { type: 'text', data: { notText: 1 } } };
        const error = await failsWith('BAD_REQUEST', f.gateway.createThread(f.alice.caller, input));
        expect(error.message).to.contain('messageText');
      });
    });

    describe('getThread', () => {
      it('answers the thread and its messages to a member', async () => {
        const created = await createThread(f.alice, ['bob'], 'hello');
        const read = await succeeds(f.gateway.getThread(f.bob.caller, { threadId: created.thread.threadId }));
        expect(read.thread.threadId).to.equal(created.thread.threadId);
        expect(read.messages.map((m) => m.messageId)).to.deep.equal(created.messages.map((m) => m.messageId));
      });

      it('answers, with since, every message later than since', async () => {
        const created = await createThread(f.alice, ['bob'], 'first');
        const since = created.messages[0]?.creationTime as number;
        const added = await succeeds(
          f.gateway.addThreadMessage(f.bob.caller, { threadId: created.thread.threadId, message: text('second') }),
        );
        const read = await succeeds(f.gateway.getThread(f.alice.caller, { threadId: created.thread.threadId, since }));
        const later = read.messages.filter((m) => m.creationTime > since).map((m) => m.messageId);
        expect(later).to.deep.equal(added.messages.map((m) => m.messageId));
      });

      it('refuses an unknown thread as NOT_FOUND', async () => {
        await failsWith('NOT_FOUND', f.gateway.getThread(f.alice.caller, { threadId: 'no-such-thread' }));
      });

      it('refuses a non-member as FORBIDDEN', async () => {
        const created = await createThread(f.alice, ['bob']);
        await failsWith('FORBIDDEN', f.gateway.getThread(f.carol.caller, { threadId: created.thread.threadId }));
      });
    });

    describe('addThreadMessage', () => {
      it('stores the message and answers it with the refreshed thread', async () => {
        const created = await createThread(f.alice, ['bob'], 'first');
        const added = await succeeds(
          f.gateway.addThreadMessage(f.bob.caller, { threadId: created.thread.threadId, message: text('reply') }),
        );
        const stored = added.messages.find((m) => m.fromUserId === 'bob' && m.type === 'text');
        expect(stored?.data).to.deep.equal({ messageText: 'reply' });
        expect(stored?.creationTime).to.be.greaterThan(created.messages[0]?.creationTime as number);
        expect(added.thread.lastMessageTime).to.equal(stored?.creationTime);
        const read = await succeeds(f.gateway.getThread(f.alice.caller, { threadId: created.thread.threadId }));
        expect(read.messages.map((m) => m.messageId)).to.include(stored?.messageId);
      });

      it('stores the message once for a repeated clientMessageId, answering the original', async () => {
        const { thread } = await createThread(f.alice, ['bob'], 'first');
        const send = () =>
          succeeds(
            f.gateway.addThreadMessage(f.bob.caller, {
              threadId: thread.threadId,
              message: text('only once'),
              clientMessageId: 'client-message-2',
            }),
          );
        const original = await send();
        const repeated = await send();
        expect(repeated.messages.map((m) => m.messageId)).to.deep.equal(original.messages.map((m) => m.messageId));
        const read = await succeeds(f.gateway.getThread(f.alice.caller, { threadId: thread.threadId }));
        expect(read.messages).to.have.length(2);
      });

      it("treats the same clientMessageId from another user as another write", async () => {
        const { thread } = await createThread(f.alice, ['bob'], 'first');
        const input = { threadId: thread.threadId, message: text('mine'), clientMessageId: 'client-message-3' };
        const fromAlice = await succeeds(f.gateway.addThreadMessage(f.alice.caller, input));
        const fromBob = await succeeds(f.gateway.addThreadMessage(f.bob.caller, input));
        expect(fromBob.messages[0]?.messageId).to.not.equal(fromAlice.messages[0]?.messageId);
      });

      it('refuses a clientMessageId already used for another write as BAD_REQUEST', async () => {
        const { thread } = await createThread(f.alice, ['bob'], 'first', 'client-message-4');
        const input = { threadId: thread.threadId, message: text('other'), clientMessageId: 'client-message-4' };
        await failsWith('BAD_REQUEST', f.gateway.addThreadMessage(f.alice.caller, input));
      });

      it('refuses an unknown thread as NOT_FOUND', async () => {
        const input = { threadId: 'no-such-thread', message: text('hi') };
        await failsWith('NOT_FOUND', f.gateway.addThreadMessage(f.alice.caller, input));
      });

      it('refuses a non-member as FORBIDDEN, storing nothing', async () => {
        const { thread } = await createThread(f.alice, ['bob']);
        const input = { threadId: thread.threadId, message: text('let me in') };
        await failsWith('FORBIDDEN', f.gateway.addThreadMessage(f.carol.caller, input));
        const read = await succeeds(f.gateway.getThread(f.alice.caller, { threadId: thread.threadId }));
        expect(read.messages).to.have.length(1);
      });

      it('refuses a message with an empty type as BAD_REQUEST', async () => {
        const { thread } = await createThread(f.alice, ['bob']);
        const input = { threadId: thread.threadId, message: { type: '', data: {} } };
        await failsWith('BAD_REQUEST', f.gateway.addThreadMessage(f.alice.caller, input));
      });
    });
  });
};
