import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Clock } from '../../application/ports/clock.js';
import type { TokenVerifier } from '../../application/ports/token-verifier.js';
import type { EcbError } from '../../domain/errors.js';
import type { ThreadGrant } from '../../domain/thread.js';
import type { UserIdentity } from '../../domain/user.js';

/**
 * One remembered success. `answer` is built once, when the entry is made, so
 * that a hit hands it back without allocating anything; a hit only sets
 * `used` (the second-chance bit).
 */
type Entry = (
  | { readonly kind: 'user'; readonly expiresAt: number; readonly answer: TaskEither<EcbError, UserIdentity> }
  | { readonly kind: 'thread'; readonly expiresAt: number; readonly answer: TaskEither<EcbError, ThreadGrant> }
) & { used: boolean };

/**
 * A TokenVerifier that remembers what another one proved, so that a token
 * seen again (every socket event carries its thread token) costs a map
 * lookup instead of an RSA verification.
 *
 * Guarantees: only successes of `verifyUser` and `verifyThread` are
 * remembered, each until its own expiry by `clock` (after that the inner
 * verifier decides again, so `TOKEN_EXPIRED` still surfaces); a token is
 * only ever answered as the kind it was verified as; failures and server
 * credentials always go to the inner verifier. At most `maxEntries` tokens
 * are remembered; 0 remembers nothing. Beyond that, the oldest entry goes
 * unless it was used since it was made or last passed over: then it gets a
 * second chance at the back of the line (CLOCK, an approximation of least
 * recently used). A hit thus reads the map and sets one flag: re-inserting
 * the entry on every hit, as a strict LRU does, stored each message's
 * freshly decoded token string as the map's key, which the young-generation
 * collector then copied and promoted, message after message
 * (docs/benchmarks.md, finding 11). Never throws; never rejects (when the
 * inner verifier doesn't).
 *
 * Not decorated for injection: the composition root builds it with `new`.
 */
export class CachingTokenVerifier implements TokenVerifier {
  // a Map iterates in insertion order: the first key is the oldest, the next candidate for eviction
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {}

  /** How many tokens are remembered now. */
  get size(): number {
    return this.entries.size;
  }

  verifyUser(credential: string): TaskEither<EcbError, UserIdentity> {
    const entry = this.hit(credential);
    if (entry?.kind === 'user') return entry.answer;
    return this.remembering(this.inner.verifyUser(credential), (identity) => {
      this.remember(credential, { kind: 'user', expiresAt: identity.expiresAt, answer: answer(identity), used: false });
    });
  }

  verifyThread(credential: string): TaskEither<EcbError, ThreadGrant> {
    const entry = this.hit(credential);
    if (entry?.kind === 'thread') return entry.answer;
    return this.remembering(this.inner.verifyThread(credential), (grant) => {
      // a thread token without exp is valid for as long as it is remembered
      const expiresAt = grant.expiresAt ?? Number.POSITIVE_INFINITY;
      this.remember(credential, { kind: 'thread', expiresAt, answer: answer(grant), used: false });
    });
  }

  verifyServer(credential: string): TaskEither<EcbError, void> {
    // short-lived and rare: not worth remembering
    return this.inner.verifyServer(credential);
  }

  /** A live entry (marked as used), or nothing; an expired one is dropped. */
  private hit(credential: string): Entry | undefined {
    if (this.maxEntries <= 0) return undefined;
    const entry = this.entries.get(credential);
    if (entry === undefined) return undefined;
    if (this.clock.nowSeconds() >= entry.expiresAt) {
      this.entries.delete(credential);
      return undefined;
    }
    entry.used = true;
    return entry;
  }

  private remembering<A>(
    verification: TaskEither<EcbError, A>,
    onSuccess: (value: A) => void,
  ): TaskEither<EcbError, A> {
    if (this.maxEntries <= 0) return verification;
    return async () => {
      const result = await verification();
      if (E.isRight(result)) onSuccess(result.right);
      return result;
    };
  }

  private remember(credential: string, entry: Entry): void {
    // verified inside the tolerance window but already past exp: remembering it would only be a miss later
    if (this.clock.nowSeconds() >= entry.expiresAt) return;
    this.entries.delete(credential);
    // room first, so that the new entry is not a candidate itself; each used entry is passed over
    // at most once (its flag cleared), so this ends within size + 1 steps
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      const [key, candidate] = oldest.value;
      this.entries.delete(key);
      if (candidate.used) {
        candidate.used = false;
        this.entries.set(key, candidate);
      }
    }
    this.entries.set(credential, entry);
  }
}

/** A TaskEither that always answers the same, already settled, success. */
const answer = <A>(value: A): TaskEither<EcbError, A> => {
  const settled = Promise.resolve(E.right(value) as E.Either<EcbError, A>);
  return () => settled;
};
