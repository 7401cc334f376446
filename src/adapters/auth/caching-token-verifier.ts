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
 * `used` (the second-chance bit). `slot` is its place in the ring.
 */
type Entry = (
  | { readonly kind: 'user'; readonly expiresAt: number; readonly answer: TaskEither<EcbError, UserIdentity> }
  | {
      readonly kind: 'thread';
      readonly expiresAt: number;
      readonly answer: TaskEither<EcbError, ThreadGrant>;
      readonly grant: ThreadGrant;
    }
) & { readonly credential: string; slot: number; used: boolean };

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
 * recently used: a ring of slots and a hand that goes round it; an entry
 * dropped at its expiry frees its slot for the next one). Making room
 * takes as many steps as the hand passes used entries, whatever was
 * deleted before: taking a Map's first entry instead, as the first version
 * did, walks over every entry deleted before it (about 15 µs a miss at
 * 10,000 entries: docs/benchmarks.md, finding 17).
 *
 * A hit reads the map and sets one flag: re-inserting the entry on every
 * hit, as a strict LRU does, stored each message's freshly decoded token
 * string as the map's key, which the young-generation collector then
 * copied and promoted, message after message (docs/benchmarks.md, finding
 * 11). Never throws; never rejects (when the inner verifier doesn't).
 *
 * Not decorated for injection: the composition root builds it with `new`.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly entries = new Map<string, Entry>();
  /** The ring: each remembered entry in its slot; a slot freed at an expiry holds undefined until reused. */
  private readonly ring: Array<Entry | undefined> = [];
  /** Freed slots, reused before the ring grows or the hand evicts. */
  private readonly free: number[] = [];
  /** The next slot the hand looks at when the ring is full. */
  private hand = 0;

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
      this.remember({ kind: 'user', credential, expiresAt: identity.expiresAt, answer: answer(identity), slot: -1, used: false });
    });
  }

  verifyThread(credential: string): TaskEither<EcbError, ThreadGrant> {
    const entry = this.hit(credential);
    if (entry?.kind === 'thread') return entry.answer;
    return this.remembering(this.inner.verifyThread(credential), (grant) => {
      // a thread token without exp is valid for as long as it is remembered
      const expiresAt = grant.expiresAt ?? Number.POSITIVE_INFINITY;
      this.remember({ kind: 'thread', credential, expiresAt, answer: answer(grant), grant, slot: -1, used: false });
    });
  }

  /** A remembered thread grant, at once (a hit, as `verifyThread` counts it), or undefined. */
  knownThread(credential: string): ThreadGrant | undefined {
    const entry = this.hit(credential);
    return entry?.kind === 'thread' ? entry.grant : undefined;
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
      this.forget(entry);
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

  /** Keeps a new entry (its slot not yet set) in a slot of the ring. */
  private remember(entry: Entry): void {
    // verified inside the tolerance window but already past exp: remembering it would only be a miss later
    if (this.clock.nowSeconds() >= entry.expiresAt) return;
    // the same token verified again (as the other kind, or by two requests at once) takes its old slot
    const previous = this.entries.get(entry.credential);
    entry.slot = previous !== undefined ? previous.slot : this.freeSlot();
    this.ring[entry.slot] = entry;
    this.entries.set(entry.credential, entry);
  }

  /** A slot for a new entry: a freed one, a new one while the ring is short, or the hand's next victim. */
  private freeSlot(): number {
    const freed = this.free.pop();
    if (freed !== undefined) return freed;
    if (this.ring.length < this.maxEntries) return this.ring.length;
    // the ring is full and holds only live entries: each used one is passed over once (its flag
    // cleared), so this ends within maxEntries + 1 steps
    for (;;) {
      const slot = this.hand;
      this.hand = (slot + 1) % this.maxEntries;
      const candidate = this.ring[slot]!;
      if (!candidate.used) {
        this.entries.delete(candidate.credential);
        return slot;
      }
      candidate.used = false;
    }
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.credential);
    this.ring[entry.slot] = undefined;
    this.free.push(entry.slot);
  }
}

/** A TaskEither that always answers the same, already settled, success. */
const answer = <A>(value: A): TaskEither<EcbError, A> => {
  const settled = Promise.resolve(E.right(value) as E.Either<EcbError, A>);
  return () => settled;
};
