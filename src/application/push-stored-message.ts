import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { badRequest, type EcbError } from '../domain/errors.js';
import type { ThreadMessage } from '../domain/message.js';
import { memberIdsOf, type Thread } from '../domain/thread.js';
import type { PushChannel } from './ports/push-channel.js';

export interface StoredMessagePush {
  readonly threadId: string;
  readonly message: ThreadMessage;
  readonly thread?: Thread | undefined;
}

/**
 * The backend stored a message on its own (a bot, an import, another
 * channel) and asks ECB to deliver it like a sent one. Unlike a client's
 * send, it succeeds only once the push has been handed to every node
 * (ECB-SPEC §5): the backend has no other way to learn that its push went
 * nowhere beyond this node, and retries a BACKEND_UNAVAILABLE.
 */
export class PushStoredMessage {
  constructor(private readonly push: PushChannel) {}

  execute(request: StoredMessagePush): TE.TaskEither<EcbError, void> {
    return pipe(
      TE.right<EcbError, StoredMessagePush>(request),
      TE.filterOrElse(
        ({ threadId, thread }) => thread === undefined || thread.threadId === threadId,
        () => badRequest('thread.threadId must be the threadId of the path'),
      ),
      TE.tapIO(({ threadId, message, thread }) => () => {
        this.push.pushMessage(threadId, message);
        if (thread !== undefined) this.push.pushThread(memberIdsOf(thread), thread);
      }),
      TE.chain(() => this.push.handOver()),
    );
  }
}
