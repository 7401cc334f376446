import { expect } from 'chai';
import { httpRequest, type HttpAnswer } from '../../support/ecb-harness.js';
import { leakIn } from '../socket/token-cases.js';

/** A thin REST client for ECB-SPEC §4, as a web client would call it. */
export interface RestCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Sent as `X-Thread-Token`. */
  readonly threadToken?: string;
  readonly headers?: Record<string, string>;
}

const headersOf = ({ token, threadToken, headers }: RestCredentials): Record<string, string> => ({
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  ...(threadToken === undefined ? {} : { 'x-thread-token': threadToken }),
  ...(headers ?? {}),
});

export const restClient = (baseUrl: string) => ({
  get: <T = any>(path: string, credentials: RestCredentials = {}): Promise<HttpAnswer<T>> =>
    httpRequest<T>(`${baseUrl}${path}`, { headers: headersOf(credentials) }),
  post: <T = any>(path: string, json: unknown, credentials: RestCredentials = {}): Promise<HttpAnswer<T>> =>
    httpRequest<T>(`${baseUrl}${path}`, { method: 'POST', json, headers: headersOf(credentials) }),
  send: <T = any>(method: string, path: string, rawBody: string | Buffer | undefined, credentials: RestCredentials = {}): Promise<HttpAnswer<T>> =>
    httpRequest<T>(`${baseUrl}${path}`, { method, ...(rawBody === undefined ? {} : { rawBody }), headers: headersOf(credentials) }),
});

/** The status the spec gives each code (ECB-SPEC §3). */
export const STATUS_OF: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  BACKEND_ERROR: 502,
  BACKEND_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const RETRYABLE = new Set(['RATE_LIMITED', 'BACKEND_UNAVAILABLE']);

/** The answer is the REST error form of `code`: its status, a JSON `{ error: { code, message, retryable } }`, nothing leaked. */
export const expectRestError = (answer: HttpAnswer, code: string, secrets: readonly string[] = []): void => {
  expect(answer.status, answer.text).to.equal(STATUS_OF[code]);
  expect(answer.headers['content-type']).to.match(/^application\/json/);
  expect(answer.body).to.have.keys(['error']);
  expect(answer.body.error).to.have.keys(['code', 'message', 'retryable']);
  expect(answer.body.error.code).to.equal(code);
  expect(answer.body.error.retryable).to.equal(RETRYABLE.has(code));
  expect(answer.body.error.message).to.be.a('string').and.not.equal('');
  expect(leakIn(answer.text, secrets)).to.equal(undefined);
};
