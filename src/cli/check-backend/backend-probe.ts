import { randomUUID } from 'node:crypto';
import { BACKEND_OPERATIONS, type BackendOperation } from '../../adapters/backend/backend-call-observer.js';

/** The six operations of the backend contract (ECB-SPEC §6), in the order the checks report them. */
export const OPERATIONS = BACKEND_OPERATIONS;
export type Operation = BackendOperation;

/** What the backend answered to one call. */
export type Answer =
  | { readonly _tag: 'Answered'; readonly status: number; readonly body: unknown; readonly ms: number }
  | { readonly _tag: 'Unreachable'; readonly reason: string; readonly ms: number };

export interface CallOptions {
  /** `Authorization: Bearer <token>`; omitted when undefined. */
  readonly token?: string | undefined;
  readonly idempotencyKey?: string;
}

/**
 * Calls a backend exactly as ECB does: `POST {base}/{operation}` with a JSON
 * body, `X-ECB-Request-Id`, the optional `X-ECB-Key`, and the user token. It
 * records how long each call took, per operation, for the latency report.
 */
export class BackendProbe {
  private readonly timings = new Map<Operation, number[]>();

  constructor(
    private readonly baseUrl: string,
    private readonly settings: { readonly apiKey?: string | undefined; readonly timeoutMs: number },
  ) {}

  async call(operation: Operation, body: unknown, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ecb-request-id': randomUUID(),
    };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (this.settings.apiKey !== undefined) headers['x-ecb-key'] = this.settings.apiKey;
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/${operation}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const text = await response.text();
      const ms = this.record(operation, started);
      return { _tag: 'Answered', status: response.status, body: parseJson(text), ms };
    } catch (error) {
      const ms = this.record(operation, started);
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return {
        _tag: 'Unreachable',
        reason: timedOut ? `no answer within ${this.settings.timeoutMs} ms` : describeNetworkError(error),
        ms,
      };
    }
  }

  /** Milliseconds of every call made so far, per operation. */
  latencies(): ReadonlyMap<Operation, readonly number[]> {
    return this.timings;
  }

  private record(operation: Operation, started: number): number {
    const ms = performance.now() - started;
    this.timings.set(operation, [...(this.timings.get(operation) ?? []), ms]);
    return ms;
  }
}

/** A body that is not JSON stays text, so the report can say so. */
const parseJson = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { notJson: text.slice(0, 80) };
  }
};

const describeNetworkError = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  return 'connection failed';
};

/** "HTTP 500" or "no answer (...)", for the report. */
export const describeAnswer = (answer: Answer): string =>
  answer._tag === 'Answered' ? `HTTP ${answer.status}` : answer.reason;
