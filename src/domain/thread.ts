import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { checkedFirst } from './checked-first.js';
import { forbidden, type EcbError } from './errors.js';
import { ThreadMessageCodec } from './message.js';

/** A thread member: at least a userId (ECB-SPEC §1). */
export const ThreadMemberCodec = t.intersection([
  t.type({ userId: t.string }),
  t.partial({ displayName: t.string, data: t.unknown }),
]);
export type ThreadMember = t.TypeOf<typeof ThreadMemberCodec>;

export const ThreadCodec = t.intersection([
  t.type({
    threadId: t.string,
    threadToken: t.string,
    members: t.array(ThreadMemberCodec),
    lastMessageTime: t.number,
  }),
  t.partial({ data: t.unknown }),
]);
export type Thread = t.TypeOf<typeof ThreadCodec>;

/** A backend answer on the hot path of `sendMessage`: decoded with `is` first (see `checkedFirst`). */
export const ThreadAndMessagesCodec = checkedFirst(
  t.type({
    thread: ThreadCodec,
    messages: t.array(ThreadMessageCodec),
  }),
);
export type ThreadAndMessages = t.TypeOf<typeof ThreadAndMessagesCodec>;

/** What a verified thread token grants: access to one thread, for its members. */
export interface ThreadGrant {
  readonly threadId: string;
  readonly memberIds: readonly string[];
  /** UNIX epoch seconds; absent when the token has no `exp`. */
  readonly expiresAt?: number;
}

export const memberIdsOf = (thread: Thread): string[] => thread.members.map((m) => m.userId);

/** Block-non-members: a user outside the grant's members is refused. */
export const requireMembership =
  (userId: string) =>
  (grant: ThreadGrant): E.Either<EcbError, ThreadGrant> =>
    grant.memberIds.includes(userId)
      ? E.right(grant)
      : E.left(forbidden('you are not a member of this thread'));

/** A grant only speaks for the thread it names. */
export const requireThread =
  (threadId: string) =>
  (grant: ThreadGrant): E.Either<EcbError, ThreadGrant> =>
    grant.threadId === threadId
      ? E.right(grant)
      : E.left(forbidden('the thread token is for another thread'));
