import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../../src/domain/errors.js';
import type { ThreadMessage } from '../../src/domain/message.js';
import type { Thread } from '../../src/domain/thread.js';
import type { PushChannel, SubscriberId } from '../../src/application/ports/push-channel.js';

export interface RecordedMessagePush {
  readonly threadId: string;
  readonly message: ThreadMessage;
  readonly except: SubscriberId | undefined;
}

export interface RecordedTypingPush {
  readonly threadId: string;
  readonly userId: string;
  readonly isTyping: boolean;
  readonly except: SubscriberId | undefined;
}

export interface RecordedThreadPush {
  readonly userIds: readonly string[];
  readonly thread: Thread;
}

/**
 * A PushChannel that delivers nothing and remembers everything: which
 * subscriber follows which thread, and every push, so use-case tests can
 * assert what reached whom.
 */
export class RecordingPushChannel implements PushChannel {
  readonly messages: RecordedMessagePush[] = [];
  readonly typing: RecordedTypingPush[] = [];
  readonly threads: RecordedThreadPush[] = [];
  /** The users whose disconnect was handed over successfully. */
  readonly disconnects: string[] = [];
  /** How many pushes (messages, typing, threads) each successful `handOver` confirmed, in order. */
  readonly handOvers: number[] = [];
  private readonly subscriptions = new Map<SubscriberId, Set<string>>();
  private disconnectFailure: EcbError | undefined;
  private handOverFailure: EcbError | undefined;

  subscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    const threads = this.subscriptions.get(subscriber) ?? new Set<string>();
    threads.add(threadId);
    this.subscriptions.set(subscriber, threads);
    return Promise.resolve();
  }

  unsubscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    this.subscriptions.get(subscriber)?.delete(threadId);
    return Promise.resolve();
  }

  pushMessage(threadId: string, message: ThreadMessage, except?: SubscriberId): void {
    this.messages.push({ threadId, message, except });
  }

  pushTyping(
    threadId: string,
    typing: { readonly userId: string; readonly isTyping: boolean },
    except?: SubscriberId,
  ): void {
    this.typing.push({ threadId, userId: typing.userId, isTyping: typing.isTyping, except });
  }

  pushThread(userIds: readonly string[], thread: Thread): void {
    this.threads.push({ userIds: [...userIds], thread });
  }

  disconnectUser(userId: string): TE.TaskEither<EcbError, void> {
    const failure = this.disconnectFailure;
    if (failure !== undefined) return TE.left(failure);
    this.disconnects.push(userId);
    return TE.right(undefined);
  }

  /** From now on, `disconnectUser` fails with this error (e.g. BACKEND_UNAVAILABLE). */
  failDisconnects(error: EcbError): void {
    this.disconnectFailure = error;
  }

  handOver(): TE.TaskEither<EcbError, void> {
    const failure = this.handOverFailure;
    if (failure !== undefined) return TE.left(failure);
    this.handOvers.push(this.messages.length + this.typing.length + this.threads.length);
    return TE.right(undefined);
  }

  /** From now on, `handOver` fails with this error (e.g. BACKEND_UNAVAILABLE); the pushes are still recorded. */
  failHandOvers(error: EcbError): void {
    this.handOverFailure = error;
  }

  /** The threads this subscriber currently follows. */
  subscriptionsOf(subscriber: SubscriberId): string[] {
    return [...(this.subscriptions.get(subscriber) ?? [])];
  }

  /** Every subscriber currently following this thread. */
  subscribersOf(threadId: string): SubscriberId[] {
    return [...this.subscriptions].filter(([, threads]) => threads.has(threadId)).map(([subscriber]) => subscriber);
  }

  isSubscribed(subscriber: SubscriberId, threadId: string): boolean {
    return this.subscriptions.get(subscriber)?.has(threadId) ?? false;
  }

  /** Whether anything at all was pushed (messages, typing or threads). */
  get pushedNothing(): boolean {
    return this.messages.length === 0 && this.typing.length === 0 && this.threads.length === 0;
  }
}
