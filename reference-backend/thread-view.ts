import type { Store, StoredMessage, StoredThread, User } from './store.js';
import type { ReferenceTokens } from './tokens.js';

/** A thread as ECB receives it (ECB-SPEC §1 `thread`). */
export interface ThreadView {
  readonly threadId: string;
  readonly threadToken: string;
  readonly members: readonly User[];
  readonly lastMessageTime: number;
  readonly data?: unknown;
}

/** ECB-SPEC §1 `threadAndMessages`. */
export interface ThreadAndMessages {
  readonly thread: ThreadView;
  readonly messages: readonly StoredMessage[];
}

/**
 * Builds the `thread` ECB receives from a stored one: the members' details,
 * and a fresh thread token carrying the current member ids, so a member who
 * just joined is in the token ECB checks next.
 */
export const viewThread =
  (store: Store, tokens: ReferenceTokens) =>
  async (thread: StoredThread): Promise<ThreadView> => {
    const members = await Promise.all(
      thread.memberIds.map(async (userId) => (await store.findUser(userId)) ?? { userId, displayName: userId }),
    );
    const threadToken = await tokens.signThreadToken(thread);
    const view = { threadId: thread.threadId, threadToken, members, lastMessageTime: thread.lastMessageTime };
    return thread.data === undefined ? view : { ...view, data: thread.data };
  };
