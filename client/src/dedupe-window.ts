/**
 * The ids seen most recently, at most `capacity` of them: an id older than
 * the window is forgotten, so memory stays bounded however long a thread
 * stays open.
 */
export class DedupeWindow {
  // A Set iterates in insertion order: its first entry is the oldest.
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records `id`; false when it is already in the window. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    return true;
  }
}
