import * as E from 'fp-ts/lib/Either.js';
import { badRequest, type EcbError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A page request (ECB-SPEC §1 `pagingBase`). */
export interface Paging {
  readonly pageStartIndex: number;
  readonly pageSize: number;
}

/** One page of a list (ECB-SPEC §1 `paged<T>`). */
export interface Paged<T> {
  readonly pageStartIndex: number;
  /** The number of items in this page (0 for an empty page). */
  readonly pageSize: number;
  readonly items: readonly T[];
  readonly previousPage: Paging | null;
  readonly nextPage: Paging | null;
}

/** Defaults 0 and 20; a size outside 1..100 or a negative start is BAD_REQUEST. */
export const validatePaging = (request: {
  pageStartIndex?: number | undefined;
  pageSize?: number | undefined;
}): E.Either<EcbError, Paging> => {
  const pageStartIndex = request.pageStartIndex ?? 0;
  const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageStartIndex) || pageStartIndex < 0) {
    return E.left(badRequest('pageStartIndex must be an integer >= 0'));
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return E.left(badRequest(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`));
  }
  return E.right({ pageStartIndex, pageSize });
};

/** Cuts the requested page out of a complete list, with the spec's links. */
export const pageOf = <T>(all: readonly T[], paging: Paging): Paged<T> => {
  const { pageStartIndex: start, pageSize: size } = paging;
  const items = all.slice(start, start + size);
  return {
    pageStartIndex: start,
    pageSize: items.length,
    items,
    previousPage: start === 0 ? null : { pageStartIndex: Math.max(0, start - size), pageSize: size },
    nextPage: all.length > start + size ? { pageStartIndex: start + size, pageSize: size } : null,
  };
};

/** A backend answers a list either complete, or already paged by itself. */
export type Listing<T> =
  | { readonly _tag: 'Complete'; readonly items: readonly T[] }
  | { readonly _tag: 'Paged'; readonly page: Paged<T> };

export const pageOfListing = <T>(listing: Listing<T>, paging: Paging): Paged<T> =>
  listing._tag === 'Complete' ? pageOf(listing.items, paging) : listing.page;
