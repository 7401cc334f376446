import type { Socket } from 'socket.io-client';
import { badFlag, badMemberIds, badMessage, badThreadToken } from './arguments.js';
import { EventHub, type ClientEvents, type ConnectionState, type Unsubscribe } from './client-events.js';
import { newClientMessageId } from './client-message-id.js';
import { Connection } from './connection.js';
import { Credentials } from './credentials.js';
import { clientError, EcbClientError } from './ecb-client-error.js';
import type { NewMessage, PagedContacts, PagedThreads, Paging, ThreadAndMessages, User } from './model.js';
import { OpenThreads } from './open-threads.js';
import { resolveSettings, type EcbClientOptions, type Settings, type TypingOptions } from './options.js';
import { Outbox } from './outbox.js';
import { readPush } from './push-payloads.js';
import { Requester } from './requester.js';
import { ThrottledTypingIndicator, type TypingIndicator } from './typing-indicator.js';

/**
 * A client of ECB (ECB-SPEC §3) over Socket.IO: one promise-returning method
 * per request, typed events, and the guarantees an application would
 * otherwise write itself: messages sent through an outbox (queued while
 * offline, retried with the same clientMessageId, each promise settled
 * once), open threads re-joined and caught up after every reconnection
 * (no gaps, no duplicates), and user tokens renewed before and after
 * they expire.
 *
 * Every method rejects with `EcbClientError` only. It connects on construction.
 *
 * ```ts
 * const client = new EcbClient('https://chat.example.com', { getToken: fetchUserToken });
 * client.on('message', ({ threadId, message }) => render(threadId, message));
 * const { thread, messages } = await client.openThread(threadToken);
 * await client.sendText(thread.threadToken, 'Hello');
 * ```
 */
export class EcbClient {
  private readonly settings: Settings;
  private readonly hub = new EventHub<ClientEvents>();
  private readonly lifetime = new AbortController();
  private readonly connection: Connection;
  private readonly requester: Requester;
  private readonly threads: OpenThreads;
  private readonly outbox: Outbox;

  /** Throws EcbClientError (BAD_REQUEST) when no credential is given. */
  constructor(url: string, options: EcbClientOptions) {
    this.settings = resolveSettings(options);
    const credentials = new Credentials(this.settings.credentials, this.settings.tokenRefresh.beforeExpirySeconds, (userToken) =>
      this.hub.emit('tokenRefreshed', { userToken }),
    );
    const signal = this.lifetime.signal;
    this.connection = new Connection(url, this.settings, credentials, this.hub, signal, () => void this.recover());
    this.requester = new Requester(this.connection, this.settings.requestTimeoutMs, this.settings.maxRequestBytes);
    this.threads = new OpenThreads(this.requester, this.hub, this.settings, signal);
    this.outbox = new Outbox(this.requester, this.connection, this.threads, this.settings, signal);
    this.listenToPushes(this.connection.socket);
    this.connection.start();
  }

  /** Who this client is connected as; undefined until the first connection. */
  get user(): User | undefined {
    return this.connection.user;
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Messages waiting in the outbox. */
  get pendingMessages(): number {
    return this.outbox.size;
  }

  /** The socket.io-client socket underneath, for diagnostics. */
  private get socket(): Socket {
    return this.connection.socket;
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, handler: (payload: ClientEvents[K]) => void): Unsubscribe {
    return this.hub.on(event, handler);
  }

  /** Resolves with the user once connected; rejects when the client stopped (closed, or refused for good). */
  async ready(): Promise<User> {
    await this.connection.whenConnected();
    const user = this.connection.user;
    if (user === undefined) throw new EcbClientError('INTERNAL', 'connected, but the user is unknown');
    return user;
  }

  getContacts(paging: Paging = {}): Promise<PagedContacts> {
    return this.requester.call('getContacts', paging);
  }

  getThreads(paging: Paging = {}): Promise<PagedThreads> {
    return this.requester.call('getThreads', paging);
  }

  /**
   * Creates a thread with its first message, and opens it (like
   * `openThread`). The clientMessageId (default: a new UUID) makes a retry
   * safe: the client retries once after a dropped connection or TOKEN_EXPIRED.
   */
  async createThread(
    memberIds: readonly string[],
    message: NewMessage,
    options: { readonly clientMessageId?: string } = {},
  ): Promise<ThreadAndMessages> {
    const refused = badMemberIds(memberIds) ?? badMessage(message);
    if (refused !== undefined) throw refused;
    const clientMessageId = options.clientMessageId ?? newClientMessageId();
    const created = await this.requester.call<ThreadAndMessages>('createThread', { memberIds, message, clientMessageId });
    this.threads.adopt(created);
    return created;
  }

  /**
   * The thread and its messages (with `since`: only later ones). ECB also
   * joins this connection to the thread's pushes, until the next
   * disconnection; use `openThread` to keep them across reconnections.
   */
  getThread(threadToken: string, since?: number): Promise<ThreadAndMessages> {
    const refused = badThreadToken(threadToken);
    if (refused !== undefined) return Promise.reject(refused);
    return this.requester.call('getThread', since === undefined ? { threadToken } : { threadToken, since });
  }

  /**
   * getThread, and keeps the thread open: its pushes arrive as `message`
   * events, and after every reconnection it is re-joined and what was missed
   * is delivered as `message` events. The returned messages are not
   * delivered again as events.
   */
  openThread(threadToken: string): Promise<ThreadAndMessages> {
    const refused = badThreadToken(threadToken);
    if (refused !== undefined) return Promise.reject(refused);
    return this.threads.openThread(threadToken);
  }

  /** Stops the thread's pushes (leaveThread) and forgets it. Nothing to leave while disconnected. */
  async closeThread(threadToken: string): Promise<void> {
    const refused = badThreadToken(threadToken);
    if (refused !== undefined) throw refused;
    this.threads.forget(threadToken);
    if (!this.connection.isConnected()) return;
    const outcome = await this.requester.attempt('leaveThread', { threadToken }, { waitForConnectionMs: 0 });
    // A dropped connection left the room anyway.
    if (!outcome.ok && outcome.error.code !== 'DISCONNECTED') throw outcome.error;
  }

  /**
   * Sends a message through the outbox; resolves once ECB's backend stored it
   * (with the refreshed thread and the stored message). Typing signals go
   * through `typing()` or `sendTyping()`, not here.
   */
  sendMessage(threadToken: string, message: NewMessage): Promise<ThreadAndMessages> {
    const refused = badThreadToken(threadToken) ?? badMessage(message);
    if (refused !== undefined) return Promise.reject(refused);
    if (message.type === 'typing') {
      return Promise.reject(new EcbClientError('BAD_REQUEST', 'typing is ephemeral: use typing() or sendTyping()'));
    }
    return this.outbox.send(threadToken, message);
  }

  sendText(threadToken: string, text: string): Promise<ThreadAndMessages> {
    return this.sendMessage(threadToken, { type: 'text', data: { messageText: text } });
  }

  /** One typing signal, now or never: not queued, not retried (it would be stale). */
  async sendTyping(threadToken: string, isTyping: boolean): Promise<void> {
    const refused = badThreadToken(threadToken) ?? badFlag('isTyping', isTyping);
    if (refused !== undefined) throw refused;
    const outcome = await this.requester.attempt(
      'sendMessage',
      { threadToken: this.threads.latestToken(threadToken), message: { type: 'typing', data: isTyping } },
      { waitForConnectionMs: 0 },
    );
    if (!outcome.ok) throw outcome.error;
  }

  /** A typing indicator for one thread; its signals are best effort (failures are ignored). */
  typing(threadToken: string, options: TypingOptions = {}): TypingIndicator {
    return new ThrottledTypingIndicator(
      (isTyping) => void this.sendTyping(threadToken, isTyping).catch(() => undefined),
      { ...this.settings.typing, ...options },
      this.lifetime.signal,
    );
  }

  /**
   * Disconnects for good: state `disconnected`, waiting messages and
   * requests rejected with CLOSED, timers stopped. Idempotent.
   */
  async close(): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    this.lifetime.abort();
    this.outbox.close(clientError('CLOSED', 'the client was closed'));
    this.connection.close();
    this.hub.clear();
  }

  /**
   * After every (re)connection: settle the message whose ack was lost, then
   * catch the open threads up, holding new sends back meanwhile so that none
   * of this client's own messages can appear in the catch-up unrecognised.
   */
  private async recover(): Promise<void> {
    const release = this.outbox.hold();
    try {
      await this.outbox.afterLostAnswerRetried();
      const threadIds = await this.threads.recoverAll();
      if (threadIds !== undefined && !this.lifetime.signal.aborted) this.hub.emit('recovered', { threadIds });
    } finally {
      release();
    }
  }

  private listenToPushes(socket: Socket): void {
    socket.on('message', (payload: unknown) => {
      const push = readPush.message(payload);
      if (push !== undefined) this.threads.onPush(push.threadId, push.message);
    });
    socket.on('typing', (payload: unknown) => {
      const push = readPush.typing(payload);
      if (push !== undefined) this.hub.emit('typing', push);
    });
    socket.on('thread', (payload: unknown) => {
      const push = readPush.thread(payload);
      if (push === undefined) return;
      this.threads.onThread(push.thread);
      this.hub.emit('thread', push);
    });
  }
}
