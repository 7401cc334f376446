import { expect } from 'chai';
import { memberIdsOf, requireMembership, requireThread } from '../../../src/domain/thread.js';
import { userReference } from '../../../src/domain/user.js';
import { aGrant, aThread, aUser } from '../../support/builders.js';
import { leftOf, rightOf } from './expect-either.js';

describe('membership rules', () => {
  describe('requireMembership', () => {
    it('lets a member of the grant through with the grant unchanged', () => {
      const grant = aGrant({ memberIds: ['alice', 'bob'] });
      expect(rightOf(requireMembership('bob')(grant))).to.equal(grant);
    });

    it('refuses a user outside the grant as FORBIDDEN', () => {
      expect(leftOf(requireMembership('mallory')(aGrant({ memberIds: ['alice', 'bob'] })))._tag).to.equal('FORBIDDEN');
    });

    it('matches user ids exactly, not by prefix or case', () => {
      const grant = aGrant({ memberIds: ['alice'] });
      for (const userId of ['Alice', 'alic', 'alice ', '']) {
        expect(leftOf(requireMembership(userId)(grant))._tag, userId).to.equal('FORBIDDEN');
      }
    });

    it('refuses everyone when the grant has no members', () => {
      expect(leftOf(requireMembership('alice')(aGrant({ memberIds: [] })))._tag).to.equal('FORBIDDEN');
    });
  });

  describe('requireThread', () => {
    it('lets a grant for the addressed thread through', () => {
      const grant = aGrant({ threadId: 't-1' });
      expect(rightOf(requireThread('t-1')(grant))).to.equal(grant);
    });

    it('refuses a grant for another thread as FORBIDDEN', () => {
      expect(leftOf(requireThread('t-2')(aGrant({ threadId: 't-1' })))._tag).to.equal('FORBIDDEN');
    });
  });

  describe('memberIdsOf', () => {
    it('lists the user ids of the thread members in order', () => {
      const thread = aThread({ members: [{ userId: 'c' }, { userId: 'a', displayName: 'A' }] });
      expect(memberIdsOf(thread)).to.deep.equal(['c', 'a']);
    });
  });

  describe('userReference', () => {
    it('carries only userId and displayName to the backend, never extra data', () => {
      expect(userReference(aUser({ userId: 'u', displayName: 'U', data: { secret: 1 } }))).to.deep.equal({
        userId: 'u',
        displayName: 'U',
      });
    });
  });
});
