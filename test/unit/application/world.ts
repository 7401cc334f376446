import type * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Actor } from '../../../src/application/actor.js';
import type { ChatPolicy } from '../../../src/application/chat-policy.js';
import type { EcbError } from '../../../src/domain/errors.js';
import { aCaller, aUser, anActor, anIdentity } from '../../support/builders.js';
import { FakeTokenVerifier } from '../../support/fake-token-verifier.js';
import { FixedClock } from '../../support/fixed-clock.js';
import { InMemoryBackendGateway, type InMemoryBackendOptions } from '../../support/in-memory-backend-gateway.js';
import { RecordingPushChannel } from '../../support/recording-push-channel.js';

export const DEFAULT_POLICY: ChatPolicy = { blockNonMembers: true, maxMessageBytes: 1024 };

/**
 * Everything a use-case talks to, faked in memory and wired together: the
 * backend issues thread tokens that the token verifier then accepts, with
 * the members the backend stored, just as a real backend's signed tokens
 * verify with ECB's public key.
 */
export interface World {
  readonly tokens: FakeTokenVerifier;
  readonly backend: InMemoryBackendGateway;
  readonly push: RecordingPushChannel;
  readonly clock: FixedClock;
  readonly policy: ChatPolicy;
  /** Known users, each acting over their own live connection `<userId>-socket`. */
  readonly alice: Actor;
  readonly bob: Actor;
  readonly carol: Actor;
}

const actorFor = (userId: string, displayName: string): Actor =>
  anActor({
    caller: aCaller({ user: aUser({ userId, displayName }), credential: `user-token:${userId}`, requestId: `req-${userId}` }),
    subscriber: `${userId}-socket`,
  });

export const aWorld = (
  policy: Partial<ChatPolicy> = {},
  backendOptions: InMemoryBackendOptions = {},
  makeBackend: (options: InMemoryBackendOptions) => InMemoryBackendGateway = (o) => new InMemoryBackendGateway(o),
): World => {
  const tokens = new FakeTokenVerifier();
  const clock = new FixedClock(1_700_000_000);
  const backend = makeBackend({
    now: () => clock.nowSeconds(),
    signThread: (threadId, memberIds) => {
      const token = `thread-token:${threadId}`;
      tokens.withThread(token, { threadId, memberIds: [...memberIds] });
      return Promise.resolve(token);
    },
    signUser: (user) => {
      const token = `user-token:${user.userId}`;
      tokens.withUser(token, anIdentity({ user }));
      return Promise.resolve(token);
    },
    ...backendOptions,
  });
  const world: World = {
    tokens,
    backend,
    push: new RecordingPushChannel(),
    clock,
    policy: { ...DEFAULT_POLICY, ...policy },
    alice: actorFor('alice', 'Alice'),
    bob: actorFor('bob', 'Bob'),
    carol: actorFor('carol', 'Carol'),
  };
  for (const actor of [world.alice, world.bob, world.carol]) {
    backend.addUser(actor.caller.user, { credential: actor.caller.credential });
  }
  return world;
};

/** Runs a use-case's task to its outcome. */
export const run = <A>(task: TE.TaskEither<EcbError, A>): Promise<E.Either<EcbError, A>> => task();

/** The backend operations that were called, by name. */
export const operationsCalled = (world: World): string[] => world.backend.calls.map((call) => call.operation);
