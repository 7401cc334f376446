/**
 * Per thread, the time of the latest message this user has seen, kept in
 * localStorage so that unread marks survive a reload. Best effort: without
 * storage (private mode, quota), marks last as long as the page.
 */
export class ReadMarks {
  constructor(userId) {
    this.key = `ecb-demo:${userId}:read`;
    try {
      this.marks = JSON.parse(localStorage.getItem(this.key) ?? '{}') ?? {};
    } catch {
      this.marks = {};
    }
  }

  has(threadId) {
    return typeof this.marks[threadId] === 'number';
  }

  /** Whether a message of that creationTime was already seen. */
  covers(threadId, creationTime) {
    return this.has(threadId) && creationTime <= this.marks[threadId];
  }

  mark(threadId, creationTime) {
    if (this.covers(threadId, creationTime)) return;
    this.marks[threadId] = creationTime;
    try {
      localStorage.setItem(this.key, JSON.stringify(this.marks));
    } catch {
      // storage unavailable: keep the mark in memory only
    }
  }
}
