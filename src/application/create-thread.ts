import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as E from 'fp-ts/lib/Either.js';
import { badRequest, type EcbError } from '../domain/errors.js';
import { isTyping, validateOutgoingMessage } from '../domain/message.js';
import { memberIdsOf, type ThreadAndMessages } from '../domain/thread.js';
import type { Actor } from './actor.js';
import type { ChatPolicy } from './chat-policy.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { PushChannel } from './ports/push-channel.js';
import type { CreateThreadRequest } from './requests.js';

/**
 * Creates a thread with a first message through the backend, subscribes the
 * creating connection to it, and tells every member's connections about it.
 */
export class CreateThread {
  constructor(
    private readonly backend: BackendGateway,
    private readonly push: PushChannel,
    private readonly policy: ChatPolicy,
  ) {}

  execute(actor: Actor, request: CreateThreadRequest): TE.TaskEither<EcbError, ThreadAndMessages> {
    return pipe(
      TE.fromEither(this.validate(request)),
      TE.chain((valid) => this.backend.createThread(actor.caller, valid)),
      TE.chainFirstTaskK((created) => () => this.subscribeCreator(actor, created)),
      TE.tapIO((created) => () => this.announce(created)),
    );
  }

  private validate(request: CreateThreadRequest): E.Either<EcbError, CreateThreadRequest> {
    if (isTyping(request.message)) {
      return E.left(badRequest('a thread cannot start with a "typing" message'));
    }
    return pipe(
      validateOutgoingMessage(this.policy.maxMessageBytes, this.policy.maxMessageDepth)(request.message),
      E.map((message) => ({ ...request, message })),
    );
  }

  private async subscribeCreator(actor: Actor, created: ThreadAndMessages): Promise<void> {
    if (actor.subscriber !== undefined) {
      await this.push.subscribe(actor.subscriber, created.thread.threadId);
    }
  }

  private announce(created: ThreadAndMessages): void {
    this.push.pushThread(memberIdsOf(created.thread), created.thread);
  }
}
