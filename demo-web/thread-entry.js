/**
 * What the page keeps per thread: the latest `thread` received, its
 * messages in creationTime order (each messageId once), the messages still
 * in the client's outbox, and the unread count.
 */
export const newEntry = (thread) => ({
  thread,
  messages: [],
  ids: new Set(),
  /** { localId, text, failed } for each message sent and not yet stored */
  pending: [],
  unread: 0,
  /** shown in the lists (opened once) */
  loaded: false,
  /** open in the client: pushed and caught up after reconnections */
  live: false,
  /** the openThread in flight, if any */
  opening: undefined,
  get lastTime() {
    return Math.max(this.thread.lastMessageTime, this.messages.at(-1)?.creationTime ?? 0);
  },
});

/** Adds a message in creationTime order; false when it was already there. */
export const insertMessage = (entry, message) => {
  if (entry.ids.has(message.messageId)) return false;
  entry.ids.add(message.messageId);
  const at = entry.messages.findIndex((other) => other.creationTime > message.creationTime);
  entry.messages.splice(at < 0 ? entry.messages.length : at, 0, message);
  return true;
};

/** A newer view of the same thread (a fresh token, new members) replaces the one kept. */
export const updateEntry = (entry, thread) => {
  if (thread.lastMessageTime >= entry.thread.lastMessageTime || thread.members.length > entry.thread.members.length) entry.thread = thread;
};
