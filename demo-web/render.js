// DOM builders for the demo chat. User content only ever goes in as text
// (textContent), never as HTML.

/** `el('p', { class: 'x', 'data-id': 1 }, 'text', child)` */
export const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
};

const isToday = (date) => date.toDateString() === new Date().toDateString();

/** A message time (UNIX epoch seconds) as `<time>`: the hour today, the day otherwise. */
export const timeElement = (seconds, className) => {
  const date = new Date(seconds * 1000);
  const label = isToday(date)
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return el('time', { class: className, datetime: date.toISOString(), title: date.toLocaleString() }, label);
};

export const textOf = (message) =>
  message.type === 'text' ? String(message.data?.messageText ?? '') : `[${message.type} message]`;

export const roleOf = (user) => user?.data?.role ?? 'peer';

export const roleLabel = (user) => ({ agent: 'Support agent', customer: 'Customer' })[roleOf(user)] ?? 'Colleague';

export const isSupportThread = (thread) => thread.data?.kind === 'support';

export const isMember = (thread, userId) => thread.members.some((member) => member.userId === userId);

const nameOf = (member) => member.displayName ?? member.userId;

/** What a thread is called: its title, or the other members' names. */
export const threadTitle = (thread, me) => {
  if (typeof thread.data?.title === 'string') return thread.data.title;
  const others = thread.members.filter((member) => member.userId !== me.userId).map(nameOf);
  return others.length > 0 ? others.join(', ') : 'Just you';
};

export const memberLine = (thread, me) => {
  const names = thread.members.map((member) => (member.userId === me.userId ? 'you' : nameOf(member)));
  const waiting = isSupportThread(thread) && !thread.members.some((member) => roleOf(member) === 'agent');
  return `${names.join(', ')}${waiting ? ' · waiting for an agent' : ''}`;
};

/** Everyone met so far (contacts, thread members): a message may arrive before the thread naming its new member. */
const people = new Map();

export const rememberPeople = (users) => {
  for (const user of users) if (user.displayName !== undefined) people.set(user.userId, user.displayName);
};

/** A display name for a message's author. */
export const authorName = (thread, userId, me) => {
  if (userId === me.userId) return 'You';
  const member = thread.members.find((candidate) => candidate.userId === userId);
  return member?.displayName ?? people.get(userId) ?? userId;
};

/** One row of the conversation list or the support queue. */
export const threadItem = ({ entry, me, selected }) => {
  const last = entry.messages.at(-1);
  const preview = last === undefined ? '' : `${authorName(entry.thread, last.fromUserId, me)}: ${textOf(last)}`;
  const unread = entry.unread > 0;
  const button = el(
    'button',
    { type: 'button', 'data-thread-id': entry.thread.threadId, 'aria-current': selected ? 'true' : undefined, class: unread ? 'unread' : undefined },
    el('span', { class: 'item-title' }, threadTitle(entry.thread, me)),
    timeElement(entry.lastTime, 'item-time'),
    el('span', { class: 'item-preview' }, preview),
    unread ? el('span', { class: 'unread-count' }, String(entry.unread), el('span', { class: 'visually-hidden' }, ' unread')) : undefined,
  );
  return el('li', {}, button);
};

export const contactItem = (contact) =>
  el(
    'li',
    {},
    el(
      'button',
      { type: 'button', 'data-user-id': contact.userId },
      el('span', { class: 'item-title' }, contact.displayName),
      el('span', {}),
      el('span', { class: 'item-preview' }, roleLabel(contact)),
    ),
  );

/** A stored message, or (without messageId) one waiting in the outbox. */
export const messageItem = ({ thread, message, me, localId }) => {
  const mine = message.fromUserId === me.userId;
  const pending = message.messageId === undefined;
  return el(
    'li',
    {
      class: mine ? 'message mine' : 'message',
      'data-message-id': message.messageId,
      'data-creation-time': message.creationTime,
      'data-local-id': localId,
      'data-pending': pending,
    },
    el(
      'div',
      { class: 'message-meta' },
      el('span', { class: 'message-author' }, authorName(thread, message.fromUserId, me)),
      pending ? el('span', { class: 'message-time' }, 'Sending…') : timeElement(message.creationTime, 'message-time'),
    ),
    el('p', { class: 'message-text', dir: 'auto' }, textOf(message)),
  );
};

/** "Bob is typing…", "Bob and Carol are typing…" */
export const typingLine = (names) => {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
};
