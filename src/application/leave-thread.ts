import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import type { Actor } from './actor.js';
import type { PushChannel } from './ports/push-channel.js';
import type { TokenVerifier } from './ports/token-verifier.js';

/**
 * Stops a connection's pushes for a thread. Only the token's validity is
 * checked: leaving needs no membership, and the backend is not involved.
 */
export class LeaveThread {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly push: PushChannel,
  ) {}

  execute(actor: Actor, request: { readonly threadToken: string }): TE.TaskEither<EcbError, Record<string, never>> {
    return pipe(
      this.tokens.verifyThread(request.threadToken),
      TE.chainFirstTaskK((grant) => () => this.unsubscribe(actor, grant.threadId)),
      TE.map(() => ({})),
    );
  }

  private async unsubscribe(actor: Actor, threadId: string): Promise<void> {
    if (actor.subscriber !== undefined) await this.push.unsubscribe(actor.subscriber, threadId);
  }
}
