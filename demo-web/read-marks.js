/**
 * Per thread, the time of the latest message this user has seen, kept in
 * localStorage so that unread marks survive a reload and are shared by the
 * user's tabs: a mark merges with what the other tabs stored (the latest
 * time wins), and a mark made in another tab reaches this one through the
 * `storage` event (`onChange`). Best effort: without storage (private mode,
 * quota), marks last as long as the page.
 */
export class ReadMarks {
  constructor(userId, onChange = () => {}) {
    this.key = `ecb-demo:${userId}:read`;
    this.marks = {};
    this.merge(this.stored());
    window.addEventListener('storage', (event) => {
      if (event.key !== this.key) return;
      this.merge(this.stored());
      onChange();
    });
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
      this.merge(this.stored());
      localStorage.setItem(this.key, JSON.stringify(this.marks));
    } catch {
      // storage unavailable: keep the mark in memory only
    }
  }

  stored() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) ?? '{}');
      return typeof stored === 'object' && stored !== null ? stored : {};
    } catch {
      return {};
    }
  }

  merge(marks) {
    for (const [threadId, time] of Object.entries(marks)) {
      if (typeof time === 'number' && !(this.marks[threadId] >= time)) this.marks[threadId] = time;
    }
  }
}
