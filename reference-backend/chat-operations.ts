import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { accessTo, isContactOf, newThreadData, roleOf } from './access.js';
import { badRequest, forbidden, notFound, unauthorized, type Failure } from './failures.js';
import { validateNewMessage } from './messages.js';
import type { AddThreadMessageRequest, CreateThreadRequest, GetThreadRequest, NewMessageBody } from './requests.js';
import type { Store, StoredThread, UnstampedMessage, User } from './store.js';
import { viewThread, type ThreadAndMessages, type ThreadView } from './thread-view.js';
import type { ReferenceTokens } from './tokens.js';

/** The most members a new thread may name. */
export const MAX_THREAD_MEMBERS = 100;

type Result<T> = Promise<E.Either<Failure, T>>;

/**
 * The six operations of the backend contract (ECB-SPEC §6), free of HTTP:
 * `caller` is the user the forwarded user token proved, already checked
 * against the request's `user`. Each returns its answer or a Failure.
 */
export class ChatOperations {
  private readonly view: (thread: StoredThread) => Promise<ThreadView>;

  constructor(
    private readonly store: Store,
    private readonly tokens: ReferenceTokens,
    /** UNIX epoch seconds, with decimals. */
    private readonly now: () => number,
    private readonly newId: () => string = randomUUID,
  ) {
    this.view = viewThread(store, tokens);
  }

  /** Access tokens are opaque to ECB; here each user simply has one. */
  async getUserToken(accessToken: string): Result<{ userToken: string }> {
    const user = await this.store.findUserByAccessToken(accessToken);
    if (user === undefined) return E.left(unauthorized('unknown access token'));
    return E.right({ userToken: await this.tokens.signUserToken(user) });
  }

  /** The complete list, as a bare array: ECB cuts the requested page from it. */
  async getContacts(caller: User): Result<User[]> {
    return E.right((await this.store.listUsers()).filter(isContactOf(caller)));
  }

  /** The caller's threads, latest activity first; an agent also sees every support thread. */
  async getThreads(caller: User): Result<ThreadView[]> {
    const own = await this.store.threadsOfMember(caller.userId);
    const joinable = roleOf(caller) === 'agent' ? await this.store.supportThreads() : [];
    const threads = [...new Map([...own, ...joinable].map((t) => [t.threadId, t])).values()];
    threads.sort((a, b) => b.lastMessageTime - a.lastMessageTime);
    return E.right(await Promise.all(threads.map(this.view)));
  }

  /**
   * A new thread of `memberIds` and the caller, with its first message.
   * Repeats (Idempotency-Key) are caught before this, by the kit's router.
   */
  async createThread(caller: User, request: CreateThreadRequest): Result<ThreadAndMessages> {
    const message = validateNewMessage(request.message);
    if (E.isLeft(message)) return message;
    const memberIds = await this.memberIdsFor(caller, request.memberIds);
    if (E.isLeft(memberIds)) return memberIds;
    const data = newThreadData(caller);
    const created = await this.store.createThread(
      { threadId: this.newId(), memberIds: memberIds.right, ...(data === undefined ? {} : { data }) },
      this.unstamped(caller, message.right),
      this.now(),
    );
    return E.right({ thread: await this.view(created.thread), messages: [created.message] });
  }

  /** The thread and its messages in creation order; with `since`, only later ones. */
  async getThread(caller: User, request: GetThreadRequest): Result<ThreadAndMessages> {
    const thread = await this.store.findThread(request.threadId);
    if (thread === undefined) return E.left(notFound('no such thread'));
    if (accessTo(caller, thread) === 'none') return E.left(forbidden('you may not read this thread'));
    const messages = await this.store.listMessages(thread.threadId, request.since ?? undefined);
    return E.right({ thread: await this.view(thread), messages });
  }

  /**
   * Stores a message; an agent writing to a support thread joins it first.
   * Repeats (Idempotency-Key) are caught before this, by the kit's router.
   */
  async addThreadMessage(caller: User, request: AddThreadMessageRequest): Result<ThreadAndMessages> {
    const message = validateNewMessage(request.message);
    if (E.isLeft(message)) return message;
    const { threadId } = request;
    const thread = await this.store.findThread(threadId);
    if (thread === undefined) return E.left(notFound('no such thread'));
    const access = accessTo(caller, thread);
    if (access === 'none') return E.left(forbidden('you may not write to this thread'));
    if (access === 'join') await this.store.addMember(threadId, caller.userId);
    const appended = await this.store.appendMessage(threadId, this.unstamped(caller, message.right), this.now());
    if (appended === undefined) return E.left(notFound('no such thread'));
    return E.right({ thread: await this.view(appended.thread), messages: [appended.message] });
  }

  // Only the fields a message has: io-ts lets unknown extra fields through.
  private unstamped(caller: User, message: NewMessageBody): UnstampedMessage {
    return { messageId: this.newId(), fromUserId: caller.userId, type: message.type, data: message.data };
  }

  /** The requested members plus the creator, each once; every one must exist. */
  private async memberIdsFor(caller: User, requested: readonly string[]): Result<string[]> {
    const memberIds = [...new Set([caller.userId, ...requested])];
    if (memberIds.length > MAX_THREAD_MEMBERS) {
      return E.left(badRequest(`a thread may have at most ${MAX_THREAD_MEMBERS} members`));
    }
    for (const userId of memberIds) {
      if ((await this.store.findUser(userId)) === undefined) {
        return E.left(badRequest(`unknown member: ${JSON.stringify(userId.slice(0, 64))}`));
      }
    }
    return E.right(memberIds);
  }
}
