import { isMember, memberLine, messageItem, threadTitle, timeElement } from './render.js';

const byId = (id) => document.getElementById(id);

/**
 * The right-hand side: the open conversation (or a new one being started),
 * its messages, who is typing, and the composer's labels. On a phone it
 * replaces the lists while open.
 */
export class ConversationPane {
  constructor() {
    this.chat = byId('chat');
    this.placeholder = byId('thread-placeholder');
    this.pane = byId('thread-pane');
    this.title = byId('thread-title');
    this.members = byId('thread-members');
    this.list = byId('messages');
    this.typing = byId('typing');
    this.joinHint = byId('join-hint');
    this.send = byId('send');
    this.input = byId('message-input');
  }

  showNothing() {
    this.setOpen(false);
  }

  showDraft(contact) {
    this.setOpen(true);
    this.title.textContent = contact.displayName;
    this.members.textContent = 'New conversation: your first message starts it.';
    this.joinHint.hidden = true;
    this.send.textContent = 'Send';
    this.list.replaceChildren();
    this.typing.textContent = '';
    this.input.focus();
  }

  showThread(entry, me, typingText) {
    this.setOpen(true);
    this.header(entry, me);
    const items = entry.messages.map((message) => messageItem({ thread: entry.thread, message, me }));
    // Screen readers announce new messages, not a whole history swapped in.
    this.list.setAttribute('aria-live', 'off');
    this.list.replaceChildren(...items, ...entry.pending.map((pending) => this.pendingItem(entry, pending, me)));
    requestAnimationFrame(() => this.list.setAttribute('aria-live', 'polite'));
    this.typing.textContent = typingText;
    this.list.scrollTop = this.list.scrollHeight;
    this.input.focus();
  }

  /** Title, members, and whether a reply joins the thread (an agent in a customer's thread). */
  header(entry, me) {
    const joining = !isMember(entry.thread, me.userId);
    this.title.textContent = threadTitle(entry.thread, me);
    this.members.textContent = memberLine(entry.thread, me);
    this.joinHint.hidden = !joining;
    this.send.textContent = joining ? 'Join and send' : 'Send';
  }

  showMessage(entry, message, me) {
    this.place(messageItem({ thread: entry.thread, message, me }), message.fromUserId === me.userId);
  }

  showPending(entry, pending, me) {
    this.place(this.pendingItem(entry, pending, me), true);
  }

  /** The stored copy replaces the pending item, unless a catch-up already showed it (`shown`). */
  settle(pending, stored, shown) {
    const item = this.list.querySelector(`[data-local-id="${pending.localId}"]`);
    if (!item) return;
    if (shown) return item.remove();
    item.removeAttribute('data-local-id');
    item.removeAttribute('data-pending');
    item.dataset.messageId = stored.messageId;
    item.dataset.creationTime = String(stored.creationTime);
    item.querySelector('.message-time').replaceWith(timeElement(stored.creationTime, 'message-time'));
    this.place(item, true);
  }

  /** `restored`: its text is back in the message field. */
  failed(pending, restored = false) {
    const item = this.list.querySelector(`[data-local-id="${pending.localId}"]`);
    if (item) markFailed(item, pending.failed, restored);
  }

  setTyping(text) {
    this.typing.textContent = text;
  }

  setOpen(open) {
    this.placeholder.hidden = open;
    this.pane.hidden = !open;
    this.chat.classList.toggle('thread-open', open);
  }

  pendingItem(entry, pending, me) {
    const message = { fromUserId: me.userId, type: 'text', data: { messageText: pending.text } };
    const item = messageItem({ thread: entry.thread, message, me, localId: pending.localId });
    if (pending.failed) markFailed(item, pending.failed);
    return item;
  }

  /** In creationTime order, before the messages still waiting to be sent. */
  place(item, scroll) {
    const list = this.list;
    const time = Number(item.dataset.creationTime);
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const next =
      item.dataset.pending !== undefined
        ? null
        : [...list.children].find((other) => other !== item && (other.dataset.pending !== undefined || Number(other.dataset.creationTime) > time));
    list.insertBefore(item, next ?? null);
    if (scroll || nearBottom) list.scrollTop = list.scrollHeight;
  }
}

const markFailed = (item, code, restored = false) => {
  item.dataset.failed = code;
  item.querySelector('.message-time').textContent = `Not sent (${code})${restored ? ': back in the message field' : ''}`;
};
