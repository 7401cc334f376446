import { expect } from 'chai';
import sinon from 'sinon';
import { CachingTokenVerifier } from '../../../src/adapters/auth/caching-token-verifier.js';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { tokenExpired } from '../../../src/domain/errors.js';
import { aConfig } from '../../support/config.js';
import { FakeTokenVerifier } from '../../support/fake-token-verifier.js';
import type { FixedClock } from '../../support/fixed-clock.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { threadAt, userAt } from './tokens-at.js';

const alice = { user: { userId: 'alice', displayName: 'Alice' }, expiresAt: T + 600 };
const bob = { user: { userId: 'bob', displayName: 'Bob' }, expiresAt: T + 600 };
const grant = (threadId: string, expiresAt?: number) =>
  expiresAt === undefined ? { threadId, memberIds: ['alice'] } : { threadId, memberIds: ['alice'], expiresAt };

describe('CachingTokenVerifier', () => {
  let clock: FixedClock;
  let inner: FakeTokenVerifier;

  beforeEach(() => {
    clock = frozenClock();
    inner = new FakeTokenVerifier()
      .withUser('user-a', alice)
      .withUser('user-b', bob)
      .withThread('thread-a', grant('a', T + 600))
      .withThread('thread-b', grant('b', T + 600))
      .withThread('thread-c', grant('c', T + 600))
      .withThread('thread-forever', grant('f'))
      .withServer('server');
  });

  afterEach(() => sinon.restore());

  it('answers a thread token seen before without asking the inner verifier', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    const first = await accepted(cache.verifyThread('thread-a'));
    const second = await accepted(cache.verifyThread('thread-a'));
    expect(second).to.deep.equal(first);
    expect(verifyThread.callCount).to.equal(1);
  });

  it('answers a user token seen before without asking the inner verifier', async () => {
    const verifyUser = sinon.spy(inner, 'verifyUser');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyUser('user-a'));
    expect(await accepted(cache.verifyUser('user-a'))).to.deep.equal(alice);
    expect(verifyUser.callCount).to.equal(1);
  });

  it('hands back the very same answer on every hit (nothing is built per hit)', async () => {
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyThread('thread-a'));
    expect(cache.verifyThread('thread-a')).to.equal(cache.verifyThread('thread-a'));
  });

  it('asks the inner verifier again once the token’s expiry has passed', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyThread('thread-a'));
    clock.set(T + 599);
    await accepted(cache.verifyThread('thread-a'));
    expect(verifyThread.callCount).to.equal(1);
    clock.set(T + 600);
    await accepted(cache.verifyThread('thread-a'));
    expect(verifyThread.callCount).to.equal(2);
  });

  it('lets TOKEN_EXPIRED surface after expiry', async () => {
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyUser('user-a'));
    inner.withRejectedUser('user-a', tokenExpired('the user token has expired'));
    clock.set(T + 600);
    await refused(cache.verifyUser('user-a'), 'TOKEN_EXPIRED');
  });

  it('remembers a thread token without exp until it is pushed out', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyThread('thread-forever'));
    clock.set(T + 10 * 365 * 86_400);
    await accepted(cache.verifyThread('thread-forever'));
    expect(verifyThread.callCount).to.equal(1);
  });

  it('forgets the least recently used token beyond its size', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 2);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b'));
    await accepted(cache.verifyThread('thread-a')); // a is now the most recently used
    await accepted(cache.verifyThread('thread-c')); // pushes b out
    expect(cache.size).to.equal(2);
    expect(verifyThread.callCount).to.equal(3);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-c'));
    expect(verifyThread.callCount).to.equal(3);
    await accepted(cache.verifyThread('thread-b'));
    expect(verifyThread.callCount).to.equal(4);
  });

  it('passes over each used token once, so a cache of only used tokens still makes room (second chance)', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 2);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b'));
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b')); // both used: each gets one pass, then the oldest goes
    await accepted(cache.verifyThread('thread-c'));
    expect(cache.size).to.equal(2);
    expect(verifyThread.callCount).to.equal(3);
    await accepted(cache.verifyThread('thread-b'));
    await accepted(cache.verifyThread('thread-c'));
    expect(verifyThread.callCount).to.equal(3);
    await accepted(cache.verifyThread('thread-a'));
    expect(verifyThread.callCount).to.equal(4);
  });

  it('counts user and thread tokens against the same bound', async () => {
    const cache = new CachingTokenVerifier(inner, clock, 2);
    await accepted(cache.verifyUser('user-a'));
    await accepted(cache.verifyUser('user-b'));
    await accepted(cache.verifyThread('thread-a'));
    expect(cache.size).to.equal(2);
  });

  it('does not remember failures', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const verifyUser = sinon.spy(inner, 'verifyUser');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await refused(cache.verifyThread('unknown'), 'FORBIDDEN');
    await refused(cache.verifyThread('unknown'), 'FORBIDDEN');
    await refused(cache.verifyUser('unknown'), 'UNAUTHORIZED');
    await refused(cache.verifyUser('unknown'), 'UNAUTHORIZED');
    expect(verifyThread.callCount).to.equal(2);
    expect(verifyUser.callCount).to.equal(2);
    expect(cache.size).to.equal(0);
  });

  it('never answers a remembered token as another kind', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyUser('user-a'));
    await refused(cache.verifyThread('user-a'), 'FORBIDDEN');
    expect(verifyThread.callCount).to.equal(1);
  });

  it('does not remember server tokens', async () => {
    const verifyServer = sinon.spy(inner, 'verifyServer');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyServer('server'));
    await accepted(cache.verifyServer('server'));
    expect(verifyServer.callCount).to.equal(2);
    expect(cache.size).to.equal(0);
  });

  it('remembers nothing with size 0', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const verifyUser = sinon.spy(inner, 'verifyUser');
    const cache = new CachingTokenVerifier(inner, clock, 0);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyUser('user-a'));
    await accepted(cache.verifyUser('user-a'));
    expect(verifyThread.callCount).to.equal(2);
    expect(verifyUser.callCount).to.equal(2);
    expect(cache.size).to.equal(0);
  });

  describe('around the real JoseTokenVerifier', () => {
    it('verifies a token once, then answers TOKEN_EXPIRED once it is past exp and the tolerance', async () => {
      const jose = new JoseTokenVerifier(await aConfig(), clock);
      const verifyUser = sinon.spy(jose, 'verifyUser');
      const cache = new CachingTokenVerifier(jose, clock, 10);
      const token = await userAt({}, { exp: T + 60 });
      await accepted(cache.verifyUser(token));
      await accepted(cache.verifyUser(token));
      expect(verifyUser.callCount).to.equal(1);
      clock.set(T + 60 + 10); // past exp, inside the tolerance: still valid, but verified each time
      await accepted(cache.verifyUser(token));
      await accepted(cache.verifyUser(token));
      expect(verifyUser.callCount).to.equal(3);
      clock.set(T + 60 + 30);
      await refused(cache.verifyUser(token), 'TOKEN_EXPIRED', token);
    });

    it('remembers a real thread grant by its token', async () => {
      const jose = new JoseTokenVerifier(await aConfig(), clock);
      const verifyThread = sinon.spy(jose, 'verifyThread');
      const cache = new CachingTokenVerifier(jose, clock, 10);
      const token = await threadAt();
      const first = await accepted(cache.verifyThread(token));
      expect(await accepted(cache.verifyThread(token))).to.deep.equal(first);
      expect(verifyThread.callCount).to.equal(1);
      await refused(cache.verifyUser(token), 'UNAUTHORIZED', token);
    });
  });
});
