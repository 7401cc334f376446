import { authorName, typingLine } from './render.js';

/** A `typing: true` whose `false` got lost must not light the indicator forever. */
const TYPING_TIMEOUT_MS = 8_000;

/**
 * Who is typing where (from `typing` events), and this user's own typing
 * signals through the client's throttled indicators, one per thread.
 */
export class TypingBoard {
  constructor(client, onChange) {
    this.client = client;
    this.onChange = onChange;
    this.typers = new Map(); // threadId -> Map(userId -> expiry timer)
    this.indicators = new Map(); // threadId -> TypingIndicator
    this.mine = undefined;
  }

  onPush({ threadId, userId, isTyping }, myUserId) {
    if (userId === myUserId) return; // my other tabs
    const typers = this.typers.get(threadId) ?? new Map();
    this.typers.set(threadId, typers);
    clearTimeout(typers.get(userId));
    typers.delete(userId);
    if (isTyping) typers.set(userId, setTimeout(() => this.clear(threadId, userId), TYPING_TIMEOUT_MS));
    this.onChange();
  }

  /** Their message arrived: they stopped typing it. */
  clear(threadId, userId) {
    const typers = this.typers.get(threadId);
    if (!typers?.has(userId)) return;
    clearTimeout(typers.get(userId));
    typers.delete(userId);
    this.onChange();
  }

  line(thread, me) {
    const userIds = [...(this.typers.get(thread.threadId)?.keys() ?? [])];
    return typingLine(userIds.map((userId) => authorName(thread, userId, me)));
  }

  /** On every edit of the message field. */
  typed(thread, hasText) {
    let indicator = this.indicators.get(thread.threadId);
    if (indicator === undefined) {
      indicator = this.client.typing(thread.threadToken);
      this.indicators.set(thread.threadId, indicator);
    }
    if (this.mine !== indicator) this.stopMine();
    this.mine = indicator;
    if (hasText) indicator.keystroke();
    else indicator.stop();
  }

  /** Sent, or left the thread: stop now rather than after the idle time. */
  stopMine() {
    this.mine?.stop();
    this.mine = undefined;
  }
}
