import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { PushChannel, SubscriberId } from '../../application/ports/push-channel.js';
import { backendUnavailable, type EcbError } from '../../domain/errors.js';
import type { ThreadMessage } from '../../domain/message.js';
import type { Thread } from '../../domain/thread.js';
import { TOKENS } from '../../tokens.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { threadRoom, userRoom } from './rooms.js';
import { SocketIoHub } from './socket-io-hub.js';

/**
 * Pushes through Socket.IO rooms. With the Redis adapter installed on the
 * hub, every emit and disconnect reaches the sockets of every node; a
 * subscription only touches the local socket (a socket lives on one node).
 */
@injectable()
export class SocketIoPushChannel implements PushChannel {
  constructor(
    @inject(TOKENS.SocketServer) private readonly hub: SocketIoHub,
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
  ) {}

  async subscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    const socket = this.hub.io.sockets.sockets.get(subscriber);
    if (socket !== undefined) await socket.join(threadRoom(threadId));
  }

  async unsubscribe(subscriber: SubscriberId, threadId: string): Promise<void> {
    const socket = this.hub.io.sockets.sockets.get(subscriber);
    if (socket !== undefined) await socket.leave(threadRoom(threadId));
  }

  pushMessage(threadId: string, message: ThreadMessage, except?: SubscriberId): void {
    const room = this.hub.io.to(threadRoom(threadId));
    (except === undefined ? room : room.except(except)).emit('message', { threadId, message });
    this.metrics.pushed('message');
  }

  pushTyping(
    threadId: string,
    typing: { readonly userId: string; readonly isTyping: boolean },
    except?: SubscriberId,
  ): void {
    const room = this.hub.io.to(threadRoom(threadId));
    (except === undefined ? room : room.except(except)).emit('typing', { threadId, ...typing });
    this.metrics.pushed('typing');
  }

  pushThread(userIds: readonly string[], thread: Thread): void {
    if (userIds.length === 0) return;
    this.hub.io.to(userIds.map(userRoom)).emit('thread', { thread });
    this.metrics.pushed('thread');
  }

  disconnectUser(userId: string): TE.TaskEither<EcbError, void> {
    return TE.tryCatch(
      async () => {
        const reachesAll = this.hub.canReachAllNodes();
        // This node's sockets go in any case; the backend retries the 503, and a repeat is harmless.
        (reachesAll ? this.hub.io : this.hub.io.local).in(userRoom(userId)).disconnectSockets(true);
        if (!reachesAll) throw new Error('the other nodes are unreachable');
        await this.hub.handedToAllNodes();
        this.metrics.pushed('disconnect');
      },
      (cause): EcbError => backendUnavailable('the disconnect could not be handed to every node', cause),
    );
  }
}
