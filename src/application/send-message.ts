import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { backendError, type EcbError } from '../domain/errors.js';
import { isTyping, storedMessage, validateOutgoingMessage } from '../domain/message.js';
import { memberIdsOf, type ThreadAndMessages, type ThreadGrant } from '../domain/thread.js';
import type { Actor } from './actor.js';
import { checkThreadAccess } from './authorize-thread.js';
import type { ChatPolicy } from './chat-policy.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { Clock } from './ports/clock.js';
import type { PushChannel } from './ports/push-channel.js';
import type { TokenVerifier } from './ports/token-verifier.js';
import { RecentDeliveries } from './recent-deliveries.js';
import type { SendMessageRequest } from './requests.js';

export interface SendMessageInput extends SendMessageRequest {
  /** The thread the transport addressed, when it names one (REST paths do). */
  readonly threadId?: string | undefined;
}

/** A stored message with its refreshed thread, or nothing for a typing signal. */
export type SendMessageResult = ThreadAndMessages | Record<string, never>;

/**
 * Sends a message to a thread. A `typing` signal is only pushed, never
 * stored. Any other message is stored by the backend first; only then is it
 * pushed to the thread's other connections, and the refreshed thread to
 * every member's connections. A typing signal from a user the thread token
 * does not list (block-non-members off) is pushed only once the backend has
 * let that user read the thread (ECB-SPEC §3: "the backend decides"; a
 * signal has no write of its own to ask with).
 */
export class SendMessage {
  private readonly validate: ReturnType<typeof validateOutgoingMessage>;
  /** Sends with a clientMessageId already pushed: a retry's answer is not pushed again. */
  private readonly delivered = new RecentDeliveries();

  constructor(
    private readonly tokens: TokenVerifier,
    private readonly backend: BackendGateway,
    private readonly push: PushChannel,
    private readonly policy: ChatPolicy,
    private readonly clock: Clock,
  ) {
    this.validate = validateOutgoingMessage(policy.maxMessageBytes, policy.maxMessageDepth);
  }

  // the hot path of ECB: one async frame per message, alive while the backend answers (the task
  // only calls the method, so it holds nothing itself); plain awaits rather than a pipe of chains,
  // each of which costs a promise hop, and the thread token's verification awaited here rather
  // than in authorizeThread's own async frame (the same checks: checkThreadAccess), and only when
  // the verifier does not know the token already (knownThread): then the backend call starts in
  // the tick the event arrived in
  execute(actor: Actor, input: SendMessageInput): TE.TaskEither<EcbError, SendMessageResult> {
    return () => this.send(actor, input);
  }

  private async send(actor: Actor, input: SendMessageInput): Promise<E.Either<EcbError, SendMessageResult>> {
    const valid = this.validate(input.message);
    if (E.isLeft(valid)) return valid;
    const access = { userId: actor.caller.user.userId, threadToken: input.threadToken, threadId: input.threadId };
    // a token verified before is answered at once: no promise to wait for (nearly every message)
    const known = this.tokens.knownThread?.(input.threadToken);
    const verified = known !== undefined ? E.right(known) : await this.tokens.verifyThread(input.threadToken)();
    const grant = checkThreadAccess(this.policy, access, verified);
    if (E.isLeft(grant)) return grant;
    if (isTyping(valid.right)) {
      if (!grant.right.memberIds.includes(access.userId)) {
        const allowed = await this.backend.getThread(actor.caller, { threadId: grant.right.threadId, since: this.clock.nowSeconds() })();
        if (E.isLeft(allowed)) return allowed;
      }
      return this.signalTyping(actor, grant.right, input);
    }
    const answer = await this.backend.addThreadMessage(actor.caller, {
      threadId: grant.right.threadId,
      message: valid.right,
      clientMessageId: input.clientMessageId,
    })();
    return E.isLeft(answer) ? answer : this.stored(actor, answer.right, input.clientMessageId !== undefined);
  }

  private signalTyping(actor: Actor, grant: ThreadGrant, input: SendMessageInput): E.Either<EcbError, Record<string, never>> {
    const typing = { userId: actor.caller.user.userId, isTyping: input.message.data === true };
    this.push.pushTyping(grant.threadId, typing, actor.subscriber);
    return E.right({});
  }

  /** The backend stored it: push it (unless this node pushed it before: a retry), and answer with it. */
  private stored(actor: Actor, answer: ThreadAndMessages, mayBeRetry: boolean): E.Either<EcbError, ThreadAndMessages> {
    const stored = storedMessage(answer.messages);
    if (stored === undefined) return E.left(backendError('the backend answered a stored message with no message'));
    const sent = { thread: answer.thread, messages: [stored] };
    if (!mayBeRetry || this.delivered.firstTime(answer.thread.threadId, stored.messageId)) this.deliver(actor, sent);
    return E.right(sent);
  }

  private deliver(actor: Actor, sent: ThreadAndMessages): void {
    const threadId = sent.thread.threadId;
    for (const message of sent.messages) this.push.pushMessage(threadId, message, actor.subscriber);
    this.push.pushThread(memberIdsOf(sent.thread), sent.thread);
  }
}
