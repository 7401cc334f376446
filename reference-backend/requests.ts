import type { NewMessage } from '../backend-kit/requests.js';

/**
 * The requests the operations receive, as the backend kit's router hands
 * them over: decoded with io-ts, the `user` already checked against the
 * token (ECB-SPEC §6).
 */
export type NewMessageBody = NewMessage;

export interface CreateThreadRequest {
  readonly memberIds: readonly string[];
  readonly message: NewMessageBody;
}

export interface GetThreadRequest {
  readonly threadId: string;
  readonly since?: number | null;
}

export interface AddThreadMessageRequest {
  readonly threadId: string;
  readonly message: NewMessageBody;
}
