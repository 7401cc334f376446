import { ConversationPane } from './conversation-pane.js';
import { ReadMarks } from './read-marks.js';
import { contactItem, isMember, rememberPeople, roleLabel, roleOf, threadItem } from './render.js';
import { insertMessage, newEntry, updateEntry } from './thread-entry.js';
import { TypingBoard } from './typing-board.js';

/** Agents: a new support thread is pushed to its members only, so the queue is re-read this often. */
const QUEUE_REFRESH_MS = 15_000;
const THREAD_PAGE_SIZE = 50;
const CONTACT_PAGE_SIZE = 100;
const STATE_LABELS = { connecting: 'Connecting…', connected: 'Online', reconnecting: 'Offline, reconnecting…', disconnected: 'Disconnected' };

const byId = (id) => document.getElementById(id);

/**
 * The chat screen, built on EcbClient only. Every listed thread is opened
 * with `openThread`, so its messages arrive as `message` events (caught up
 * after reconnections, never twice): they feed the previews, the unread
 * counts and the open conversation alike.
 */
export class Chat {
  constructor(client, userId) {
    this.client = client;
    this.me = { userId };
    this.threads = new Map(); // threadId -> entry (thread-entry.js)
    this.contacts = [];
    this.selectedId = undefined;
    this.draft = undefined; // a contact to start a thread with
    this.starting = new Map(); // userId -> the conversation being started with them: Promise<threadId | undefined>
    this.localIds = 0;
    this.everConnected = false;
    this.readMarks = new ReadMarks(userId, () => this.onReadElsewhere());
    this.typing = new TypingBoard(client, () => this.renderTyping());
    this.pane = new ConversationPane();
  }

  async start() {
    // A message still in the outbox lives only in this page: leaving would lose it, so the browser asks first.
    window.addEventListener('beforeunload', (event) => {
      if (this.client.pendingMessages === 0) return;
      event.preventDefault();
      event.returnValue = '';
    });
    this.client.on('state', (change) => this.onState(change));
    this.client.on('message', ({ threadId, message }) => this.onMessage(threadId, message));
    this.client.on('thread', ({ thread }) => this.onThread(thread));
    this.client.on('typing', (push) => this.typing.onPush(push, this.me.userId));
    // A thread the client gave up catching up is opened again at the next refresh.
    this.client.on('recoveryFailed', ({ threadId }) => {
      const entry = this.threads.get(threadId);
      if (entry) entry.live = false;
    });
    this.bindDom();
    this.me = await this.client.ready();
    byId('me-name').textContent = `${this.me.displayName} · ${roleLabel(this.me)}`;
    byId('queue-section').hidden = roleOf(this.me) !== 'agent';
    await Promise.all([this.loadContacts(), this.refreshThreads(true)]);
    const wanted = /^#thread=(.+)$/.exec(location.hash)?.[1];
    if (wanted !== undefined && this.threads.has(decodeURIComponent(wanted))) this.select(decodeURIComponent(wanted));
    if (roleOf(this.me) === 'agent') setInterval(() => void this.refreshThreads(false).catch(() => undefined), QUEUE_REFRESH_MS);
  }

  bindDom() {
    for (const list of [byId('thread-list'), byId('queue-list')]) {
      list.addEventListener('click', (event) => {
        const button = event.target.closest('button[data-thread-id]');
        if (button) this.select(button.dataset.threadId);
      });
    }
    byId('contact-list').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-user-id]');
      const contact = this.contacts.find((candidate) => candidate.userId === button?.dataset.userId);
      if (contact) this.startWith(contact);
    });
    const composer = byId('composer');
    const input = byId('message-input');
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit(input);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    input.addEventListener('input', () => {
      const entry = this.selected();
      if (entry) this.typing.typed(entry.thread, input.value.trim() !== '');
    });
    byId('back').addEventListener('click', () => this.select(undefined));
  }

  // ---- loading -------------------------------------------------------------

  async loadContacts() {
    const page = await this.client.getContacts({ pageSize: CONTACT_PAGE_SIZE });
    this.contacts = page.items;
    rememberPeople(this.contacts);
    byId('contact-list').replaceChildren(...this.contacts.map(contactItem));
  }

  /** Opens every thread not open yet; on the first load only threads read before count as unread. */
  async refreshThreads(initial) {
    const page = await this.client.getThreads({ pageSize: THREAD_PAGE_SIZE });
    await Promise.all(
      page.items.map((thread) => {
        if (this.threads.get(thread.threadId)?.live) return this.updateThread(thread);
        return this.open(thread, initial ? this.readMarks.has(thread.threadId) : true);
      }),
    );
    this.renderLists();
  }

  open(thread, countUnread) {
    const entry = this.entryFor(thread);
    entry.opening ??= this.client
      .openThread(thread.threadToken)
      .then(({ thread: fresh, messages }) => {
        entry.loaded = entry.live = true;
        this.updateThread(fresh);
        for (const message of messages) this.addMessage(entry, message, countUnread);
      })
      .catch(() => undefined) // tried again at the next refresh
      .finally(() => {
        entry.opening = undefined;
      });
    return entry.opening;
  }

  entryFor(thread) {
    if (!this.threads.has(thread.threadId)) this.threads.set(thread.threadId, newEntry(thread));
    return this.threads.get(thread.threadId);
  }

  selected() {
    return this.selectedId === undefined ? undefined : this.threads.get(this.selectedId);
  }

  // ---- pushes --------------------------------------------------------------

  onState({ state, error }) {
    this.renderBadge(state, error);
    // Threads created while this client was away were pushed to nobody here.
    if (state === 'connected' && this.everConnected) void this.refreshThreads(false).catch(() => undefined);
    if (state === 'connected') this.everConnected = true;
  }

  onThread(thread) {
    if (this.threads.get(thread.threadId)?.live) this.updateThread(thread);
    else void this.open(thread, true).then(() => this.renderLists());
  }

  onMessage(threadId, message) {
    const entry = this.threads.get(threadId);
    if (entry === undefined) return;
    this.typing.clear(threadId, message.fromUserId);
    this.addMessage(entry, message, true);
  }

  updateThread(thread) {
    rememberPeople(thread.members);
    const entry = this.entryFor(thread);
    updateEntry(entry, thread);
    this.renderLists();
    if (thread.threadId === this.selectedId) this.pane.header(entry, this.me);
  }

  addMessage(entry, message, countUnread) {
    if (!insertMessage(entry, message)) return;
    const threadId = entry.thread.threadId;
    if (threadId === this.selectedId) {
      this.pane.showMessage(entry, message, this.me);
      this.readMarks.mark(threadId, entry.lastTime);
    } else if (countUnread && message.fromUserId !== this.me.userId && !this.readMarks.covers(threadId, message.creationTime)) {
      entry.unread += 1;
    }
    this.renderLists();
  }

  /** Another tab of this user read some threads: their unread marks go here too. */
  onReadElsewhere() {
    for (const entry of this.threads.values()) {
      if (entry.unread > 0 && this.readMarks.covers(entry.thread.threadId, entry.lastTime)) entry.unread = 0;
    }
    this.renderLists();
  }

  // ---- actions -------------------------------------------------------------

  select(threadId) {
    this.typing.stopMine();
    this.draft = undefined;
    this.selectedId = threadId;
    const entry = this.selected();
    const hash = threadId ? `#thread=${encodeURIComponent(threadId)}` : '';
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    if (entry) {
      entry.unread = 0;
      this.readMarks.mark(threadId, entry.lastTime);
      this.pane.showThread(entry, this.me, this.typing.line(entry.thread, this.me));
    } else {
      this.pane.showNothing();
    }
    this.renderLists();
  }

  /** The conversation with just this contact, or a new one started by the first message. */
  startWith(contact) {
    const existing = [...this.threads.values()].find(
      ({ thread }) => thread.members.length === 2 && isMember(thread, this.me.userId) && isMember(thread, contact.userId),
    );
    if (existing) return this.select(existing.thread.threadId);
    this.select(undefined);
    this.draft = contact;
    this.pane.showDraft(contact);
  }

  async submit(input) {
    const text = input.value.trim();
    input.value = '';
    if (text === '') return;
    const starting = this.draft && this.starting.get(this.draft.userId);
    if (starting) {
      // The conversation is still being started (its first message is on its way): this
      // message follows it into the same thread, or back into the composer if it failed.
      const entry = this.threads.get(await starting);
      if (entry) return this.sendTo(entry, text);
      input.value = input.value === '' ? text : `${input.value}\n${text}`;
      return;
    }
    if (this.draft) return this.createWith(this.draft, text, input);
    const entry = this.selected();
    if (entry) return this.sendTo(entry, text);
  }

  async sendTo(entry, text) {
    this.typing.stopMine();
    const pending = { localId: `local-${(this.localIds += 1)}`, text, failed: undefined };
    entry.pending.push(pending);
    if (entry.thread.threadId === this.selectedId) this.pane.showPending(entry, pending, this.me);
    const sending = this.client.sendText(entry.thread.threadToken, text);
    this.renderBadge(this.client.state);
    try {
      const { thread, messages } = await sending;
      entry.pending = entry.pending.filter((other) => other !== pending);
      const stored = messages[0];
      const shown = !insertMessage(entry, stored);
      if (entry.thread.threadId === this.selectedId) this.pane.settle(pending, stored, shown);
      this.updateThread(thread);
    } catch (error) {
      pending.failed = error.code ?? 'ERROR';
      if (entry.thread.threadId === this.selectedId) {
        // the text goes back into an empty message field, to be edited and sent again
        const input = byId('message-input');
        const restored = input.value === '';
        if (restored) input.value = text;
        this.pane.failed(pending, restored);
      }
    }
    this.renderBadge(this.client.state);
  }

  /**
   * Starts the conversation with its first message. Meanwhile `this.starting` holds what
   * resolves to its threadId, once the thread is shown (undefined if it could not start).
   */
  async createWith(contact, text, input) {
    const send = byId('send');
    send.disabled = true;
    const starting = this.client.createThread([contact.userId], { type: 'text', data: { messageText: text } }).then(
      (created) => {
        const entry = this.entryFor(created.thread);
        entry.loaded = entry.live = true;
        for (const message of created.messages) this.addMessage(entry, message, false);
        if (this.draft === contact) this.select(created.thread.threadId);
        else this.renderLists();
        return created.thread.threadId;
      },
      (error) => {
        input.value = input.value === '' ? text : `${text}\n${input.value}`;
        this.pane.setTyping(`Could not start the conversation (${error.code ?? 'ERROR'}).`);
        return undefined;
      },
    );
    this.starting.set(contact.userId, starting);
    try {
      await starting;
    } finally {
      this.starting.delete(contact.userId);
      send.disabled = false;
    }
  }


  // ---- rendering -----------------------------------------------------------

  renderLists() {
    const focusedId = document.activeElement?.dataset?.threadId;
    const sorted = [...this.threads.values()].filter((entry) => entry.loaded).sort((a, b) => b.lastTime - a.lastTime);
    const item = (entry) => threadItem({ entry, me: this.me, selected: entry.thread.threadId === this.selectedId });
    const mine = sorted.filter((entry) => isMember(entry.thread, this.me.userId));
    const queue = sorted.filter((entry) => !isMember(entry.thread, this.me.userId));
    byId('thread-list').replaceChildren(...mine.map(item));
    byId('queue-list').replaceChildren(...queue.map(item));
    byId('threads-empty').hidden = mine.length > 0;
    byId('queue-empty').hidden = queue.length > 0;
    // Re-rendering must not take the keyboard focus away from the list.
    if (focusedId) document.querySelector(`.sidebar button[data-thread-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  renderBadge(state, error) {
    const label = STATE_LABELS[state] ?? state;
    const waiting = this.client.pendingMessages;
    const badge = byId('connection');
    badge.dataset.state = state;
    badge.textContent = waiting > 0 && state !== 'connected' ? `${label} (${waiting} waiting)` : label;
    if (state === 'disconnected' && error) badge.textContent = `Disconnected: ${error.code}`;
  }

  renderTyping() {
    const entry = this.selected();
    this.pane.setTyping(entry ? this.typing.line(entry.thread, this.me) : '');
  }
}
