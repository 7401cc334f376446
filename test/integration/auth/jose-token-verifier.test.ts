import { expect } from 'chai';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { aConfig } from '../../support/config.js';
import { testKeys, userToken } from '../../support/keys.js';
import { rawSigned } from './forge.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { serverAt, threadAt, tokenAt, userAt } from './tokens-at.js';

describe('JoseTokenVerifier: token kinds and claims', () => {
  let verifier: JoseTokenVerifier;

  beforeEach(async () => {
    verifier = new JoseTokenVerifier(await aConfig(), frozenClock());
  });

  describe('valid tokens', () => {
    it('accepts a user token and proves its user until exp', async () => {
      const identity = await accepted(verifier.verifyUser(await userAt({}, { exp: T + 600 })));
      expect(identity).to.deep.equal({ user: { userId: 'alice', displayName: 'Alice' }, expiresAt: T + 600 });
    });

    it("gives a user token without displayName its userId as displayName", async () => {
      const identity = await accepted(verifier.verifyUser(await tokenAt({ userId: 'bob' })));
      expect(identity.user).to.deep.equal({ userId: 'bob', displayName: 'bob' });
    });

    it('passes a user token’s data through', async () => {
      const data = { avatar: 'a.png', tags: ['x'], nested: { n: 1 } };
      const identity = await accepted(verifier.verifyUser(await userAt({ data })));
      expect(identity.user.data).to.deep.equal(data);
    });

    it('keeps a null data claim as null', async () => {
      const identity = await accepted(verifier.verifyUser(await userAt({ data: null })));
      expect(identity.user).to.have.property('data', null);
    });

    it('accepts a thread token and grants its thread to its members until exp', async () => {
      const grant = await accepted(verifier.verifyThread(await threadAt({}, { exp: T + 60 })));
      expect(grant).to.deep.equal({ threadId: 'thread-1', memberIds: ['alice', 'bob'], expiresAt: T + 60 });
    });

    it('accepts a thread token without exp, granting without an expiry', async () => {
      const grant = await accepted(verifier.verifyThread(await threadAt({}, { exp: null })));
      expect(grant).to.deep.equal({ threadId: 'thread-1', memberIds: ['alice', 'bob'] });
    });

    it('accepts a server token', async () => {
      await accepted(verifier.verifyServer(await serverAt()));
    });

    it('verifies against the real time with a real clock', async () => {
      const real = new JoseTokenVerifier(await aConfig(), { nowSeconds: () => Date.now() / 1000 });
      const identity = await accepted(real.verifyUser(await userToken('carol', 'Carol')));
      expect(identity.user).to.deep.equal({ userId: 'carol', displayName: 'Carol' });
    });
  });

  describe('a token of one kind is never accepted as another', () => {
    it('refuses a thread token as a user token', async () => {
      const token = await threadAt();
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('refuses a server token as a user token', async () => {
      const token = await serverAt();
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('refuses a user token as a thread token', async () => {
      const token = await userAt();
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });

    it('refuses a server token as a thread token', async () => {
      const token = await serverAt();
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });

    it('refuses a user token as a server token', async () => {
      const token = await userAt({}, { exp: T + 60 });
      await refused(verifier.verifyServer(token), 'UNAUTHORIZED', token);
    });

    it('refuses a thread token as a server token', async () => {
      const token = await threadAt({}, { exp: T + 60 });
      await refused(verifier.verifyServer(token), 'UNAUTHORIZED', token);
    });

    it('refuses a user token that also carries threadId, as either kind', async () => {
      const token = await userAt({ threadId: 'thread-1' });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });

    it('refuses a token with userId, threadId and memberIds, as either kind', async () => {
      const token = await userAt({ threadId: 'thread-1', memberIds: ['alice'] });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });

    it('refuses a user token that carries memberIds', async () => {
      await refused(verifier.verifyUser(await userAt({ memberIds: ['alice'] })), 'UNAUTHORIZED');
    });

    it('refuses a user token that carries role "server", as user and as server', async () => {
      const token = await userAt({ role: 'server' }, { exp: T + 60 });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(verifier.verifyServer(token), 'UNAUTHORIZED', token);
    });

    it('refuses a user token that carries any role', async () => {
      await refused(verifier.verifyUser(await userAt({ role: 'admin' })), 'UNAUTHORIZED');
    });

    it('counts a foreign claim as present even when it is null', async () => {
      await refused(verifier.verifyUser(await userAt({ threadId: null })), 'UNAUTHORIZED');
    });

    it('refuses a thread token that carries role', async () => {
      await refused(verifier.verifyThread(await threadAt({ role: 'server' })), 'FORBIDDEN');
    });

    it('refuses a server token that carries threadId or userId', async () => {
      await refused(verifier.verifyServer(await serverAt({ threadId: 'thread-1' })), 'UNAUTHORIZED');
      await refused(verifier.verifyServer(await serverAt({ userId: 'alice' })), 'UNAUTHORIZED');
    });

    it('refuses a role other than exactly "server"', async () => {
      await refused(verifier.verifyServer(await tokenAt({ role: 'Server' }, { exp: T + 60 })), 'UNAUTHORIZED');
      await refused(verifier.verifyServer(await tokenAt({ role: 'admin' }, { exp: T + 60 })), 'UNAUTHORIZED');
    });
  });

  describe('claim shapes', () => {
    it('refuses a user token whose userId is not a non-empty string', async () => {
      await refused(verifier.verifyUser(await tokenAt({ userId: 42 })), 'UNAUTHORIZED');
      await refused(verifier.verifyUser(await tokenAt({ userId: '' })), 'UNAUTHORIZED');
      await refused(verifier.verifyUser(await tokenAt({ userId: ['alice'] })), 'UNAUTHORIZED');
    });

    it('refuses a user token whose displayName is not a string', async () => {
      await refused(verifier.verifyUser(await userAt({ displayName: 7 })), 'UNAUTHORIZED');
    });

    it('refuses a thread token whose memberIds is not a string array', async () => {
      await refused(verifier.verifyThread(await threadAt({ memberIds: 'alice' })), 'FORBIDDEN');
      await refused(verifier.verifyThread(await threadAt({ memberIds: ['alice', 3] })), 'FORBIDDEN');
    });

    it('refuses a thread token without memberIds or threadId', async () => {
      await refused(verifier.verifyThread(await tokenAt({ threadId: 'thread-1' })), 'FORBIDDEN');
      await refused(verifier.verifyThread(await tokenAt({ memberIds: ['alice'] })), 'FORBIDDEN');
    });

    it('refuses an exp that is not a number', async () => {
      await refused(verifier.verifyUser(await tokenAt({ userId: 'alice', exp: String(T + 60) }, { exp: null })), 'UNAUTHORIZED');
    });

    it('refuses an exp of 1e999 (Infinity once parsed) instead of treating it as never expiring', async () => {
      const { privatePem } = await testKeys();
      const token = rawSigned({ alg: 'RS256' }, `{"userId":"alice","exp":1e999}`, privatePem);
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      const thread = rawSigned({ alg: 'RS256' }, `{"threadId":"t","memberIds":[],"exp":1e999}`, privatePem);
      await refused(verifier.verifyThread(thread), 'FORBIDDEN', thread);
    });
  });

  describe('__proto__ and constructor keys', () => {
    it('builds a fresh user and ignores __proto__ and constructor claims', async () => {
      const { privatePem } = await testKeys();
      const payload =
        `{"userId":"alice","exp":${T + 60},` +
        `"__proto__":{"userId":"mallory","isAdmin":true},"constructor":{"prototype":{"polluted":true}}}`;
      const identity = await accepted(verifier.verifyUser(rawSigned({ alg: 'RS256' }, payload, privatePem)));
      expect(identity.user).to.deep.equal({ userId: 'alice', displayName: 'alice' });
      expect(Object.getPrototypeOf(identity.user)).to.equal(Object.prototype);
      expect(Object.keys(identity.user)).to.deep.equal(['userId', 'displayName']);
      expect(({} as Record<string, unknown>)['isAdmin']).to.equal(undefined);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('never takes a claim from a __proto__ key', async () => {
      const { privatePem } = await testKeys();
      const token = rawSigned({ alg: 'RS256' }, `{"__proto__":{"userId":"mallory"},"exp":${T + 60}}`, privatePem);
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('never takes memberIds from a __proto__ key', async () => {
      const { privatePem } = await testKeys();
      const token = rawSigned({ alg: 'RS256' }, `{"threadId":"t","__proto__":{"memberIds":["mallory"]}}`, privatePem);
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });
  });
});
