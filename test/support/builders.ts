import type { Actor } from '../../src/application/actor.js';
import type { OutgoingMessage, ThreadMessage } from '../../src/domain/message.js';
import type { Thread, ThreadGrant } from '../../src/domain/thread.js';
import type { Caller, User, UserIdentity } from '../../src/domain/user.js';

/**
 * Builders for domain values: each returns a valid value with sensible
 * defaults, and takes overrides for exactly what a test cares about.
 */

export const aUser = (overrides: Partial<User> = {}): User => ({
  userId: 'alice',
  displayName: 'Alice',
  ...overrides,
});

export const anIdentity = (overrides: Partial<UserIdentity> = {}): UserIdentity => ({
  user: aUser(),
  expiresAt: 1_700_003_600,
  ...overrides,
});

export const aThread = (overrides: Partial<Thread> = {}): Thread => ({
  threadId: 'thread-1',
  threadToken: 'thread-token-1',
  members: [{ userId: 'alice' }, { userId: 'bob' }],
  lastMessageTime: 1_700_000_000,
  ...overrides,
});

export const aGrant = (overrides: Partial<ThreadGrant> = {}): ThreadGrant => ({
  threadId: 'thread-1',
  memberIds: ['alice', 'bob'],
  ...overrides,
});

export const aMessage = (overrides: Partial<ThreadMessage> = {}): ThreadMessage => ({
  messageId: 'message-1',
  fromUserId: 'alice',
  creationTime: 1_700_000_000,
  type: 'text',
  data: { messageText: 'hello' },
  ...overrides,
});

/** What a client sends: a text message unless overridden. */
export const aTextMessage = (messageText = 'hello'): OutgoingMessage => ({
  type: 'text',
  data: { messageText },
});

export const aTypingSignal = (isTyping = true): OutgoingMessage => ({ type: 'typing', data: isTyping });

export const aCaller = (overrides: Partial<Caller> = {}): Caller => ({
  user: aUser(),
  credential: 'user-token-alice',
  requestId: 'request-1',
  ...overrides,
});

/** A caller over a live connection (subscriber `socket-1`) unless overridden. */
export const anActor = (overrides: Partial<Actor> = {}): Actor => ({
  caller: aCaller(),
  subscriber: 'socket-1',
  ...overrides,
});

/** An actor calling over REST: no connection to subscribe or leave out. */
export const aRestActor = (caller: Caller = aCaller()): Actor => ({ caller, subscriber: undefined });
