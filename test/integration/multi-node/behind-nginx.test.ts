import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { RunningEcb } from '../../../src/server.js';
import type { SocketIoHub } from '../../../src/adapters/socket/socket-io-hub.js';
import { TOKENS } from '../../../src/tokens.js';
import { closeAll, createClient, requestOk, waitFor } from '../../support/ecb-harness.js';
import { requireSharedRedis, SHARED_REDIS_URL, uniqueChannelPrefix } from '../../support/redis.js';
import { startCluster, type Cluster } from './cluster.js';
import { documentedNginxConfig, nginxInstalled, startNginx, type RunningNginx } from './nginx.js';

/**
 * The nginx configuration of docs/scaling.md, for real: two ECB nodes
 * behind it, a long-polling client and a WebSocket client on different
 * nodes chatting through it; and what happens without its sticky rule.
 */

type MessagePush = { message: { data: { messageText: string } } };
const text = (messageText: string) => ({ type: 'text', data: { messageText } });

const holds = (node: RunningEcb, socket: ClientSocket): boolean =>
  node.container.get<SocketIoHub>(TOKENS.SocketServer).io.sockets.sockets.has(socket.id ?? '');

describe('ECB behind nginx, configured as docs/scaling.md says', function () {
  this.timeout(20_000);
  let cluster: Cluster;
  let nginx: RunningNginx | undefined;
  const sockets: ClientSocket[] = [];

  before(async function () {
    if (!nginxInstalled()) {
      console.log('      skipped: nginx not installed — install nginx (apt-get install nginx-light) to run these');
      this.skip();
    }
    await requireSharedRedis(this);
  });
  beforeEach(async () => {
    cluster = await startCluster({ nodes: 2, redisUrl: SHARED_REDIS_URL, channelPrefix: uniqueChannelPrefix() });
    nginx = undefined;
  });
  afterEach(async () => {
    await closeAll(...sockets.splice(0));
    await nginx?.close();
    await cluster?.close();
  });

  const upstreams = (): string[] => cluster.nodes.map((node) => node.url.replace('http://', ''));

  /** A client through nginx, as a browser on nginx's origin would connect. */
  const through = async (userId: string, options: Record<string, unknown>): Promise<ClientSocket> => {
    const socket = await createClient(nginx!.url, { userToken: await cluster.userToken(userId) }, {
      extraHeaders: { origin: nginx!.url },
      ...options,
    });
    sockets.push(socket);
    return socket;
  };

  it('lets a long-polling client and a WebSocket client on different nodes chat through it', async () => {
    nginx = await startNginx((listen) => documentedNginxConfig(upstreams(), listen));
    const alice = await through('alice', { transports: ['polling'] });
    const aliceNode = cluster.nodes.findIndex((node) => holds(node, alice));
    expect(aliceNode).to.not.equal(-1);
    // The upstream is chosen by client address: try local addresses until bob lands on the other node.
    let bob: ClientSocket | undefined;
    for (let host = 2; host < 64 && bob === undefined; host++) {
      const candidate = await through('bob', { transports: ['websocket'], localAddress: `127.0.0.${host}` });
      if (holds(cluster.nodes[aliceNode]!, candidate)) candidate.close();
      else bob = candidate;
    }
    if (bob === undefined) throw new Error('no local address led bob to the other node');

    const threadAtBob = waitFor<{ thread: { threadToken: string } }>(bob, 'thread');
    const created = await requestOk<{ thread: { threadToken: string } }>(alice, 'createThread', {
      memberIds: ['bob'],
      message: text('hello from a long-polling client'),
    });
    const { thread } = await threadAtBob;
    await requestOk(bob, 'getThread', { threadToken: thread.threadToken });
    const toBob = waitFor<MessagePush>(bob, 'message');
    await requestOk(alice, 'sendMessage', { threadToken: created.thread.threadToken, message: text('ping') });
    expect((await toBob).message.data.messageText).to.equal('ping');
    const toAlice = waitFor<MessagePush>(alice, 'message');
    await requestOk(bob, 'sendMessage', { threadToken: thread.threadToken, message: text('pong') });
    expect((await toAlice).message.data.messageText).to.equal('pong');

    expect(alice.io.engine.transport.name, 'alice stayed on long-polling').to.equal('polling');
    expect(bob.io.engine.transport.name).to.equal('websocket');
    expect(holds(cluster.nodes[aliceNode]!, alice), 'and on her node').to.equal(true);
  });

  it('breaks long-polling without the sticky rule, which is why the documented config has it', async () => {
    nginx = await startNginx((listen) => documentedNginxConfig(upstreams(), listen).replace(/^\s*hash \$remote_addr consistent;\n/m, ''));

    // no Origin: a non-browser client, so that only the balancing can get in the way
    const outcome = await through('alice', { transports: ['polling'], extraHeaders: {} }).then(
      (socket) =>
        new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('still connected'), 5_000);
          socket.once('disconnect', (reason) => {
            clearTimeout(timer);
            resolve(`disconnected: ${reason}`);
          });
        }),
      (error: Error) => `refused: ${error.message}`,
    );

    // a request of the session reached the node that does not hold it (HTTP 400 "Session ID unknown")
    expect(outcome).to.match(/^(refused: xhr (post|poll) error|disconnected: transport error)$/);
  });
});
