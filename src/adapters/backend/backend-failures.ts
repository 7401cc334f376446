import {
  backendError,
  backendUnavailable,
  badRequest,
  forbidden,
  internal,
  notFound,
  rateLimited,
  unauthorized,
  type EcbError,
} from '../../domain/errors.js';

/** Statuses after which a read is tried once more (ECB-SPEC §6). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
const STATUSES_WITH_MESSAGE: ReadonlySet<number> = new Set([400, 409, 422]);

/** A failed attempt, and whether a read may be tried again after it. */
export interface Failure {
  readonly error: EcbError;
  readonly retryable: boolean;
}

const JWT_SHAPED = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
/** A PEM block (a private key, a certificate), or what is left of one cut short. */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/**
 * One frame of a stack trace, as Node, browsers' V8, Java and .NET write
 * them: `at fn (/srv/app.js:42:11)`, `at /srv/app.js:42:11`,
 * `at com.acme.Y.run(Y.java:42)`, `at Acme.Y.Run() in C:\src\Y.cs:line 42`.
 */
const STACK_FRAME = new RegExp(
  [
    String.raw`\bat\s+(?:async\s+)?[^\s()]+\s+\([^()\s]*:\d+(?::\d+)?\)`, // at fn (/srv/app.js:42:11)
    String.raw`\bat\s+(?:async\s+)?[^\s()]*[/\\][^\s()]*:\d+(?::\d+)?`, // at /srv/app.js:42:11
    String.raw`\bat\s+[^\s()]+\([^()\s]*:\d+\)`, // at com.acme.Y.run(Y.java:42)
    String.raw`\bat\s+[^\s()]+\([^()]*\)\s+in\s+\S+:line\s+\d+`, // at Acme.Y.Run() in C:\src\Y.cs:line 42
  ].join('|'),
  'g',
);
const REDACTED = '[redacted]';

/**
 * The backend's own explanation, safe to pass on (ECB-SPEC §3: no stack
 * trace or key in an answer): any credential of the call and anything
 * shaped like a JWT or a PEM key removed, only its first line kept (a
 * stack trace's frames follow on the next lines), any stack frame on that
 * line removed, then cut to `maxChars`.
 */
export const safeBackendMessage = (raw: string, secrets: readonly string[], maxChars: number): string => {
  let message = raw;
  for (const secret of secrets) {
    if (secret.length > 0) message = message.split(secret).join(REDACTED);
  }
  message = message.replace(JWT_SHAPED, REDACTED).replace(PEM_BLOCK, REDACTED);
  message = (message.split(/\r\n|\r|\n/, 1)[0] ?? '').replace(STACK_FRAME, REDACTED).trimEnd();
  return message.length > maxChars ? `${message.slice(0, maxChars)}…` : message;
};

/** `error.message` from a JSON error body `{ error: { message } }`, if there is one. */
export const backendErrorMessage = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message.trim() !== '' ? message : undefined;
};

/**
 * ECB-SPEC §6's table for a non-2xx answer. `explanation` is the backend's
 * `error.message`, already made safe; it is passed on for bad input only.
 */
export const statusFailure = (status: number, explanation: string | undefined, operation: string): Failure => {
  const cause = { operation, status };
  const fail = (error: EcbError): Failure => ({ error, retryable: RETRYABLE_STATUSES.has(status) });
  if (status === 401) return fail(unauthorized('the backend did not accept the credentials', cause));
  if (status === 403) return fail(forbidden('the backend refused this request', cause));
  if (status === 404) return fail(notFound('the backend does not know what was asked for', cause));
  if (STATUSES_WITH_MESSAGE.has(status)) {
    return fail(badRequest(explanation ?? 'the backend refused the request as invalid', cause));
  }
  if (status === 429) return fail(rateLimited('the backend is receiving too many requests', cause));
  if (status >= 500 && status <= 599) return fail(backendUnavailable(`the backend failed (HTTP ${status})`, cause));
  return fail(backendError(`the backend answered with HTTP ${status}`, cause));
};

const REFUSED = new Set(['ECONNREFUSED']);
/** undici's refusal of a request it will not send (a header value outside what HTTP carries, say). */
const INVALID_REQUEST = 'UND_ERR_INVALID_ARG';
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** The `code`s and messages along an error's chain of causes (fetch wraps the socket error). */
const describe = (error: unknown): { code: string | undefined; detail: string } => {
  const messages: string[] = [];
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code: own, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === undefined && typeof own === 'string') code = own;
    if (typeof message === 'string' && message !== '') messages.push(message);
    current = cause;
  }
  return { code, detail: messages.join(': ') };
};

/**
 * A call that produced no answer: timed out, refused, reset or otherwise
 * unreachable. Only a refused connection may be retried; after a timeout
 * the backend may still be working on the request. The cause is a plain
 * description (no stack) for the logs.
 */
export const transportFailure = (
  error: unknown,
  context: { readonly operation: string; readonly timedOut: boolean; readonly timeoutMs: number },
): Failure => {
  const { operation, timeoutMs } = context;
  if (context.timedOut) {
    return {
      error: backendUnavailable(`the backend did not answer within ${timeoutMs} ms`, { operation, timeoutMs }),
      retryable: false,
    };
  }
  const { code, detail } = describe(error);
  const cause = { operation, code, detail };
  if (code === INVALID_REQUEST) {
    // the HTTP client refused to send what ECB built (a header value it cannot carry): no backend
    // was asked, so it says nothing about the backend and is not counted against it
    return { error: internal('ECB could not build the backend request', cause), retryable: false };
  }
  if (code !== undefined && REFUSED.has(code)) {
    return { error: backendUnavailable('the backend refused the connection', cause), retryable: true };
  }
  if (code !== undefined && RESET.has(code)) {
    return { error: backendUnavailable('the connection to the backend was lost', cause), retryable: false };
  }
  return { error: backendUnavailable('the backend could not be reached', cause), retryable: false };
};
