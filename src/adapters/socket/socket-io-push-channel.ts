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
 * Each push goes to the namespace's adapter as one packet (`adapter.broadcast`,
 * what `io.to(room).except(id).emit(...)` ends in, without the three
 * BroadcastOperators and five Sets that chain builds per push: docs/benchmarks.md,
 * finding 25).
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
  private pending: Push[] = [];
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
    this.later({ event: 'message', payload: { threadId, message }, rooms: new Set([threadRoom(threadId)]), except, counted: this.pushedMessage });
  }

  pushTyping(
    threadId: string,
    typing: { readonly userId: string; readonly isTyping: boolean },
    except?: SubscriberId,
  ): void {
    this.later({ event: 'typing', payload: { threadId, ...typing }, rooms: new Set([threadRoom(threadId)]), except, counted: this.pushedTyping });
  }

  pushThread(userIds: readonly string[], thread: Thread): void {
    if (userIds.length === 0) return;
    const rooms = new Set<string>();
    for (const userId of userIds) rooms.add(userRoom(userId));
    this.later({ event: 'thread', payload: { thread }, rooms, except: undefined, counted: this.pushedThread });
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

  private later(push: Push): void {
    if (this.pending.push(push) === 1) process.nextTick(this.flushPending);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const pushes = this.pending;
    this.pending = [];
    // the namespace's adapter as it is now (the Redis adapter, once installed, replaces the in-memory one)
    const adapter = this.hub.io.sockets.adapter;
    for (const push of pushes) {
      try {
        adapter.broadcast(
          { type: EVENT_PACKET, data: [push.event, push.payload] },
          { rooms: push.rooms, except: push.except === undefined ? new Set() : new Set([push.except]), flags: NO_FLAGS },
        );
        push.counted();
      } catch (cause) {
        // one failed emit must neither keep the others from going out nor end the process
        this.logger.error({ cause: describeCause(cause) }, 'a push failed');
      }
    }
  }
}

/** A push waiting for the end of the tick: an event, its payload, the rooms it goes to, the socket it skips. */
interface Push {
  readonly event: 'message' | 'typing' | 'thread';
  readonly payload: unknown;
  readonly rooms: Set<string>;
  readonly except: SubscriberId | undefined;
  readonly counted: () => void;
}

/** socket.io-parser's `PacketType.EVENT`: what `emit` sends. */
const EVENT_PACKET = 2;
/** No broadcast flag (volatile, compress, local): what `io.to(...)` passes when none is set. */
const NO_FLAGS = Object.freeze({});
