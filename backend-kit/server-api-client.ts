import ky, { HTTPError, type KyInstance } from 'ky';
import type { BackendTokens } from './tokens.js';

/** How long one server API call may take before it is given up. */
export const DEFAULT_SERVER_API_TIMEOUT_MS = 10_000;

export interface ServerApiClientOptions {
  /** ECB's base URL, e.g. http://ecb.internal:3000. */
  readonly ecbUrl: string;
  /** Signs the short-lived server token minted for each call (needs the private key). */
  readonly tokens: BackendTokens;
  readonly timeoutMs?: number;
}

/** What a call came to: done, or why not (ECB's error code when it answered one). */
export type ServerApiResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/**
 * ECB's server API (ECB-SPEC §5) for a backend: push a message it stored by
 * itself (a bot, an import, another channel), and disconnect a user whose
 * access was revoked. Each call carries a fresh server token, so nothing
 * long-lived ever travels. Errors are answered as values; nothing is retried
 * (a push repeated would show twice).
 */
export class ServerApiClient {
  private readonly http: KyInstance;

  constructor(private readonly options: ServerApiClientOptions) {
    this.http = ky.create({
      prefixUrl: options.ecbUrl,
      timeout: options.timeoutMs ?? DEFAULT_SERVER_API_TIMEOUT_MS,
      retry: 0,
      hooks: {
        beforeRequest: [
          async (request) => {
            request.headers.set('authorization', `Bearer ${await this.options.tokens.signServerToken()}`);
          },
        ],
      },
    });
  }

  /** Pushes `message` to the thread's room, and `thread` (when given) to its members' personal rooms. */
  pushMessage(threadId: string, message: PushedMessage, thread?: PushedThread): Promise<ServerApiResult> {
    const json = thread === undefined ? { message } : { message, thread };
    return this.call(() => this.http.post(`api/v1/server/threads/${encodeURIComponent(threadId)}/messages`, { json }));
  }

  /** Disconnects every socket of the user, on every ECB node. */
  disconnectUser(userId: string): Promise<ServerApiResult> {
    return this.call(() => this.http.delete(`api/v1/server/users/${encodeURIComponent(userId)}/connections`));
  }

  private async call(send: () => Promise<Response>): Promise<ServerApiResult> {
    try {
      await send();
      return { ok: true };
    } catch (error) {
      if (error instanceof HTTPError) {
        const body = (await error.response.json().catch(() => undefined)) as
          | { error?: { code?: unknown; message?: unknown } }
          | undefined;
        const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${error.response.status}`;
        const message = typeof body?.error?.message === 'string' ? body.error.message : `ECB answered ${error.response.status}`;
        return { ok: false, status: error.response.status, code, message };
      }
      // A refused connection or a timeout: say which without the URL's secrets or a stack.
      const name = error instanceof Error ? error.name : 'Error';
      return { ok: false, status: 0, code: 'UNREACHABLE', message: `ECB could not be reached (${name})` };
    }
  }
}

/** ECB-SPEC §1 threadMessage, already stored by the backend. */
export interface PushedMessage {
  readonly messageId: string;
  readonly fromUserId: string;
  readonly creationTime: number;
  readonly type: string;
  readonly data: unknown;
}

/** ECB-SPEC §1 thread. */
export interface PushedThread {
  readonly threadId: string;
  readonly threadToken: string;
  readonly members: ReadonlyArray<{ readonly userId: string; readonly displayName?: string; readonly data?: unknown }>;
  readonly lastMessageTime: number;
  readonly data?: unknown;
}
