import * as E from 'fp-ts/lib/Either.js';
import { contactsAnswer, threadsAnswer, type AnswerDecoder } from '../../adapters/backend/backend-answers.js';
import type { Listing, Paging } from '../../domain/paging.js';
import type { Acting, CheckContext } from './check-context.js';
import { fail, pass, type Outcome } from './check-result.js';
import { decodedAnswer } from './expectations.js';

type ListOperation = 'getContacts' | 'getThreads';

const FIX_SHAPE: Record<ListOperation, string> = {
  getContacts:
    'getContacts must answer 200 with user[] (each { userId: string, displayName: string, data? }), ' +
    'or a complete pagedContacts object { pageStartIndex, pageSize, items, previousPage, nextPage }.',
  getThreads:
    'getThreads must answer 200 with thread[] (each { threadId, threadToken, members: [{ userId }], ' +
    'lastMessageTime: number, data? }), or a complete pagedThreads object ' +
    '{ pageStartIndex, pageSize, items, previousPage, nextPage }.',
};
const FIX_PAGING =
  'Either answer a bare array (the complete list; ECB cuts the page), or page it yourself exactly as ECB-SPEC §1 ' +
  'says: pageSize = items.length, previousPage null at start 0 else { pageStartIndex: max(0, start - size), ' +
  'pageSize: size }, nextPage null when nothing is left else { pageStartIndex: start + size, pageSize: size }.';

const FIRST_PAGE: Paging = { pageStartIndex: 0, pageSize: 20 };
const OTHER_PAGES: readonly Paging[] = [
  { pageStartIndex: 0, pageSize: 1 },
  { pageStartIndex: 1, pageSize: 5 },
];

/** Checks one listing operation; returns its items (for choosing a thread member), or [] when it failed. */
export const checkListing = async <T>(
  context: CheckContext,
  acting: Acting,
  operation: ListOperation,
): Promise<readonly T[]> => {
  const decode = (operation === 'getContacts' ? contactsAnswer : threadsAnswer) as AnswerDecoder<Listing<T>>;
  const first = await context.probe.call(operation, { user: acting.user, ...FIRST_PAGE }, { token: acting.token });
  const listing = decodedAnswer(first, decode, FIX_SHAPE[operation]);
  context.log.add(operation, `${operation} answers a list ECB accepts`, E.isLeft(listing) ? listing.left : pass(kindOf(listing.right)));

  // the first page as asked above, a page of one, and a page that starts after the first item
  const title = `${operation} answers a bare array or a complete, consistent page`;
  const outcomes: Outcome[] = E.isRight(listing) ? [pagingOutcome(listing.right, FIRST_PAGE)] : [];
  for (const asked of OTHER_PAGES) {
    const answer = decodedAnswer(await context.probe.call(operation, { user: acting.user, ...asked }, { token: acting.token }), decode, FIX_PAGING);
    outcomes.push(E.isLeft(answer) ? answer.left : pagingOutcome(answer.right, asked));
  }
  context.log.add(`${operation}.paging`, title, outcomes.find((outcome) => outcome.verdict === 'fail') ?? outcomes[outcomes.length - 1]!);

  if (E.isLeft(listing)) return [];
  return listing.right._tag === 'Complete' ? listing.right.items : listing.right.page.items;
};

const kindOf = <T>(listing: Listing<T>): string =>
  listing._tag === 'Complete' ? `a bare array of ${listing.items.length}` : `a page of ${listing.page.items.length}`;

const samePaging = (a: Paging | null, b: Paging | null): boolean =>
  a === null || b === null ? a === b : a.pageStartIndex === b.pageStartIndex && a.pageSize === b.pageSize;

/** A page the backend cut itself must follow the spec's arithmetic, or clients page wrongly. */
const pagingOutcome = <T>(listing: Listing<T>, asked: Paging): Outcome => {
  if (listing._tag === 'Complete') return pass('a bare array: ECB pages it');
  const page = listing.page;
  const { pageStartIndex: start, pageSize: size } = asked;
  const at = `at pageStartIndex ${start}, pageSize ${size}`;
  const problems: string[] = [];
  if (page.pageStartIndex !== start) problems.push(`pageStartIndex is ${page.pageStartIndex}`);
  if (page.pageSize !== page.items.length) problems.push(`pageSize ${page.pageSize} is not items.length ${page.items.length}`);
  if (page.items.length > size) problems.push(`${page.items.length} items`);
  const previous = start === 0 ? null : { pageStartIndex: Math.max(0, start - size), pageSize: size };
  if (!samePaging(page.previousPage, previous)) {
    problems.push(`previousPage is ${JSON.stringify(page.previousPage)}, expected ${JSON.stringify(previous)}`);
  }
  const next = page.nextPage;
  // a short page means nothing is left at start + size
  if (next !== null && page.items.length < size) problems.push(`nextPage is ${JSON.stringify(next)} after a short page (${page.items.length} of ${size}): expected null`);
  else if (next !== null && (next.pageStartIndex !== start + size || next.pageSize !== size)) {
    problems.push(`nextPage is ${JSON.stringify(next)}, expected { pageStartIndex: ${start + size}, pageSize: ${size} }`);
  }
  return problems.length === 0 ? pass('pages cut by the backend') : fail(`${at}: ${problems.join('; ')}`, FIX_PAGING);
};
