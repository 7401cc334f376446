import { backoffDelay, sleep } from './backoff.js';
import { newClientMessageId } from './client-message-id.js';
import type { Connection } from './connection.js';
import { unsendable } from './arguments.js';
import { clientError, EcbClientError, isLostAnswer } from './ecb-client-error.js';
import type { NewMessage, ThreadAndMessages } from './model.js';
import type { OpenThreads } from './open-threads.js';
import type { Settings } from './options.js';
import type { Requester } from './requester.js';

interface Entry {
  readonly clientMessageId: string;
  readonly threadToken: string;
  readonly message: NewMessage;
  readonly enqueuedAt: number;
  /** Attempts answered with a retryable error (or no answer in time). */
  failures: number;
  /** TOKEN_EXPIRED is retried once, after the token is renewed. */
  tokenRetried: boolean;
  lastError: EcbClientError | undefined;
  readonly resolve: (sent: ThreadAndMessages) => void;
  readonly reject: (error: EcbClientError) => void;
}

/**
 * Messages waiting to be stored. Each gets a `clientMessageId` (a UUID) once, and
 * keeps it for every attempt, so that ECB's backend stores it once however
 * often it is sent (ECB-SPEC §6, Idempotency-Key). Messages go one at a
 * time, in the order `send` was called, and only on a live connection;
 * the caller's promise settles exactly once.
 *
 * Retried: after the connection dropped (when it is back, not counted),
 * after TOKEN_EXPIRED (once, with a fresh token), and after BACKEND_UNAVAILABLE,
 * RATE_LIMITED or no answer in time (retry.maxAttempts, with backoff and
 * jitter). Any other error rejects at once; so does running out of
 * outbox.maxDurationMs since `send`.
 */
export class Outbox {
  private readonly queue: Entry[] = [];
  private pumping = false;
  /** The head was sent and its answer lost: it may already be stored. */
  private answerLost = false;
  private lostWaiters: Array<() => void> = [];
  private holds = 0;
  private holdWaiters: Array<() => void> = [];

  constructor(
    private readonly requester: Requester,
    private readonly connection: Connection,
    private readonly threads: OpenThreads,
    private readonly settings: Settings,
    private readonly lifetime: AbortSignal,
    private readonly newId: () => string = newClientMessageId,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Queues a message; resolves with ECB's ack data once it is stored. */
  send(threadToken: string, message: NewMessage): Promise<ThreadAndMessages> {
    if (this.lifetime.aborted) return Promise.reject(clientError('CLOSED', 'the client was closed'));
    if (this.queue.length >= this.settings.outbox.maxQueued) {
      return Promise.reject(clientError('OUTBOX_FULL', `${this.settings.outbox.maxQueued} messages are already waiting`));
    }
    const clientMessageId = this.newId();
    const refused = unsendable('sendMessage', { threadToken, message, clientMessageId }, this.settings.maxRequestBytes);
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise((resolve, reject) => {
      this.queue.push({
        clientMessageId,
        threadToken,
        message,
        enqueuedAt: this.now(),
        failures: 0,
        tokenRetried: false,
        lastError: undefined,
        resolve,
        reject,
      });
      void this.pump();
    });
  }

  /**
   * Resolves once the message whose answer was lost has been sent again (at
   * once when there is none). Catching up threads after that means its
   * stored copy is recognised as this client's own, not delivered as new.
   */
  afterLostAnswerRetried(): Promise<void> {
    if (!this.answerLost) return Promise.resolve();
    return new Promise((resolve) => this.lostWaiters.push(resolve));
  }

  /**
   * Holds back new sends (all but a head whose answer was lost) until the
   * returned release is called: while threads are caught up after a
   * reconnection, a message stored meanwhile could otherwise show up in the
   * catch-up before its own ack, and be taken for someone else's.
   */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) {
        const waiters = this.holdWaiters;
        this.holdWaiters = [];
        for (const wake of waiters) wake();
      }
    };
  }

  /** Rejects every waiting message with `error`. */
  close(error: EcbClientError): void {
    for (const entry of this.queue.splice(0)) entry.reject(error);
    this.setAnswerLost(false);
    const waiters = this.holdWaiters;
    this.holdWaiters = [];
    for (const wake of waiters) wake();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let head = this.queue[0]; head !== undefined && !this.lifetime.aborted; head = this.queue[0]) {
        try {
          await this.deliver(head);
        } catch (error) {
          // a fault of the client's own: this message fails alone, the ones behind it still go
          this.settle(head, error instanceof EcbClientError ? error : new EcbClientError('INTERNAL', `the message could not be sent: ${String(error)}`));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Sends `entry` until it settles. */
  private async deliver(entry: Entry): Promise<void> {
    for (;;) {
      if (this.lifetime.aborted) return;
      const remaining = entry.enqueuedAt + this.settings.outbox.maxDurationMs - this.now();
      if (remaining <= 0) return this.settle(entry, entry.lastError ?? clientError('TIMEOUT', 'not sent within outbox.maxDurationMs'));
      try {
        await this.connection.whenConnected(remaining);
      } catch (error) {
        if (this.lifetime.aborted) return;
        const final = error instanceof EcbClientError && error.code !== 'DISCONNECTED';
        return this.settle(entry, final ? (error as EcbClientError) : (entry.lastError ?? (error as EcbClientError)));
      }
      if (this.holds > 0 && !this.answerLost) {
        await new Promise<void>((resolve) => this.holdWaiters.push(resolve));
        continue;
      }
      const outcome = await this.requester.attempt<ThreadAndMessages>(
        'sendMessage',
        {
          threadToken: this.threads.latestToken(entry.threadToken),
          message: entry.message,
          clientMessageId: entry.clientMessageId,
        },
        { waitForConnectionMs: 0 },
      );
      // An attempt that never reached the wire changes nothing about a lost answer.
      if (outcome.ok || outcome.sent) this.setAnswerLost(!outcome.ok && isLostAnswer(outcome.error));
      if (outcome.ok) {
        this.threads.onSent(outcome.data);
        return this.settle(entry, outcome.data);
      }
      const { error } = outcome;
      if (error.code === 'CLOSED') return;
      if (error.code === 'DISCONNECTED') continue;
      entry.lastError = error;
      if (error.code === 'TOKEN_EXPIRED' && this.connection.renewable && !entry.tokenRetried) {
        entry.tokenRetried = true;
        await this.connection.renew(error);
        continue;
      }
      if (!error.retryable) return this.settle(entry, error);
      entry.failures += 1;
      if (entry.failures >= this.settings.retry.maxAttempts) return this.settle(entry, error);
      // After a timeout a whole requestTimeoutMs has passed already.
      if (error.code !== 'TIMEOUT') await sleep(backoffDelay(entry.failures, this.settings.retry), this.lifetime);
    }
  }

  private settle(entry: Entry, result: ThreadAndMessages | EcbClientError): void {
    if (this.queue[0] === entry) this.queue.shift();
    this.setAnswerLost(false);
    if (result instanceof EcbClientError) entry.reject(result);
    else entry.resolve(result);
  }

  /** Records whether the head's answer was lost; the attempt after a lost one, whatever its outcome, wakes those waiting for it. */
  private setAnswerLost(lost: boolean): void {
    const wasLost = this.answerLost;
    this.answerLost = lost;
    if (wasLost || !lost) {
      const waiters = this.lostWaiters;
      this.lostWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}
