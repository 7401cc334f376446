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

/** Checks one listing operation; returns its items (for choosing a thread member), or [] when it failed. */
export const checkListing = async <T>(
  context: CheckContext,
  acting: Acting,
  operation: ListOperation,
): Promise<readonly T[]> => {
  const decode = (operation === 'getContacts' ? contactsAnswer : threadsAnswer) as AnswerDecoder<Listing<T>>;
  const first = await context.probe.call(operation, { user: acting.user, pageStartIndex: 0, pageSize: 20 }, { token: acting.token });
  const listing = decodedAnswer(first, decode, FIX_SHAPE[operation]);
  context.log.add(operation, `${operation} answers a list ECB accepts`, E.isLeft(listing) ? listing.left : pass(kindOf(listing.right)));

  const title = `${operation} answers a bare array or a complete, consistent page`;
  const small = await context.probe.call(operation, { user: acting.user, pageStartIndex: 0, pageSize: 1 }, { token: acting.token });
  const page = decodedAnswer(small, decode, FIX_PAGING);
  if (E.isLeft(page)) context.log.add(`${operation}.paging`, title, page.left);
  else context.log.add(`${operation}.paging`, title, pagingOutcome(page.right, { pageStartIndex: 0, pageSize: 1 }));

  if (E.isLeft(listing)) return [];
  return listing.right._tag === 'Complete' ? listing.right.items : listing.right.page.items;
};

const kindOf = <T>(listing: Listing<T>): string =>
  listing._tag === 'Complete' ? `a bare array of ${listing.items.length}` : `a page of ${listing.page.items.length}`;

/** A page the backend cut itself must follow the spec's arithmetic, or clients page wrongly. */
const pagingOutcome = <T>(listing: Listing<T>, asked: Paging): Outcome => {
  if (listing._tag === 'Complete') return pass('a bare array: ECB pages it');
  const page = listing.page;
  const problems: string[] = [];
  if (page.pageStartIndex !== asked.pageStartIndex) problems.push(`pageStartIndex is ${page.pageStartIndex}, asked ${asked.pageStartIndex}`);
  if (page.pageSize !== page.items.length) problems.push(`pageSize ${page.pageSize} is not items.length ${page.items.length}`);
  if (page.items.length > asked.pageSize) problems.push(`${page.items.length} items for a pageSize of ${asked.pageSize}`);
  if (page.previousPage !== null) problems.push('previousPage is not null at pageStartIndex 0');
  const next = page.nextPage;
  if (next !== null && (next.pageStartIndex !== asked.pageStartIndex + asked.pageSize || next.pageSize !== asked.pageSize)) {
    problems.push(`nextPage is ${JSON.stringify(next)}, expected { pageStartIndex: ${asked.pageSize}, pageSize: ${asked.pageSize} }`);
  }
  return problems.length === 0 ? pass('a page cut by the backend') : fail(problems.join('; '), FIX_PAGING);
};
