import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts/lib/index.js';
import type { Listing } from '../../domain/paging.js';
import { ThreadAndMessagesCodec, ThreadCodec, type Thread, type ThreadAndMessages } from '../../domain/thread.js';
import { UserCodec, type User } from '../../domain/user.js';
import { compiledFirst } from '../compiled-checks.js';

/** Turns a parsed JSON answer into a domain value, or says what did not match. */
export type AnswerDecoder<A> = (answer: unknown) => t.Validation<A>;

const NonNegativeInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger');
const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'PositiveInteger');

const PagingCodec = t.type({ pageStartIndex: NonNegativeInteger, pageSize: PositiveInteger });

/** ECB-SPEC §1 `paged<T>`: both links present, null at the ends. */
const pagedCodec = <C extends t.Mixed>(item: C) =>
  t.type({
    pageStartIndex: NonNegativeInteger,
    pageSize: NonNegativeInteger,
    items: t.array(item),
    previousPage: t.union([PagingCodec, t.null]),
    nextPage: t.union([PagingCodec, t.null]),
  });

/**
 * A bare array is the complete list; a paged object is a page the backend cut
 * itself. Both checks are compiled once (`compiledFirst`).
 */
const listingOf = <C extends t.Mixed>(item: C): AnswerDecoder<Listing<t.TypeOf<C>>> => {
  const complete = compiledFirst(t.array(item));
  const paged = compiledFirst(pagedCodec(item));
  return (answer) =>
    Array.isArray(answer)
      ? pipe(
          complete(answer),
          E.map((items): Listing<t.TypeOf<C>> => ({ _tag: 'Complete', items })),
        )
      : pipe(
          paged(answer),
          E.map((page): Listing<t.TypeOf<C>> => ({ _tag: 'Paged', page })),
        );
};

const userTokenOf = compiledFirst(t.type({ userToken: t.string }));

export const userTokenAnswer: AnswerDecoder<string> = (answer) =>
  pipe(
    userTokenOf(answer),
    E.map((a) => a.userToken),
  );

// Every user the backend returns has a displayName (ECB-SPEC §1): UserCodec requires it.
export const contactsAnswer: AnswerDecoder<Listing<User>> = listingOf(UserCodec);
export const threadsAnswer: AnswerDecoder<Listing<Thread>> = listingOf(ThreadCodec);
export const threadAndMessagesAnswer: AnswerDecoder<ThreadAndMessages> = compiledFirst(ThreadAndMessagesCodec);

/**
 * Where an answer did not match, for logs: paths and expected types only,
 * never the values (an answer carries thread tokens).
 */
export const mismatches = (errors: t.Errors, max = 5): string[] =>
  errors.slice(0, max).map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '' && !/^\d+$/.test(key))
      .join('.');
    const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown';
    return `${path === '' ? '(root)' : path}: expected ${expected}`;
  });
