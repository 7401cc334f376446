import type { MessagePush, ThreadPush, TypingPush } from './client-events.js';

/**
 * Shape checks on what ECB pushes, so that a malformed push is dropped
 * instead of breaking the client. ECB validated the data already; these
 * only check what the client itself relies on.
 */

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isMessage = (value: unknown): boolean =>
  isRecord(value) &&
  typeof value['messageId'] === 'string' &&
  typeof value['fromUserId'] === 'string' &&
  typeof value['creationTime'] === 'number' &&
  typeof value['type'] === 'string';

const isThread = (value: unknown): boolean =>
  isRecord(value) && typeof value['threadId'] === 'string' && typeof value['threadToken'] === 'string';

export const readPush = {
  message: (payload: unknown): MessagePush | undefined =>
    isRecord(payload) && typeof payload['threadId'] === 'string' && isMessage(payload['message'])
      ? (payload as unknown as MessagePush)
      : undefined,
  typing: (payload: unknown): TypingPush | undefined =>
    isRecord(payload) &&
    typeof payload['threadId'] === 'string' &&
    typeof payload['userId'] === 'string' &&
    typeof payload['isTyping'] === 'boolean'
      ? (payload as unknown as TypingPush)
      : undefined,
  thread: (payload: unknown): ThreadPush | undefined =>
    isRecord(payload) && isThread(payload['thread']) ? (payload as unknown as ThreadPush) : undefined,
};
