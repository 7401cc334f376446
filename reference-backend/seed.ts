import type { StoreContents } from './memory-store.js';
import { toMessageTime } from './messages.js';
import type { StoredMessage, User } from './store.js';

/**
 * The demo's people and conversations, one of each scenario ECB serves:
 * peers who chat (alice, bob, carol), and customer support (agent-sam
 * helping cust-dana and cust-eli). Each user signs in with the access token
 * `access-<userId>`.
 */
export const SEED_USERS: readonly User[] = [
  { userId: 'alice', displayName: 'Alice' },
  { userId: 'bob', displayName: 'Bob' },
  { userId: 'carol', displayName: 'Carol' },
  { userId: 'agent-sam', displayName: 'Sam', data: { role: 'agent' } },
  { userId: 'cust-dana', displayName: 'Dana', data: { role: 'customer' } },
  { userId: 'cust-eli', displayName: 'Eli', data: { role: 'customer' } },
];

export const accessTokenOf = (userId: string): string => `access-${userId}`;

export const PEER_THREAD_ID = 'thread-alice-bob';
export const SUPPORT_THREAD_ID = 'thread-support-dana';

const text = (messageId: string, fromUserId: string, creationTime: number, messageText: string): StoredMessage => ({
  messageId,
  fromUserId,
  creationTime: toMessageTime(creationTime),
  type: 'text',
  data: { messageText },
});

/** The seed, with message times just before `now` (UNIX epoch seconds). */
export const seedContents = (now: number): StoreContents => {
  const peerMessages = [
    text('seed-message-1', 'alice', now - 600, 'Hi Bob! Lunch today?'),
    text('seed-message-2', 'bob', now - 540, 'Sure, 12:30 at the usual place.'),
  ];
  const supportMessages = [
    text('seed-message-3', 'cust-dana', now - 300, 'Hello, my order #1042 has not arrived yet.'),
  ];
  return {
    users: SEED_USERS.map((user) => ({ user, accessToken: accessTokenOf(user.userId) })),
    threads: [
      {
        thread: {
          threadId: PEER_THREAD_ID,
          memberIds: ['alice', 'bob'],
          lastMessageTime: peerMessages[1]!.creationTime,
        },
        messages: peerMessages,
      },
      {
        thread: {
          threadId: SUPPORT_THREAD_ID,
          memberIds: ['cust-dana'],
          lastMessageTime: supportMessages[0]!.creationTime,
          data: { kind: 'support', title: 'Order #1042 has not arrived' },
        },
        messages: supportMessages,
      },
    ],
  };
};
