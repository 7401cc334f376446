/**
 * ecb-client: the JavaScript/TypeScript client of ECB, the Enterprise Chat
 * Bridge. See docs/client.md.
 */
export { EcbClient } from './ecb-client.js';
export { EcbClientError } from './ecb-client-error.js';
export type { ClientErrorCode, EcbErrorCode, ServerErrorCode } from './ecb-client-error.js';
export type {
  ClientEvents,
  ConnectionState,
  MessagePush,
  Recovered,
  RecoveryFailure,
  SessionPush,
  StateChange,
  ThreadPush,
  TokenRefresh,
  TypingPush,
  Unsubscribe,
} from './client-events.js';
export { DEFAULT_SETTINGS } from './options.js';
export type { EcbClientOptions, TypingOptions } from './options.js';
export type { TypingIndicator } from './typing-indicator.js';
export type {
  NewMessage,
  PagedContacts,
  PagedThreads,
  Paged,
  PageRef,
  Paging,
  Thread,
  ThreadAndMessages,
  ThreadMember,
  ThreadMessage,
  User,
} from './model.js';
