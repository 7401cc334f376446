/**
 * The JSON models ECB speaks (ECB-SPEC §1). Times are UNIX epoch seconds and
 * may carry decimals.
 */

/** A chat participant. */
export interface User {
  readonly userId: string;
  readonly displayName: string;
  readonly data?: unknown;
}

/** A thread member: at least its `userId`; backends usually send a full `User`. */
export interface ThreadMember {
  readonly userId: string;
  readonly displayName?: string;
  readonly data?: unknown;
}

export interface Thread {
  readonly threadId: string;
  /** Signed by the backend; every request about this thread carries it. Use the latest one received. */
  readonly threadToken: string;
  readonly members: readonly ThreadMember[];
  /** UNIX epoch seconds. */
  readonly lastMessageTime: number;
  readonly data?: unknown;
}

/** A stored message. `type: 'text'` carries `data: { messageText }`. */
export interface ThreadMessage {
  readonly messageId: string;
  readonly fromUserId: string;
  /** UNIX epoch seconds, possibly with decimals. */
  readonly creationTime: number;
  readonly type: string;
  readonly data: unknown;
}

/** A message to send: `{ type: 'text', data: { messageText } }`, or a custom type whose `data` ECB passes through. */
export interface NewMessage {
  readonly type: string;
  readonly data: unknown;
}

/** Which page to ask for; ECB's defaults are 0 and 20, and `pageSize` is at most 100. */
export interface Paging {
  readonly pageStartIndex?: number;
  readonly pageSize?: number;
}

/** A page as ECB names its neighbours. */
export interface PageRef {
  readonly pageStartIndex: number;
  readonly pageSize: number;
}

export interface Paged<T> {
  readonly pageStartIndex: number;
  /** `items.length`: 0 for an empty page. */
  readonly pageSize: number;
  readonly items: readonly T[];
  readonly previousPage: PageRef | null;
  readonly nextPage: PageRef | null;
}

export type PagedContacts = Paged<User>;
export type PagedThreads = Paged<Thread>;

export interface ThreadAndMessages {
  readonly thread: Thread;
  readonly messages: readonly ThreadMessage[];
}
