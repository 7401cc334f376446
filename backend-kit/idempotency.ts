import { ContractError } from './contract-error.js';

/** A write already done for an idempotency key, and what it answered. */
export interface IdempotencyRecord {
  /** Names the write (operation and target) so a key reused for another write is caught. */
  readonly request: string;
  readonly result: unknown;
}

/**
 * Where results of writes are kept per (userId, key). Back it with your
 * database (a unique key on (userId, key), expiring after a day or so) when
 * you run several backend processes.
 */
export interface IdempotencyStore {
  find(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  save(userId: string, key: string, record: IdempotencyRecord): Promise<void>;
}

/** The most records the in-memory store keeps; the oldest go first. A retry comes within minutes. */
export const DEFAULT_MAX_IDEMPOTENCY_RECORDS = 10_000;

/**
 * The default store: one process, in memory, bounded. The oldest record
 * goes first; the keys' order is kept in a ring, since taking a Map's first
 * key again and again walks over every key deleted before it (about 11 µs a
 * save at 10,000 records; ECB's docs/benchmarks.md, finding 17, found the
 * same in ECB's own caches).
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  /** The keys in the order first saved; once full, the next one to forget is at `next`. */
  private readonly order: string[] = [];
  private next = 0;

  constructor(private readonly maxRecords = DEFAULT_MAX_IDEMPOTENCY_RECORDS) {}

  async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.records.get(JSON.stringify([userId, key]));
  }

  async save(userId: string, key: string, record: IdempotencyRecord): Promise<void> {
    if (this.maxRecords <= 0) return;
    const id = JSON.stringify([userId, key]);
    const known = this.records.has(id);
    this.records.set(id, record);
    if (known) return; // a record replaced keeps its place
    if (this.order.length < this.maxRecords) {
      this.order.push(id);
      return;
    }
    this.records.delete(this.order[this.next]!);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.maxRecords;
  }
}

/**
 * Makes a write idempotent (ECB-SPEC §6): the first request with a key does
 * the write and its result is recorded; a repeat from the same user gets the
 * recorded result. A failed write is not recorded, so it may be retried.
 * Two requests with the same key at once run one after the other (in this
 * process).
 */
export class Idempotency {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: IdempotencyStore) {}

  run<T>(
    scope: { readonly userId: string; readonly key: string | undefined; readonly request: string },
    write: () => Promise<T | ContractError>,
  ): Promise<T | ContractError> {
    const { userId, key } = scope;
    if (key === undefined) return write();
    const queueId = JSON.stringify([userId, key]);
    const previous = this.queues.get(queueId) ?? Promise.resolve();
    const current = previous.then(() => this.once(userId, key, scope.request, write));
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(queueId, settled);
    void settled.then(() => {
      if (this.queues.get(queueId) === settled) this.queues.delete(queueId);
    });
    return current;
  }

  private async once<T>(
    userId: string,
    key: string,
    request: string,
    write: () => Promise<T | ContractError>,
  ): Promise<T | ContractError> {
    const record = await this.store.find(userId, key);
    if (record !== undefined) {
      return record.request === request
        ? (record.result as T)
        : ContractError.conflict('this Idempotency-Key was already used for a different request');
    }
    const result = await write();
    if (!(result instanceof ContractError)) await this.store.save(userId, key, { request, result });
    return result;
  }
}
