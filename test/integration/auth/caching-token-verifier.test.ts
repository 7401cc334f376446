import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import sinon from 'sinon';
import { CachingTokenVerifier } from '../../../src/adapters/auth/caching-token-verifier.js';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import type { TokenVerifier } from '../../../src/application/ports/token-verifier.js';
import { forbidden, tokenExpired, unauthorized, type EcbError } from '../../../src/domain/errors.js';
import type { ThreadGrant } from '../../../src/domain/thread.js';
import type { UserIdentity } from '../../../src/domain/user.js';
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

  it('knows a thread token it verified, at once (knownThread), until its expiry; nothing before that', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 10);
    expect(cache.knownThread('thread-a')).to.equal(undefined);
    const verified = await accepted(cache.verifyThread('thread-a'));
    expect(cache.knownThread('thread-a')).to.equal(verified);
    clock.set(T + 599);
    expect(cache.knownThread('thread-a')).to.deep.equal(grant('a', T + 600));
    clock.set(T + 600);
    expect(cache.knownThread('thread-a')).to.equal(undefined);
    expect(cache.size).to.equal(0);
    expect(verifyThread.callCount).to.equal(1);
  });

  it('knows no thread in a user token, a failed token or a cache of size 0', async () => {
    const cache = new CachingTokenVerifier(inner, clock, 10);
    await accepted(cache.verifyUser('user-a'));
    expect(cache.knownThread('user-a')).to.equal(undefined);
    await refused(cache.verifyThread('nobody'), 'FORBIDDEN');
    expect(cache.knownThread('nobody')).to.equal(undefined);
    const none = new CachingTokenVerifier(inner, clock, 0);
    await accepted(none.verifyThread('thread-a'));
    expect(none.knownThread('thread-a')).to.equal(undefined);
  });

  it('counts knownThread as a use: a token known that way gets its second chance', async () => {
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 2);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b'));
    expect(cache.knownThread('thread-a')).to.not.equal(undefined);
    await accepted(cache.verifyThread('thread-c')); // pushes b out, a having been used
    expect(cache.knownThread('thread-a')).to.not.equal(undefined);
    expect(cache.knownThread('thread-b')).to.equal(undefined);
    expect(verifyThread.callCount).to.equal(3);
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

  it('takes the slot an expired token freed, so that no remembered token is pushed out while there is room', async () => {
    inner.withThread('thread-short', grant('s', T + 10));
    const verifyThread = sinon.spy(inner, 'verifyThread');
    const cache = new CachingTokenVerifier(inner, clock, 3);
    await accepted(cache.verifyThread('thread-short'));
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b'));
    clock.set(T + 10);
    await accepted(cache.verifyThread('thread-short')); // expired: dropped, asked again, not remembered (past its exp)
    expect(cache.size).to.equal(2);
    await accepted(cache.verifyThread('thread-c'));
    expect(cache.size).to.equal(3);
    expect(verifyThread.callCount).to.equal(5);
    await accepted(cache.verifyThread('thread-a'));
    await accepted(cache.verifyThread('thread-b'));
    await accepted(cache.verifyThread('thread-c'));
    expect(verifyThread.callCount).to.equal(5);
  });

  describe('on any sequence of calls (property-based)', () => {
    /** Tokens tok-0… of either kind, each valid until its own offset from T (or forever), counting the inner's calls. */
    interface Token {
      readonly kind: 'user' | 'thread';
      readonly expiresIn: number | undefined;
    }
    /** A verification, made `twice` at once (two requests with the same new token) or once; or the clock moving on. */
    type Step =
      | { readonly op: 'verify'; readonly token: number; readonly as: 'user' | 'thread'; readonly twice: boolean }
      | { readonly op: 'tick'; readonly seconds: number };

    const countingInner = (tokens: readonly Token[], calls: number[]): TokenVerifier => {
      const find = (credential: string, kind: Token['kind']): { index: number; token: Token } | undefined => {
        const index = Number(credential.slice('tok-'.length));
        const token = tokens[index];
        return token?.kind === kind ? { index, token } : undefined;
      };
      return {
        verifyUser: (credential) => {
          const found = find(credential, 'user');
          if (found === undefined) return TE.left(unauthorized('invalid user token'));
          calls[found.index]!++;
          return TE.right({ user: { userId: credential, displayName: credential }, expiresAt: T + (found.token.expiresIn ?? 86_400) });
        },
        verifyThread: (credential) => {
          const found = find(credential, 'thread');
          if (found === undefined) return TE.left(forbidden('invalid thread token'));
          calls[found.index]!++;
          const expiresIn = found.token.expiresIn;
          return TE.right(expiresIn === undefined ? { threadId: credential, memberIds: [] } : { threadId: credential, memberIds: [], expiresAt: T + expiresIn });
        },
        verifyServer: () => TE.left(unauthorized('no server tokens here')),
      };
    };

    const tokenArb = fc.record({ kind: fc.constantFrom('user' as const, 'thread' as const), expiresIn: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) });
    const stepsArb = (tokenCount: number) =>
      fc.array(
        fc.oneof(
          { weight: 6, arbitrary: fc.record({
              op: fc.constant('verify' as const),
              token: fc.nat(tokenCount - 1),
              as: fc.constantFrom('user' as const, 'thread' as const),
              twice: fc.boolean(),
            }) },
          { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 20 }) }) },
        ),
        { maxLength: 200 },
      );

    const verifyOnce = (cache: TokenVerifier, step: Extract<Step, { op: 'verify' }>): Promise<E.Either<EcbError, UserIdentity | ThreadGrant>> =>
      step.as === 'user' ? cache.verifyUser(`tok-${step.token}`)() : cache.verifyThread(`tok-${step.token}`)();
    /** The step's verification; made twice, both calls start before either settles, and the first one's outcome is returned. */
    const verify = async (cache: TokenVerifier, step: Extract<Step, { op: 'verify' }>): Promise<E.Either<EcbError, UserIdentity | ThreadGrant>> => {
      if (!step.twice) return verifyOnce(cache, step);
      const [first, second] = await Promise.all([verifyOnce(cache, step), verifyOnce(cache, step)]);
      expect(second).to.deep.equal(first);
      return first;
    };

    /** Tokens, and a sequence of steps over them (one property run). */
    const scenarioArb = (maxTokens: number) =>
      fc
        .array(tokenArb, { minLength: 1, maxLength: maxTokens })
        .chain((tokens) => fc.record({ tokens: fc.constant(tokens), steps: stepsArb(tokens.length) }));

    /**
     * Plays `steps` against a cache of `size` entries in front of a counting
     * inner verifier (`calls` per token): a tick moves the clock, every
     * verification step goes to `onVerify`.
     */
    const play = async (
      tokens: readonly Token[],
      size: number,
      steps: readonly Step[],
      onVerify: (step: Extract<Step, { op: 'verify' }>, world: { cache: CachingTokenVerifier; calls: number[]; clock: FixedClock }) => Promise<void>,
    ): Promise<void> => {
      const clock = frozenClock();
      const calls = tokens.map(() => 0);
      const world = { clock, calls, cache: new CachingTokenVerifier(countingInner(tokens, calls), clock, size) };
      for (const step of steps) {
        if (step.op === 'tick') world.clock.advance(step.seconds);
        else await onVerify(step, world);
      }
    };

    it('answers exactly as the inner verifier would, and never holds more than its size', async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb(12), fc.integer({ min: 1, max: 6 }), async ({ tokens, steps }, size) => {
          const reference = countingInner(tokens, tokens.map(() => 0));
          await play(tokens, size, steps, async (step, { cache, calls, clock }) => {
            const credential = `tok-${step.token}`;
            // a thread the cache knows at once is the inner verifier's very answer
            const known = step.as === 'thread' ? cache.knownThread(credential) : undefined;
            if (known !== undefined) expect(E.right(known)).to.deep.equal(await reference.verifyThread(credential)());
            const got = await verify(cache, step);
            const expected = await verifyOnce(reference, step);
            expect(E.isRight(got)).to.equal(E.isRight(expected));
            if (E.isRight(got) && E.isRight(expected)) {
              expect(got.right).to.deep.equal(expected.right);
              const live = clock.nowSeconds() < (got.right.expiresAt ?? Number.POSITIVE_INFINITY);
              const before = calls[step.token];
              await verifyOnce(cache, step); // just remembered, unless already past its expiry: a hit
              expect(calls[step.token]).to.equal(live ? before : before! + 1);
              if (step.as === 'thread') expect(cache.knownThread(credential)).to.deep.equal(live ? got.right : undefined);
            }
            expect(cache.size).to.be.at.most(size);
          });
        }),
        { numRuns: 500 },
      );
    });

    it('asks again only for a token past its expiry while every token fits', async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb(8), fc.integer({ min: 0, max: 4 }), async ({ tokens, steps }, spare) => {
          const remembered = tokens.map(() => false);
          await play(tokens, tokens.length + spare, steps, async (step, { cache, calls, clock }) => {
            const token = tokens[step.token]!;
            if (token.kind !== step.as) {
              await verify(cache, step);
              return;
            }
            const expired = token.expiresIn !== undefined && clock.nowSeconds() >= T + token.expiresIn;
            const asks = !remembered[step.token] || expired;
            const before = calls[step.token]!;
            await verify(cache, step);
            expect(calls[step.token], `tok-${step.token}`).to.equal(before + (asks ? (step.twice ? 2 : 1) : 0));
            remembered[step.token] = !expired;
          });
        }),
        { numRuns: 500 },
      );
    });
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
