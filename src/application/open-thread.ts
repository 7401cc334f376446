import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError, ErrorCode } from '../domain/errors.js';
import { messagesSince } from '../domain/message.js';
import type { ThreadAndMessages } from '../domain/thread.js';
import type { Actor } from './actor.js';
import { authorizeThread } from './authorize-thread.js';
import type { ChatPolicy } from './chat-policy.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { PushChannel } from './ports/push-channel.js';
import type { TokenVerifier } from './ports/token-verifier.js';

export interface OpenThreadRequest {
  readonly threadToken: string;
  readonly threadId?: string | undefined;
  /** Only messages with a later creationTime. */
  readonly since?: number | null | undefined;
}

/**
 * The backend's answers that refuse this caller the thread (rather than fail
 * to answer): after one, the connection must not receive the thread's pushes,
 * whatever the thread token lists.
 */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

/**
 * Reads a thread and its messages (only those after `since`, when given) and
 * subscribes the connection to it; once it succeeds, the connection receives
 * every later push of the thread. A member listed in the thread token is
 * subscribed before the read (nothing stored in between is missed), and
 * stays subscribed if the read fails for want of an answer (the backend
 * down: the client retries); anyone else only after the backend agreed.
 * When the backend refuses the caller (FORBIDDEN, NOT_FOUND, UNAUTHORIZED),
 * the connection is unsubscribed, even from an earlier `getThread`: the
 * backend's word is newer than the token's member list.
 */
export class OpenThread {
  private readonly authorize: ReturnType<typeof authorizeThread>;

  constructor(
    tokens: TokenVerifier,
    private readonly backend: BackendGateway,
    private readonly push: PushChannel,
    policy: ChatPolicy,
  ) {
    this.authorize = authorizeThread(tokens, policy);
  }

  execute(actor: Actor, request: OpenThreadRequest): TE.TaskEither<EcbError, ThreadAndMessages> {
    const since = request.since ?? undefined;
    const userId = actor.caller.user.userId;
    return pipe(
      this.authorize({ userId, ...request }),
      TE.chain((grant) => {
        // A member the token lists is subscribed before the read, so that a
        // message stored meanwhile is pushed rather than missed. Anyone else
        // (block-non-members off) only once the backend has said yes.
        const listed = grant.memberIds.includes(userId);
        return pipe(
          listed ? TE.fromTask(() => this.subscribe(actor, grant.threadId)) : TE.right(undefined),
          TE.chain(() => this.backend.getThread(actor.caller, { threadId: grant.threadId, since })),
          TE.chainFirstTaskK(() => () => (listed ? Promise.resolve() : this.subscribe(actor, grant.threadId))),
          TE.orElseFirstTaskK((error) => () => (REFUSALS.has(error._tag) ? this.unsubscribe(actor, grant.threadId) : Promise.resolve())),
        );
      }),
      TE.map(({ thread, messages }) => ({ thread, messages: messagesSince(messages, since) })),
    );
  }

  private async subscribe(actor: Actor, threadId: string): Promise<void> {
    if (actor.subscriber !== undefined) await this.push.subscribe(actor.subscriber, threadId);
  }

  private async unsubscribe(actor: Actor, threadId: string): Promise<void> {
    if (actor.subscriber !== undefined) await this.push.unsubscribe(actor.subscriber, threadId);
  }
}
