import * as TE from 'fp-ts/lib/TaskEither.js';
import type { BackendGateway, NewMessage, NewThread } from '../../src/application/ports/backend-gateway.js';
import {
  badRequest,
  forbidden,
  internal,
  isEcbError,
  notFound,
  unauthorized,
  type EcbError,
} from '../../src/domain/errors.js';
import { TEXT, TYPING, type OutgoingMessage, type ThreadMessage } from '../../src/domain/message.js';
import { pageOf, type Listing, type Paging } from '../../src/domain/paging.js';
import type { Thread, ThreadAndMessages } from '../../src/domain/thread.js';
import type { Caller, User } from '../../src/domain/user.js';

export type BackendOperationName =
  | 'exchangeAccessToken'
  | 'getContacts'
  | 'getThreads'
  | 'createThread'
  | 'getThread'
  | 'addThreadMessage';

/** One call the gateway received, in order. */
export interface RecordedBackendCall {
  readonly operation: BackendOperationName;
  /** Who called; absent for exchangeAccessToken. */
  readonly caller?: Caller;
  readonly input: unknown;
}

export interface InMemoryBackendOptions {
  /** Issues a thread's token; default an opaque `thread-token:<threadId>`. */
  readonly signThread?: (threadId: string, memberIds: readonly string[]) => Promise<string>;
  /** Issues a user's token on exchange; default an opaque `user-token:<userId>`. */
  readonly signUser?: (user: User) => Promise<string>;
  /** UNIX epoch seconds; default the real time. Message times never go backwards. */
  readonly now?: () => number;
  /** Answer lists as pages cut by the backend (`Paged`) instead of complete lists. */
  readonly pagesItself?: boolean;
}

interface StoredThread {
  readonly threadId: string;
  readonly memberIds: string[];
  readonly data?: unknown;
  readonly messages: ThreadMessage[];
}

/**
 * A BackendGateway that is a small, real backend in memory: users, threads,
 * messages and idempotent writes, with the same rules as the reference
 * backend (the contract suite in test/contract runs against both).
 *
 * Rules: a caller must be a known user presenting its own credential
 * (UNAUTHORIZED, or FORBIDDEN for another user's); only members read or
 * write a thread (FORBIDDEN); an unknown thread is NOT_FOUND; the creator is
 * always a member and every member must exist; a message obeys the
 * reference backend's rules (BAD_REQUEST); the same `clientMessageId` from
 * the same user is the same write and answers the original result.
 *
 * For core tests: seed with `addUser`/`seedThread`, inject a failure with
 * `failNext` (or override a method), and read `calls`.
 */
export class InMemoryBackendGateway implements BackendGateway {
  readonly calls: RecordedBackendCall[] = [];
  private readonly users = new Map<string, User>();
  /** Credentials the backend issued or was told about, and whose they are. */
  private readonly credentials = new Map<string, string>();
  private readonly accessTokens = new Map<string, string>();
  private readonly threads = new Map<string, StoredThread>();
  private readonly writes = new Map<string, { request: string; result: ThreadAndMessages }>();
  private readonly failures = new Map<BackendOperationName, EcbError[]>();
  private readonly signThread: (threadId: string, memberIds: readonly string[]) => Promise<string>;
  private readonly signUser: (user: User) => Promise<string>;
  private readonly now: () => number;
  private lastTime = 0;
  private nextId = 1;

  constructor(private readonly options: InMemoryBackendOptions = {}) {
    this.signThread = options.signThread ?? ((threadId) => Promise.resolve(`thread-token:${threadId}`));
    this.signUser = options.signUser ?? ((user) => Promise.resolve(`user-token:${user.userId}`));
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /**
   * A user the backend knows. With `accessToken`, it can be exchanged for
   * this user's token; with `credential`, callers acting as this user must
   * present that credential (or one the exchange issued). A user with no
   * known credential accepts any credential that is not another user's: a
   * convenience for core tests.
   */
  addUser(user: User, options: { accessToken?: string; credential?: string } = {}): this {
    this.users.set(user.userId, user);
    if (options.accessToken !== undefined) this.accessTokens.set(options.accessToken, user.userId);
    if (options.credential !== undefined) this.credentials.set(options.credential, user.userId);
    return this;
  }

  /** A thread that already exists; unknown members are added as users named after their id. */
  async seedThread(seed: {
    threadId?: string;
    memberIds: readonly string[];
    messages?: readonly ThreadMessage[];
    data?: unknown;
  }): Promise<ThreadAndMessages> {
    for (const userId of seed.memberIds) {
      if (!this.users.has(userId)) this.addUser({ userId, displayName: userId });
    }
    const threadId = seed.threadId ?? this.newId('thread');
    const stored: StoredThread = {
      threadId,
      memberIds: unique(seed.memberIds),
      messages: [...(seed.messages ?? [])],
      ...(seed.data === undefined ? {} : { data: seed.data }),
    };
    for (const m of stored.messages) this.lastTime = Math.max(this.lastTime, m.creationTime);
    this.threads.set(threadId, stored);
    return { thread: await this.threadOf(stored), messages: [...stored.messages] };
  }

  /** The next call of `operation` fails with `error`, without touching any state. */
  failNext(operation: BackendOperationName, error: EcbError): void {
    this.failures.set(operation, [...(this.failures.get(operation) ?? []), error]);
  }

  /** Every message stored in a thread, oldest first (what a test asserts was stored). */
  messagesOf(threadId: string): ThreadMessage[] {
    return [...(this.threads.get(threadId)?.messages ?? [])];
  }

  exchangeAccessToken(accessToken: string, requestId: string): TE.TaskEither<EcbError, string> {
    return this.run('exchangeAccessToken', undefined, { accessToken, requestId }, async () => {
      const userId = this.accessTokens.get(accessToken);
      const user = userId === undefined ? undefined : this.users.get(userId);
      if (user === undefined) throw unauthorized('unknown access token');
      const issued = await this.signUser(user);
      this.credentials.set(issued, user.userId);
      return issued;
    });
  }

  getContacts(caller: Caller, paging: Paging): TE.TaskEither<EcbError, Listing<User>> {
    return this.run('getContacts', caller, paging, async () => {
      const contacts = [...this.users.values()].filter((user) => user.userId !== caller.user.userId);
      return this.listing(contacts, paging);
    });
  }

  getThreads(caller: Caller, paging: Paging): TE.TaskEither<EcbError, Listing<Thread>> {
    return this.run('getThreads', caller, paging, async () => {
      const mine = [...this.threads.values()]
        .filter((stored) => stored.memberIds.includes(caller.user.userId))
        .sort((a, b) => lastMessageTime(b) - lastMessageTime(a));
      return this.listing(await Promise.all(mine.map((stored) => this.threadOf(stored))), paging);
    });
  }

  createThread(caller: Caller, input: NewThread): TE.TaskEither<EcbError, ThreadAndMessages> {
    return this.run('createThread', caller, input, () =>
      this.idempotent(caller, input.clientMessageId, 'createThread', async () => {
        validateNewMessage(input.message);
        const memberIds = unique([caller.user.userId, ...input.memberIds]);
        if (memberIds.length > MAX_THREAD_MEMBERS) throw badRequest(`a thread may have at most ${MAX_THREAD_MEMBERS} members`);
        const unknown = memberIds.find((id) => !this.users.has(id));
        if (unknown !== undefined) throw badRequest(`unknown member: ${JSON.stringify(unknown)}`);
        const stored: StoredThread = { threadId: this.newId('thread'), memberIds, messages: [] };
        this.threads.set(stored.threadId, stored);
        return this.store(caller, stored, input.message);
      }),
    );
  }

  getThread(
    caller: Caller,
    query: { readonly threadId: string; readonly since?: number | undefined },
  ): TE.TaskEither<EcbError, ThreadAndMessages> {
    return this.run('getThread', caller, query, async () => {
      const stored = this.memberThread(caller, query.threadId);
      const since = query.since;
      const messages = since === undefined ? [...stored.messages] : stored.messages.filter((m) => m.creationTime > since);
      return { thread: await this.threadOf(stored), messages };
    });
  }

  addThreadMessage(caller: Caller, input: NewMessage): TE.TaskEither<EcbError, ThreadAndMessages> {
    return this.run('addThreadMessage', caller, input, () =>
      this.idempotent(caller, input.clientMessageId, `addThreadMessage:${input.threadId}`, async () => {
        validateNewMessage(input.message);
        const stored = this.memberThread(caller, input.threadId);
        return this.store(caller, stored, input.message);
      }),
    );
  }

  /** Records the call, applies an injected failure or the caller check, then runs `operation`. */
  private run<A>(
    operation: BackendOperationName,
    caller: Caller | undefined,
    input: unknown,
    body: () => Promise<A>,
  ): TE.TaskEither<EcbError, A> {
    return TE.tryCatch(
      async () => {
        this.calls.push(caller === undefined ? { operation, input } : { operation, caller, input });
        const injected = this.failures.get(operation)?.shift();
        if (injected !== undefined) throw injected;
        if (caller !== undefined) this.authenticate(caller);
        return body();
      },
      (error) => (isEcbError(error) ? error : internal('the in-memory backend failed', error)),
    );
  }

  /** As a real backend: the credential must be the user's own, and the user known. */
  private authenticate(caller: Caller): void {
    const { userId } = caller.user;
    const owner = this.credentials.get(caller.credential);
    if (owner !== undefined && owner !== userId) throw forbidden('user does not match the user token');
    if (owner === undefined && [...this.credentials.values()].includes(userId)) {
      throw unauthorized('the user token is invalid');
    }
    if (!this.users.has(userId)) throw unauthorized('unknown user');
  }

  private memberThread(caller: Caller, threadId: string): StoredThread {
    const stored = this.threads.get(threadId);
    if (stored === undefined) throw notFound(`no thread ${threadId}`);
    if (!stored.memberIds.includes(caller.user.userId)) throw forbidden('you are not a member of this thread');
    return stored;
  }

  /**
   * The same key from the same user is the same write: the original result,
   * nothing written. A key reused for another write is refused; a failed
   * write is not remembered, so it can be corrected and retried.
   */
  private async idempotent(
    caller: Caller,
    clientMessageId: string | undefined,
    request: string,
    write: () => Promise<ThreadAndMessages>,
  ): Promise<ThreadAndMessages> {
    if (clientMessageId === undefined) return write();
    const key = JSON.stringify([caller.user.userId, clientMessageId]);
    const earlier = this.writes.get(key);
    if (earlier !== undefined) {
      if (earlier.request !== request) throw badRequest('this clientMessageId was already used for a different request');
      return earlier.result;
    }
    const result = await write();
    this.writes.set(key, { request, result });
    return result;
  }

  private async store(caller: Caller, stored: StoredThread, message: OutgoingMessage): Promise<ThreadAndMessages> {
    const saved: ThreadMessage = {
      messageId: this.newId('message'),
      fromUserId: caller.user.userId,
      creationTime: this.nextTime(),
      type: message.type,
      data: message.data,
    };
    stored.messages.push(saved);
    return { thread: await this.threadOf(stored), messages: [saved] };
  }

  private async threadOf(stored: StoredThread): Promise<Thread> {
    return {
      threadId: stored.threadId,
      threadToken: await this.signThread(stored.threadId, stored.memberIds),
      members: stored.memberIds.map((userId) => this.users.get(userId) ?? { userId, displayName: userId }),
      lastMessageTime: lastMessageTime(stored),
      ...(stored.data === undefined ? {} : { data: stored.data }),
    };
  }

  private listing<T>(items: readonly T[], paging: Paging): Listing<T> {
    return this.options.pagesItself === true
      ? { _tag: 'Paged', page: pageOf(items, paging) }
      : { _tag: 'Complete', items };
  }

  /** Strictly later than any stored message, so `since` always separates them. */
  private nextTime(): number {
    this.lastTime = Math.max(this.now(), this.lastTime + 0.001);
    return this.lastTime;
  }

  private newId(kind: string): string {
    return `${kind}-${this.nextId++}`;
  }
}

/** The most members a new thread may have, as in the reference backend. */
export const MAX_THREAD_MEMBERS = 100;

/** The reference backend's rules for a message it stores; throws BAD_REQUEST. */
const validateNewMessage = (message: OutgoingMessage): void => {
  if (message.type === '') throw badRequest('message.type must not be empty');
  if (message.type === TYPING) throw badRequest('typing signals are not stored');
  if (message.data === undefined) throw badRequest('message.data is required');
  if (message.type === TEXT && typeof (message.data as { messageText?: unknown } | null)?.messageText !== 'string') {
    throw badRequest('a "text" message needs data: { messageText: string }');
  }
};

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

const lastMessageTime = (stored: StoredThread): number =>
  stored.messages.reduce((latest, m) => Math.max(latest, m.creationTime), 0);
