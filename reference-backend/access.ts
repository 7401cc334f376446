import type { StoredThread, User } from './store.js';

/**
 * Who may see whom and which threads: the rules of the two scenarios ECB
 * serves, peer-to-peer chat and customer support. Pure functions, so they
 * read as the policy they are.
 */
export type Role = 'agent' | 'customer' | 'peer';

export const roleOf = (user: User): Role => {
  const role = (user.data as { role?: unknown } | null | undefined)?.role;
  return role === 'agent' || role === 'customer' ? role : 'peer';
};

export const isSupportThread = (thread: StoredThread): boolean =>
  (thread.data as { kind?: unknown } | null | undefined)?.kind === 'support';

/**
 * Contacts: a customer sees only agents; an agent sees everyone; a peer
 * sees the other peers and the agents. Nobody is their own contact.
 */
export const isContactOf =
  (user: User) =>
  (other: User): boolean => {
    if (other.userId === user.userId) return false;
    const mine = roleOf(user);
    const theirs = roleOf(other);
    return mine === 'agent' || theirs === 'agent' || (mine === 'peer' && theirs === 'peer');
  };

/**
 * How a user may use a thread: as a `member`; as an agent who may `join` a
 * support thread (reading it, and becoming a member with a first message);
 * or not at all.
 */
export type ThreadAccess = 'member' | 'join' | 'none';

export const accessTo = (user: User, thread: StoredThread): ThreadAccess => {
  if (thread.memberIds.includes(user.userId)) return 'member';
  return roleOf(user) === 'agent' && isSupportThread(thread) ? 'join' : 'none';
};

/** A thread a customer opens is a support thread, which any agent may join. */
export const newThreadData = (creator: User): unknown =>
  roleOf(creator) === 'customer' ? { kind: 'support', title: `Request from ${creator.displayName}` } : undefined;
