/**
 * What the reference backend keeps, and the one interface it keeps it
 * behind. `InMemoryStore` implements it for the demo; a SQLite or Postgres
 * store implements the same methods (each one is a query or a transaction)
 * and nothing else in the backend changes.
 */

/** A chat participant (ECB-SPEC §1 `user`); `data.role` is 'agent', 'customer' or absent (a peer). */
export interface User {
  readonly userId: string;
  readonly displayName: string;
  readonly data?: unknown;
}

/**
 * A thread as stored: members by id. The `thread` ECB receives is built from
 * it on every answer, with the members' details and a fresh thread token.
 */
export interface StoredThread {
  readonly threadId: string;
  readonly memberIds: readonly string[];
  /** The creationTime of the thread's latest message, UNIX epoch seconds. */
  readonly lastMessageTime: number;
  /** `{ kind: 'support', title }` marks a customer-support thread. */
  readonly data?: unknown;
}

/** A stored message (ECB-SPEC §1 `threadMessage`). */
export interface StoredMessage {
  readonly messageId: string;
  readonly fromUserId: string;
  /** UNIX epoch seconds with milliseconds as decimals; strictly increasing within a thread. */
  readonly creationTime: number;
  readonly type: string;
  readonly data: unknown;
}

/** A message before the store has stamped its creationTime. */
export type UnstampedMessage = Omit<StoredMessage, 'creationTime'>;

/** A write already done for an idempotency key, and what it answered. */
export interface IdempotencyRecord {
  /** Names the write (operation and target) so a key reused for another write is caught. */
  readonly request: string;
  readonly result: unknown;
}

export interface Store {
  findUser(userId: string): Promise<User | undefined>;
  /** The user an (opaque) access token belongs to, if any. */
  findUserByAccessToken(accessToken: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  /** Adds or replaces a user; with `accessToken`, that token now signs in as this user. */
  saveUser(user: User, accessToken?: string): Promise<void>;

  findThread(threadId: string): Promise<StoredThread | undefined>;
  threadsOfMember(userId: string): Promise<StoredThread[]>;
  /** Every thread whose `data.kind` is 'support'. */
  supportThreads(): Promise<StoredThread[]>;
  /**
   * Stores a new thread together with its first message, atomically. The
   * message's creationTime is `now`, and so is the thread's lastMessageTime.
   */
  createThread(
    thread: Omit<StoredThread, 'lastMessageTime'>,
    first: UnstampedMessage,
    now: number,
  ): Promise<{ thread: StoredThread; message: StoredMessage }>;
  /** Adds a member to an existing thread; adding a member twice changes nothing. */
  addMember(threadId: string, userId: string): Promise<StoredThread | undefined>;
  /**
   * Appends a message to an existing thread, atomically: its creationTime is
   * `now`, or 1 ms after the thread's previous message if that is not later,
   * and the thread's lastMessageTime moves to it. Undefined for an unknown thread.
   */
  appendMessage(
    threadId: string,
    message: UnstampedMessage,
    now: number,
  ): Promise<{ thread: StoredThread; message: StoredMessage } | undefined>;
  /** The thread's messages in creation order; with `since`, only strictly later ones. */
  listMessages(threadId: string, since?: number): Promise<StoredMessage[]>;

  findIdempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** A real store expires these after a day or so; a retry comes within minutes. */
  saveIdempotencyRecord(userId: string, key: string, record: IdempotencyRecord): Promise<void>;
}
