import { nextCreationTime } from './messages.js';
import type { IdempotencyRecord, Store, StoredMessage, StoredThread, UnstampedMessage, User } from './store.js';

/** Initial contents of a store (see seed.ts). */
export interface StoreContents {
  readonly users: ReadonlyArray<{ readonly user: User; readonly accessToken?: string }>;
  readonly threads: ReadonlyArray<{ readonly thread: StoredThread; readonly messages: readonly StoredMessage[] }>;
}

const isSupport = (thread: StoredThread): boolean =>
  (thread.data as { kind?: unknown } | undefined)?.kind === 'support';

/**
 * The `Store` in process memory: what the demo and the tests use. Every
 * method completes without yielding, so each one is atomic. Objects are
 * replaced, never mutated, so a caller cannot change what is stored.
 */
export class InMemoryStore implements Store {
  private readonly users = new Map<string, User>();
  private readonly accessTokens = new Map<string, string>();
  private readonly threads = new Map<string, StoredThread>();
  private readonly messages = new Map<string, StoredMessage[]>();
  /** Records by user, then by key: one user's keys never meet another's. */
  private readonly idempotency = new Map<string, Map<string, IdempotencyRecord>>();

  constructor(contents: StoreContents = { users: [], threads: [] }) {
    for (const { user, accessToken } of contents.users) this.putUser(user, accessToken);
    for (const { thread, messages } of contents.threads) {
      this.threads.set(thread.threadId, thread);
      this.messages.set(thread.threadId, [...messages]);
    }
  }

  async findUser(userId: string): Promise<User | undefined> {
    return this.users.get(userId);
  }

  async findUserByAccessToken(accessToken: string): Promise<User | undefined> {
    const userId = this.accessTokens.get(accessToken);
    return userId === undefined ? undefined : this.users.get(userId);
  }

  async listUsers(): Promise<User[]> {
    return [...this.users.values()];
  }

  async saveUser(user: User, accessToken?: string): Promise<void> {
    this.putUser(user, accessToken);
  }

  async findThread(threadId: string): Promise<StoredThread | undefined> {
    return this.threads.get(threadId);
  }

  async threadsOfMember(userId: string): Promise<StoredThread[]> {
    return [...this.threads.values()].filter((thread) => thread.memberIds.includes(userId));
  }

  async supportThreads(): Promise<StoredThread[]> {
    return [...this.threads.values()].filter(isSupport);
  }

  async createThread(
    fields: Omit<StoredThread, 'lastMessageTime'>,
    first: UnstampedMessage,
    now: number,
  ): Promise<{ thread: StoredThread; message: StoredMessage }> {
    const message = stamp(first, nextCreationTime(undefined, now));
    const thread: StoredThread = { ...fields, memberIds: [...fields.memberIds], lastMessageTime: message.creationTime };
    this.threads.set(thread.threadId, thread);
    this.messages.set(thread.threadId, [message]);
    return { thread, message };
  }

  async addMember(threadId: string, userId: string): Promise<StoredThread | undefined> {
    const thread = this.threads.get(threadId);
    if (thread === undefined || thread.memberIds.includes(userId)) return thread;
    const joined: StoredThread = { ...thread, memberIds: [...thread.memberIds, userId] };
    this.threads.set(threadId, joined);
    return joined;
  }

  async appendMessage(
    threadId: string,
    unstamped: UnstampedMessage,
    now: number,
  ): Promise<{ thread: StoredThread; message: StoredMessage } | undefined> {
    const thread = this.threads.get(threadId);
    const messages = this.messages.get(threadId);
    if (thread === undefined || messages === undefined) return undefined;
    const message = stamp(unstamped, nextCreationTime(messages.at(-1)?.creationTime, now));
    messages.push(message);
    const updated: StoredThread = { ...thread, lastMessageTime: message.creationTime };
    this.threads.set(threadId, updated);
    return { thread: updated, message };
  }

  async listMessages(threadId: string, since?: number): Promise<StoredMessage[]> {
    const messages = this.messages.get(threadId) ?? [];
    return since === undefined ? [...messages] : messages.filter((m) => m.creationTime > since);
  }

  async findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.idempotency.get(userId)?.get(key);
  }

  async saveIdempotencyRecord(userId: string, key: string, record: IdempotencyRecord): Promise<void> {
    const records = this.idempotency.get(userId) ?? new Map<string, IdempotencyRecord>();
    records.set(key, record);
    this.idempotency.set(userId, records);
  }

  private putUser(user: User, accessToken: string | undefined): void {
    this.users.set(user.userId, user);
    if (accessToken !== undefined) this.accessTokens.set(accessToken, user.userId);
  }
}

const stamp = (message: UnstampedMessage, creationTime: number): StoredMessage => ({
  messageId: message.messageId,
  fromUserId: message.fromUserId,
  creationTime,
  type: message.type,
  data: message.data,
});
