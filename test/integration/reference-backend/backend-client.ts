import {
  startReferenceBackend,
  type RunningReferenceBackend,
  type StartOptions,
} from '../../../reference-backend/app.js';
import { testKeys } from '../../support/keys.js';

/**
 * A tiny client for the backend contract, as ECB calls it: POST
 * `<url>/<operation>` with a JSON body over real HTTP.
 */
export interface Answer {
  readonly status: number;
  // The tests look into answers freely; the reference backend's types are what is under test.
  readonly body: any;
}

export const post = async (
  url: string,
  operation: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const response = await fetch(`${url}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
};

/** The reference backend, seeded, on an ephemeral port with the shared test keys. */
export const startTestBackend = async (options: Partial<StartOptions> = {}): Promise<RunningReferenceBackend> => {
  const keys = await testKeys();
  return startReferenceBackend({ privateKey: keys.privateKey, publicKey: keys.publicKey, ...options });
};

/** Calls operations as one user: a real user token from getUserToken, and the matching `user`. */
export interface Session {
  readonly user: { readonly userId: string; readonly displayName: string };
  readonly userToken: string;
  call(operation: string, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer>;
}

export const signIn = async (url: string, userId: string, headers: Record<string, string> = {}): Promise<Session> => {
  const answer = await post(url, 'getUserToken', { accessToken: `access-${userId}` }, headers);
  if (answer.status !== 200) throw new Error(`sign-in of ${userId} failed with ${answer.status}`);
  const userToken: string = answer.body.userToken;
  const user = { userId, displayName: userId };
  return {
    user,
    userToken,
    call: (operation, body = {}, extra = {}) =>
      post(url, operation, { user, ...body }, { authorization: `Bearer ${userToken}`, ...headers, ...extra }),
  };
};

export const text = (messageText: string): { type: string; data: { messageText: string } } => ({
  type: 'text',
  data: { messageText },
});
