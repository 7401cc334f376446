import { expect } from 'chai';
import * as sinon from 'sinon';
import type { Logger } from '../../../src/adapters/observability/pino-logger.js';
import { PromMetrics } from '../../../src/adapters/observability/prom-metrics.js';
import type { SocketIoHub } from '../../../src/adapters/socket/socket-io-hub.js';
import { SocketIoPushChannel } from '../../../src/adapters/socket/socket-io-push-channel.js';
import { aMessage, aThread } from '../../support/builders.js';
import { leftOf, rightOf } from '../domain/expect-either.js';

/**
 * The Socket.IO push adapter sends its pushes at the end of the tick, in
 * order, after the answer written in the same tick (docs/benchmarks.md,
 * finding 10). A hub that records what reaches Socket.IO stands in for the
 * server; the adapter's behaviour against real sockets is in
 * test/integration/socket.
 */
describe('SocketIoPushChannel', () => {
  let log: string[];
  /** The payload of each push, in the order sent. */
  let payloads: unknown[];
  let joins: string[];
  let failEmits: boolean;
  /** What had reached Socket.IO each time the hub was asked to confirm the hand-over to every node. */
  let confirmations: string[][];
  let otherNodesReachable: boolean;
  let logger: { error: sinon.SinonSpy };
  let push: SocketIoPushChannel;

  const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

  beforeEach(() => {
    log = [];
    payloads = [];
    joins = [];
    failEmits = false;
    confirmations = [];
    otherNodesReachable = true;
    const target = (rooms: string | string[], except = '') => ({
      except: (id: string) => target(rooms, id),
      emit: (event: string) => {
        if (failEmits) throw new Error('emit failed');
        log.push(`${event} to ${String(rooms)}${except ? ` except ${except}` : ''}`);
      },
      disconnectSockets: () => log.push(`disconnect ${String(rooms)}`),
    });
    const socket = { join: async (room: string) => joins.push(`${room} after [${log.join(', ')}]`), leave: async () => undefined };
    const io = {
      to: (rooms: string | string[]) => target(rooms),
      in: (room: string) => target(room),
      local: { in: (room: string) => target(`${room} (this node)`) },
      sockets: {
        sockets: new Map([['s1', socket]]),
        // where every push goes: one packet to the namespace's adapter, as BroadcastOperator.emit hands it
        adapter: {
          broadcast: (packet: { type: number; data: unknown[] }, opts: { rooms: Set<string>; except: Set<string>; flags: object }) => {
            if (failEmits) throw new Error('emit failed');
            expect(packet.type).to.equal(2); // socket.io-parser's PacketType.EVENT
            expect(packet.data).to.have.length(2);
            expect(opts.flags).to.deep.equal({});
            const except = [...opts.except].join(',');
            log.push(`${String(packet.data[0])} to ${[...opts.rooms].join(',')}${except ? ` except ${except}` : ''}`);
            payloads.push(packet.data[1]);
          },
        },
      },
    };
    const handedToAllNodes = async (): Promise<void> => {
      confirmations.push([...log]);
      if (!otherNodesReachable) throw new Error('Redis is not connected');
    };
    const hub = { io, canReachAllNodes: () => otherNodesReachable, handedToAllNodes } as unknown as SocketIoHub;
    logger = { error: sinon.spy() };
    push = new SocketIoPushChannel(hub, new PromMetrics({ defaultMetrics: false }), logger as unknown as Logger);
  });

  it('sends nothing in the tick of the push, then everything in the order it was pushed', async () => {
    push.pushMessage('t1', aMessage(), 's9');
    push.pushTyping('t1', { userId: 'u1', isTyping: true });
    push.pushThread(['u1', 'u2'], aThread({ threadId: 't1' }));
    expect(log).to.deep.equal([]);
    await nextTick();
    expect(log).to.deep.equal(['message to thread:t1 except s9', 'typing to thread:t1', 'thread to user:u1,user:u2']);
    expect(payloads).to.deep.equal([
      { threadId: 't1', message: aMessage() },
      { threadId: 't1', userId: 'u1', isTyping: true },
      { thread: aThread({ threadId: 't1' }) },
    ]);
  });

  it('sends what is pending before a socket joins or leaves a room, so room changes keep their order', async () => {
    push.pushMessage('t1', aMessage());
    await push.subscribe('s1', 't1');
    expect(joins).to.deep.equal(['thread:t1 after [message to thread:t1]']);
  });

  it('sends what is pending before disconnecting a user: this node\'s sockets first, at once, then every node\'s', async () => {
    push.pushThread(['u1'], aThread({ threadId: 't1' }));
    rightOf(await push.disconnectUser('u1')());
    expect(log).to.deep.equal(['thread to user:u1', 'disconnect user:u1 (this node)', 'disconnect user:u1']);
    expect(confirmations).to.deep.equal([log]);
  });

  it('disconnects this node\'s sockets even when the other nodes cannot be reached, and then fails with BACKEND_UNAVAILABLE', async () => {
    otherNodesReachable = false;
    const error = leftOf(await push.disconnectUser('u1')());
    expect(error._tag).to.equal('BACKEND_UNAVAILABLE');
    expect(log).to.deep.equal(['disconnect user:u1 (this node)']);
  });

  it('hands over what is pending at once, then confirms it reached every node', async () => {
    push.pushMessage('t1', aMessage());
    push.pushThread(['u1'], aThread({ threadId: 't1' }));

    rightOf(await push.handOver()());

    expect(confirmations).to.deep.equal([['message to thread:t1', 'thread to user:u1']]);
  });

  it('fails the hand-over with BACKEND_UNAVAILABLE when the other nodes cannot be reached, having sent the pushes', async () => {
    otherNodesReachable = false;
    push.pushMessage('t1', aMessage());

    const error = leftOf(await push.handOver()());

    expect(error._tag).to.equal('BACKEND_UNAVAILABLE');
    expect(log, "this node's own sockets still get it").to.deep.equal(['message to thread:t1']);
  });

  it('sends what is pending at once on close (shutdown)', () => {
    push.pushMessage('t1', aMessage());
    push.close();
    expect(log).to.deep.equal(['message to thread:t1']);
  });

  it('logs a push that throws, keeps sending the others, and never throws into the event loop', async () => {
    push.pushMessage('t1', aMessage());
    push.pushMessage('t2', aMessage());
    failEmits = true;
    await nextTick();
    expect(logger.error.callCount).to.equal(2);
    failEmits = false;
    push.pushMessage('t3', aMessage());
    await nextTick();
    expect(log).to.deep.equal(['message to thread:t3']);
  });
});
