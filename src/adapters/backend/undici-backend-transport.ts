import { Pool, type Dispatcher } from 'undici';
import type { BackendAnswer, BackendTransport, TransportSettings } from './backend-transport.js';

/**
 * undici's Pool on one keep-alive pool to the backend's origin, driven
 * through its `dispatch` handler API: the leanest HTTP client Node has. No
 * fetch Request/Response objects, no web streams, and, unlike
 * `Pool.request`, no response body stream and no abort listener per call:
 * the answer's chunks are collected as they come, up to the size cap
 * (docs/adr/0004, docs/benchmarks.md).
 */
export const undiciBackendTransport = (settings: TransportSettings): BackendTransport => {
  const base = new URL(settings.backendUrl.endsWith('/') ? settings.backendUrl : `${settings.backendUrl}/`);
  const origin = base.origin;
  const pool = new Pool(origin, {
    connections: settings.maxConnections,
    pipelining: 1,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });
  const prefix = base.pathname;
  const deadlines = new DeadlineWatch();
  let closed: Promise<void> | undefined;
  return {
    post: (operation, json, headers, signal) =>
      new Promise<BackendAnswer>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortReason(signal));
          return;
        }
        const post = new CappedPost(settings.maxResponseBytes, resolve, reject);
        deadlines.hold(signal, post);
        try {
          pool.dispatch(
            {
              origin,
              path: prefix + operation,
              method: 'POST',
              headers: headers as string[],
              body: json,
            },
            post,
          );
        } catch (error) {
          // invalid options or a closed pool: undici throws before dispatching
          post.fail(error);
        }
      }),
    close: () => (closed ??= pool.close().catch(() => undefined)),
  };
};

/** What a signal aborts with: its reason, or a plain AbortError. */
const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });

/**
 * One `abort` listener per deadline signal, however many calls hold it: a
 * shared deadline (shared-deadlines.ts) is held by dozens of calls at once,
 * and an `EventTarget` listener per call costs a scan of the signal's
 * listener list on every add and remove. Here a call joins and leaves its
 * signal's list of posts: a doubly linked list through the posts themselves,
 * so that joining and leaving touch two neighbours and hash nothing (a Set
 * cost a hash on each, and a rehash as it grew and shrank: docs/benchmarks.md,
 * finding 14). Consecutive calls nearly always hold the same signal (one
 * bucket serves every call of a few ms), so the last one's list is kept at hand.
 */
class DeadlineWatch {
  private readonly lists = new WeakMap<AbortSignal, PostList>();
  private lastSignal: AbortSignal | undefined;
  private lastList: PostList | undefined;

  hold(signal: AbortSignal, post: CappedPost): void {
    let list = signal === this.lastSignal ? this.lastList : this.lists.get(signal);
    if (list === undefined) {
      const watched = new PostList();
      list = watched;
      this.lists.set(signal, watched);
      signal.addEventListener('abort', () => watched.abortAll(abortReason(signal)), { once: true });
    }
    this.lastSignal = signal;
    this.lastList = list;
    list.add(post);
  }
}

/** The posts holding one deadline signal, newest first. */
class PostList {
  head: CappedPost | undefined;

  add(post: CappedPost): void {
    post.list = this;
    post.next = this.head;
    if (this.head !== undefined) this.head.previous = post;
    this.head = post;
  }

  remove(post: CappedPost): void {
    if (post.list !== this) return;
    if (post.previous === undefined) this.head = post.next;
    else post.previous.next = post.next;
    if (post.next !== undefined) post.next.previous = post.previous;
    post.list = post.previous = post.next = undefined;
  }

  /** The signal aborted: every post still holding it is aborted (each leaves the list as it settles). */
  abortAll(reason: unknown): void {
    const posts: CappedPost[] = [];
    for (let post = this.head; post !== undefined; post = post.next) posts.push(post);
    for (const post of posts) post.abort(reason);
  }
}

/** The answer's body was larger than the cap: the request is aborted, which drops its connection. */
class TooLarge extends Error {
  override readonly name = 'TooLarge';
}

/**
 * One POST, as an undici dispatch handler: resolves with the status and the
 * body as UTF-8 (or TooLarge past `maxBytes`, after which the request is
 * aborted and its connection dropped), rejects when there was no complete
 * answer (refused, reset, aborted by the deadline). Settles once; the
 * deadline rejects at once even when the request still waits for a
 * connection, and aborts it as soon as undici starts it.
 */
class CappedPost implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private pendingAbort: unknown;
  private settled = false;
  private status = 0;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Its place in the list of posts holding the deadline (PostList), while it holds it. */
  list: PostList | undefined;
  previous: CappedPost | undefined;
  next: CappedPost | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly resolve: (answer: BackendAnswer) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  /** The deadline passed: reject now, and stop the request (at once, or when it starts). */
  abort(reason: unknown): void {
    this.fail(reason);
    if (this.controller === undefined) this.pendingAbort = reason;
    else this.controller.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  fail(reason: unknown): void {
    if (this.settle()) this.reject(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort !== undefined) controller.abort(this.pendingAbort instanceof Error ? this.pendingAbort : new Error('aborted'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.status = statusCode;
    // a declared length within the cap is enforced by undici (a longer body is an error)
    if (Number(headers['content-length'] ?? Number.NaN) > this.maxBytes) this.tooLarge(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) this.tooLarge(controller);
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const { chunks, size } = this;
    if (!this.settle()) return;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    // as a TextDecoder (fetch, body.text()) reads it: a leading byte order mark is not part of the text
    this.resolve({ status: this.status, body: { _tag: 'Read', text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text } });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private tooLarge(controller: Dispatcher.DispatchController): void {
    if (this.settle()) this.resolve({ status: this.status, body: { _tag: 'TooLarge' } });
    controller.abort(new TooLarge('the backend answer exceeds the size limit'));
  }

  /** True the first time: the call is over, and leaves its deadline. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.chunks = [];
    this.list?.remove(this);
    return true;
  }
}
