import * as E from 'fp-ts/lib/Either.js';
import { conflict, type Failure } from './failures.js';
import type { Store } from './store.js';

/**
 * Makes a write idempotent (ECB-SPEC §6): the first request with a key
 * does the write and its result is recorded; a repeat from the same user
 * gets the recorded result and writes nothing. A failed write is not
 * recorded, so the client may correct it and retry with the same key.
 *
 * Two requests with the same key at the same moment are run one after the
 * other, in this process. Run several backend processes and that guarantee
 * must come from the store instead (a unique key on (userId, key)).
 */
export class Idempotency {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  /**
   * `request` names the write (e.g. 'addThreadMessage:<threadId>'); a key
   * already used for a different request is a CONFLICT. Without a key the
   * write simply runs.
   */
  run<T>(
    scope: { readonly userId: string; readonly key: string | undefined; readonly request: string },
    write: () => Promise<E.Either<Failure, T>>,
  ): Promise<E.Either<Failure, T>> {
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
    write: () => Promise<E.Either<Failure, T>>,
  ): Promise<E.Either<Failure, T>> {
    const record = await this.store.findIdempotencyRecord(userId, key);
    if (record !== undefined) {
      return record.request === request
        ? E.right(record.result as T)
        : E.left(conflict('this Idempotency-Key was already used for a different request'));
    }
    const result = await write();
    if (E.isRight(result)) await this.store.saveIdempotencyRecord(userId, key, { request, result: result.right });
    return result;
  }
}
