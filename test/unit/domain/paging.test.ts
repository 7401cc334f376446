import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  pageOf,
  pageOfListing,
  validatePaging,
  type Paged,
  type Paging,
} from '../../../src/domain/paging.js';
import { leftOf, rightOf } from './expect-either.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('paging (ECB-SPEC §1)', () => {
  describe('validatePaging', () => {
    it('defaults to the first page of 20', () => {
      expect(rightOf(validatePaging({}))).to.deep.equal({ pageStartIndex: 0, pageSize: 20 });
      expect(DEFAULT_PAGE_SIZE).to.equal(20);
    });

    it('applies the defaults to fields given as undefined', () => {
      expect(rightOf(validatePaging({ pageStartIndex: undefined, pageSize: undefined }))).to.deep.equal({
        pageStartIndex: 0,
        pageSize: 20,
      });
    });

    it('keeps the default of one field when only the other is given', () => {
      expect(rightOf(validatePaging({ pageStartIndex: 40 }))).to.deep.equal({ pageStartIndex: 40, pageSize: 20 });
      expect(rightOf(validatePaging({ pageSize: 5 }))).to.deep.equal({ pageStartIndex: 0, pageSize: 5 });
    });

    it('accepts page sizes from 1 to 100 inclusive', () => {
      expect(MAX_PAGE_SIZE).to.equal(100);
      for (const pageSize of [1, 2, 50, 99, 100]) {
        expect(rightOf(validatePaging({ pageSize }))).to.deep.equal({ pageStartIndex: 0, pageSize });
      }
    });

    it('refuses a page size of 0, below 0 or above 100 as BAD_REQUEST naming pageSize', () => {
      for (const pageSize of [0, -1, 101, 1000]) {
        const error = leftOf(validatePaging({ pageSize }));
        expect(error._tag, `pageSize ${pageSize}`).to.equal('BAD_REQUEST');
        expect(error.message).to.contain('pageSize');
      }
    });

    it('accepts a start index of 0 and any larger integer', () => {
      for (const pageStartIndex of [0, 1, 99, 1_000_000]) {
        expect(rightOf(validatePaging({ pageStartIndex })).pageStartIndex).to.equal(pageStartIndex);
      }
    });

    it('refuses a negative start index as BAD_REQUEST naming pageStartIndex', () => {
      const error = leftOf(validatePaging({ pageStartIndex: -1 }));
      expect(error._tag).to.equal('BAD_REQUEST');
      expect(error.message).to.contain('pageStartIndex');
    });

    it('refuses non-integer values of either field', () => {
      for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(leftOf(validatePaging({ pageStartIndex: bad }))._tag, `start ${bad}`).to.equal('BAD_REQUEST');
        expect(leftOf(validatePaging({ pageSize: bad }))._tag, `size ${bad}`).to.equal('BAD_REQUEST');
      }
    });
  });

  describe('pageOf', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];

    it('cuts the first page and links only to the next one', () => {
      expect(pageOf(five, { pageStartIndex: 0, pageSize: 2 })).to.deep.equal({
        pageStartIndex: 0,
        pageSize: 2,
        items: ['a', 'b'],
        previousPage: null,
        nextPage: { pageStartIndex: 2, pageSize: 2 },
      });
    });

    it('links a middle page both ways', () => {
      expect(pageOf(five, { pageStartIndex: 2, pageSize: 2 })).to.deep.equal({
        pageStartIndex: 2,
        pageSize: 2,
        items: ['c', 'd'],
        previousPage: { pageStartIndex: 0, pageSize: 2 },
        nextPage: { pageStartIndex: 4, pageSize: 2 },
      });
    });

    it('reports the count of a short last page as its pageSize and has no next page', () => {
      expect(pageOf(five, { pageStartIndex: 4, pageSize: 2 })).to.deep.equal({
        pageStartIndex: 4,
        pageSize: 1,
        items: ['e'],
        previousPage: { pageStartIndex: 2, pageSize: 2 },
        nextPage: null,
      });
    });

    it('has no next page when the page ends exactly at the last item', () => {
      const page = pageOf(['a', 'b', 'c', 'd'], { pageStartIndex: 2, pageSize: 2 });
      expect(page.items).to.deep.equal(['c', 'd']);
      expect(page.nextPage).to.equal(null);
    });

    it('has a next page when exactly one item lies beyond the page', () => {
      expect(pageOf(five, { pageStartIndex: 0, pageSize: 4 }).nextPage).to.deep.equal({
        pageStartIndex: 4,
        pageSize: 4,
      });
    });

    it('clamps the previous page at index 0 with the requested size', () => {
      expect(pageOf(five, { pageStartIndex: 1, pageSize: 3 }).previousPage).to.deep.equal({
        pageStartIndex: 0,
        pageSize: 3,
      });
    });

    it('answers an empty list with an empty page of size 0 and no links', () => {
      expect(pageOf([], { pageStartIndex: 0, pageSize: 20 })).to.deep.equal({
        pageStartIndex: 0,
        pageSize: 0,
        items: [],
        previousPage: null,
        nextPage: null,
      });
    });

    it('answers a start beyond the end with an empty page that still links back', () => {
      expect(pageOf(['a', 'b', 'c'], { pageStartIndex: 10, pageSize: 5 })).to.deep.equal({
        pageStartIndex: 10,
        pageSize: 0,
        items: [],
        previousPage: { pageStartIndex: 5, pageSize: 5 },
        nextPage: null,
      });
    });

    it('obeys the spec formulas for any list and any valid paging', () => {
      fc.assert(
        fc.property(
          fc.nat({ max: 300 }),
          fc.nat({ max: 400 }),
          fc.integer({ min: 1, max: MAX_PAGE_SIZE }),
          (length, start, size) => {
            const all = range(length);
            const page = pageOf(all, { pageStartIndex: start, pageSize: size });
            expect(page.pageStartIndex).to.equal(start);
            expect(page.items).to.deep.equal(all.slice(start, start + size));
            expect(page.pageSize).to.equal(page.items.length);
            expect(page.previousPage).to.deep.equal(
              start === 0 ? null : { pageStartIndex: Math.max(0, start - size), pageSize: size },
            );
            expect(page.nextPage).to.deep.equal(
              start + size < length ? { pageStartIndex: start + size, pageSize: size } : null,
            );
          },
        ),
      );
    });

    it('visits every item exactly once, in order, when following nextPage from the start', () => {
      fc.assert(
        fc.property(fc.nat({ max: 300 }), fc.integer({ min: 1, max: MAX_PAGE_SIZE }), (length, size) => {
          const all = range(length);
          const seen: number[] = [];
          let paging: Paging | null = { pageStartIndex: 0, pageSize: size };
          while (paging !== null) {
            const page: Paged<number> = pageOf(all, paging);
            seen.push(...page.items);
            paging = page.nextPage;
          }
          expect(seen).to.deep.equal(all);
        }),
      );
    });
  });

  describe('pageOfListing', () => {
    it('cuts the requested page from a complete list', () => {
      const page = pageOfListing({ _tag: 'Complete', items: ['a', 'b', 'c'] }, { pageStartIndex: 1, pageSize: 1 });
      expect(page).to.deep.equal(pageOf(['a', 'b', 'c'], { pageStartIndex: 1, pageSize: 1 }));
    });

    it('passes a page the backend cut itself on unchanged', () => {
      const backendPage: Paged<string> = {
        pageStartIndex: 40,
        pageSize: 2,
        items: ['x', 'y'],
        previousPage: { pageStartIndex: 20, pageSize: 20 },
        nextPage: null,
      };
      expect(pageOfListing({ _tag: 'Paged', page: backendPage }, { pageStartIndex: 0, pageSize: 5 })).to.equal(
        backendPage,
      );
    });
  });
});
