import type { CappedBody } from './read-capped-body.js';

/**
 * A request's headers as one flat list of names and values: `[name, value,
 * name, value, ...]`, names in lower case. undici takes this form as it is,
 * where an object costs a key list and a lookup per header, for every call.
 */
export type HeaderList = readonly string[];

/** The backend's HTTP answer: its status, and its body read up to the size limit. */
export interface BackendAnswer {
  readonly status: number;
  readonly body: CappedBody;
}

/**
 * How a backend call travels: one JSON POST, answered or not. Two
 * implementations (ky-backend-transport.ts, undici-backend-transport.ts),
 * chosen by ECB_BACKEND_CLIENT; docs/adr/0004 records why undici is the
 * default. Redirects are never followed.
 */
export interface BackendTransport {
  /**
   * POSTs `json` to `{backendUrl}/{operation}` with exactly `headers`
   * (the caller names the content type). Resolves with any HTTP
   * answer; rejects only when there was none (refused, reset, aborted by
   * `signal`), with the error whose `code` chain says why. `signal` is the
   * call's deadline and bounds reading the body too (a backend that sends
   * its headers and then stalls is cut off). It may be shared by other calls
   * (shared-deadlines.ts): a transport listens to it and removes its own
   * listeners when done, and never aborts it.
   */
  post(operation: string, json: string, headers: HeaderList, signal: AbortSignal): Promise<BackendAnswer>;
  /** Lets calls in progress finish, then closes every connection. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** The connection settings both transports share. */
export interface TransportSettings {
  readonly backendUrl: string;
  readonly maxConnections: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxResponseBytes: number;
}
