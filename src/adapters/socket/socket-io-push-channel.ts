import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { PushChannel, SubscriberId } from '../../application/ports/push-channel.js';
import { backendUnavailable, type EcbError } from '../../domain/errors.js';
import type { ThreadMessage } from '../../domain/message.js';
import type { Thread } from '../../domain/thread.js';
import { TOKENS } from '../../tokens.js';
import { describeCause } from '../observability/describe-cause.js';
import type { Logger } from '../observability/pino-logger.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { threadRoom, userRoom } from './rooms.js';
import { SocketIoHub } from './socket-io-hub.js';

/**
 * Pushes through Socket.IO rooms. With the Redis adapter installed on the
 * hub, every emit and disconnect reaches the sockets of every node; a
 * subscription only touches the local socket (a socket lives on one node).
 *
 * Pushes go out at the end of the current tick (`process.nextTick`), in the
 * order they were made: the answer to the request that caused them (the
 * sender's ack, written in the same tick) goes first, as a lean relay
 * does, instead of waiting behind a fan-out to a thousand sockets
 * (docs/benchmarks.md, finding 10). A subscription, an unsubscription or a
 * disconnect first sends what is pending, so room changes and pushes keep
 * their order; `close()` sends it at once (on shutdown).
 */
@injectable()
export class SocketIoPushChannel implements PushChannel {
  private pending: Array<() => void> = [];
  private readonly flushPending = (): void => this.flush();
  /** The push counters, each series kept at hand (PromMetrics.pushCounter). */
  private readonly pushedMessage: () => void;
  private readonly pushedTyping: () => void;
  private readonly pushedThread: () => void;

  constructor(
    @inject(TOKENS.SocketServer) private readonly hub: SocketIoHub,
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {
    this.pushedMessage = metrics.pushCounter('message');
    this.pushedTyping = metrics.pushCounter('typing');
    this.pushedThread = metrics.pushCounter('thread');
  }

  async subscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    this.flush();
    const socket = this.hub.io.sockets.sockets.get(subscriber);
    if (socket !== undefined) await socket.join(threadRoom(threadId));
  }

  async unsubscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    this.flush();
    const socket = this.hub.io.sockets.sockets.get(subscriber);
    if (socket !== undefined) await socket.leave(threadRoom(threadId));
  }

  pushMessage(threadId: string, message: ThreadMessage, except?: SubscriberId): void {
    this.later(() => {
      const room = this.hub.io.to(threadRoom(threadId));
      (except === undefined ? room : room.except(except)).emit('message', { threadId, message });
      this.pushedMessage();
    });
  }

  pushTyping(
    threadId: string,
    typing: { readonly userId: string; readonly isTyping: boolean },
    except?: SubscriberId,
  ): void {
    this.later(() => {
      const room = this.hub.io.to(threadRoom(threadId));
      (except === undefined ? room : room.except(except)).emit('typing', { threadId, ...typing });
      this.pushedTyping();
    });
  }

  pushThread(userIds: readonly string[], thread: Thread): void {
    if (userIds.length === 0) return;
    this.later(() => {
      this.hub.io.to(userIds.map(userRoom)).emit('thread', { thread });
      this.pushedThread();
    });
  }

  disconnectUser(userId: string): TE.TaskEither<EcbError, void> {
    return TE.tryCatch(
      async () => {
        this.flush();
        // This node's sockets go at once, in any case: a cross-node adapter (Redis) would only close
        // them when its own broadcast comes back to this node. The backend retries a 503, and a
        // repeat is harmless.
        this.hub.io.local.in(userRoom(userId)).disconnectSockets(true);
        if (!this.hub.canReachAllNodes()) throw new Error('the other nodes are unreachable');
        this.hub.io.in(userRoom(userId)).disconnectSockets(true);
        await this.hub.handedToAllNodes();
        this.metrics.pushed('disconnect');
      },
      (cause): EcbError => backendUnavailable('the disconnect could not be handed to every node', cause),
    );
  }

  handOver(): TE.TaskEither<EcbError, void> {
    return TE.tryCatch(
      async () => {
        // what is pending goes now, so that the confirmation below covers it
        this.flush();
        await this.hub.handedToAllNodes();
      },
      (cause): EcbError => backendUnavailable('the push could not be handed to every node', cause),
    );
  }

  /** Sends every pending push now (on shutdown, before the sockets close). */
  close(): void {
    this.flush();
  }

  private later(push: () => void): void {
    if (this.pending.push(push) === 1) process.nextTick(this.flushPending);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const pushes = this.pending;
    this.pending = [];
    for (const push of pushes) {
      try {
        push();
      } catch (cause) {
        // one failed emit must neither keep the others from going out nor end the process
        this.logger.error({ cause: describeCause(cause) }, 'a push failed');
      }
    }
  }
}
