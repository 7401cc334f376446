import type { ContractError } from './contract-error.js';
import type { NewMessage } from './requests.js';

/** What a handler answers: the result, or a ContractError (returned or thrown). */
export type Answer<T> = Promise<T | ContractError>;

/** The page ECB asks for; answering the complete list as an array lets ECB cut it. */
export interface Paging {
  readonly pageStartIndex?: number;
  readonly pageSize?: number;
}

/**
 * The six operations of the backend contract (ECB-SPEC §6), free of HTTP.
 * `user` is the caller the forwarded user token proved, already checked
 * against the body's `user`. Answers are sent as JSON exactly as returned.
 */
export interface ContractHandlers<U extends { readonly userId: string }> {
  getUserToken(accessToken: string): Answer<{ userToken: string }>;
  getContacts(user: U, paging: Paging): Answer<unknown>;
  getThreads(user: U, paging: Paging): Answer<unknown>;
  createThread(
    user: U,
    request: { readonly memberIds: readonly string[]; readonly message: NewMessage; readonly clientMessageId?: string },
  ): Answer<unknown>;
  getThread(user: U, request: { readonly threadId: string; readonly since?: number | null }): Answer<unknown>;
  addThreadMessage(
    user: U,
    request: { readonly threadId: string; readonly message: NewMessage; readonly clientMessageId?: string },
  ): Answer<unknown>;
}

export const OPERATIONS = [
  'getUserToken',
  'getContacts',
  'getThreads',
  'createThread',
  'getThread',
  'addThreadMessage',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const isOperation = (name: string): name is Operation => (OPERATIONS as readonly string[]).includes(name);
