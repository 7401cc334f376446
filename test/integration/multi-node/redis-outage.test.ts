import { createClient } from '@redis/client';
import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createLogger } from '../../../src/adapters/observability/pino-logger.js';
import { startEcb } from '../../../src/server.js';
import { collect, httpRequest, requestOk, sleep, waitFor } from '../../support/ecb-harness.js';
import { freePort, requireRedisServerProgram, startPrivateRedis, uniqueChannelPrefix, type PrivateRedis } from '../../support/redis.js';
import { startStubBackend } from '../../support/stub-backend.js';
import {
  disconnected,
  nodeConfig,
  readyz,
  startCluster,
  waitUntil,
  waitUntilNotReady,
  waitUntilReady,
  type Cluster,
} from './cluster.js';

/**
 * ECB-SPEC §9 when Redis is away: a node keeps running and serving its own
 * sockets (messages stored and acked), /readyz answers 503, a server-API
 * push or revocation that cannot reach the other nodes answers 503 (§5),
 * nothing crashes, and cross-node pushes resume when Redis returns. A private redis-server per
 * test is killed and restarted; the shared one is never touched.
 */

interface ThreadAndMessages {
  thread: { threadId: string; threadToken: string };
  messages: Array<{ messageId: string; creationTime: number }>;
}
type MessagePush = { message: { messageId: string } };

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
const GRACE_MS = 300;

const revoke = async (cluster: Cluster, node: number, userId: string) =>
  httpRequest(`${cluster.nodes[node]?.url}/api/v1/server/users/${userId}/connections`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await cluster.serverToken()}` },
  });

/** The backend pushes a message it stored by itself, through the server API of one node. */
const pushStored = async (cluster: Cluster, node: number, threadId: string, messageId: string) => {
  const message = { messageId, fromUserId: 'alice', creationTime: Date.now() / 1000, ...text('from the backend') };
  return httpRequest(`${cluster.nodes[node]?.url}/api/v1/server/threads/${threadId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await cluster.serverToken()}` },
    json: { message },
  });
};

/** alice creates a thread with bob and carol; the other sockets open it. */
const aThreadOpenedBy = async (creator: ClientSocket, ...openers: ClientSocket[]): Promise<ThreadAndMessages> => {
  const created = await requestOk<ThreadAndMessages>(creator, 'createThread', { memberIds: ['bob', 'carol'], message: text('hello') });
  for (const socket of openers) await requestOk(socket, 'getThread', { threadToken: created.thread.threadToken });
  return created;
};

describe('a node whose Redis is unreachable', () => {
  let cluster: Cluster;
  let deadRedisUrl: string;

  beforeEach(async () => {
    deadRedisUrl = `redis://127.0.0.1:${await freePort()}`;
    cluster = await startCluster({ nodes: 1, redisUrl: deadRedisUrl, channelPrefix: uniqueChannelPrefix(), waitReady: false });
  });
  afterEach(async () => cluster?.close());

  it('starts anyway, is alive, and answers /readyz 503 naming the redis check', async () => {
    const node = cluster.nodes[0]!;
    expect((await httpRequest(`${node.url}/healthz`)).status).to.equal(200);
    const answer = await readyz(node.url);
    expect(answer.status).to.equal(503);
    expect(answer.body.checks).to.include({ listening: true, redis: false });
  });

  it('still serves its own sockets: messages are stored, acked and pushed locally', async () => {
    const alice = await cluster.connect(0, 'alice');
    const bob = await cluster.connect(0, 'bob');
    const { thread } = await aThreadOpenedBy(alice, bob);
    const atBob = waitFor<MessagePush>(bob, 'message');

    const sent = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken: thread.threadToken, message: text('still here') });

    expect((await atBob).message.messageId).to.equal(sent.messages[0]?.messageId);
    expect(await cluster.stub.store.findThread(thread.threadId)).to.not.equal(undefined);
  });

  it('answers a revocation 503 BACKEND_UNAVAILABLE, and still closes the sockets it holds itself', async () => {
    const bob = await cluster.connect(0, 'bob');
    const gone = disconnected(bob);

    const answer = await revoke(cluster, 0, 'bob');

    expect(answer.status).to.equal(503);
    expect(answer.body.error).to.include({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(await gone).to.equal('io server disconnect');
  });

  it('answers a server-API push 503 BACKEND_UNAVAILABLE, and still pushes it to the sockets it holds itself', async () => {
    const alice = await cluster.connect(0, 'alice');
    const bob = await cluster.connect(0, 'bob');
    const { thread } = await aThreadOpenedBy(alice, bob);
    const atBob = waitFor<MessagePush>(bob, 'message');

    const answer = await pushStored(cluster, 0, thread.threadId, 'pushed-during-the-outage');

    expect(answer.status).to.equal(503);
    expect(answer.body.error).to.include({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect((await atBob).message.messageId).to.equal('pushed-during-the-outage');
  });

  it('logs the outage without the credentials of the Redis URL', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const withPassword = deadRedisUrl.replace('redis://', 'redis://ecb:s3cret-pass@');
    const node = await startEcb(await nodeConfig(cluster.stub.url, withPassword, uniqueChannelPrefix()), {
      overrides: { Logger: createLogger('debug', sink) },
    });
    try {
      await waitUntil('the outage is logged', () => lines.some((line) => line.includes('Redis unreachable')));
    } finally {
      await node.close();
    }
    expect(lines.join('')).to.not.include('s3cret-pass');
    expect(lines.join('')).to.include(deadRedisUrl.replace('redis://', ''));
  });
});

describe('Redis going away and coming back', function () {
  let redis: PrivateRedis;
  let cluster: Cluster | undefined;

  before(function () {
    requireRedisServerProgram(this);
  });
  beforeEach(async () => {
    redis = await startPrivateRedis();
    cluster = undefined;
  });
  afterEach(async () => {
    await cluster?.close();
    await redis?.close();
  });

  it('lets a node started while Redis is down become ready once Redis comes up', async () => {
    await redis.stop();
    cluster = await startCluster({ nodes: 1, redisUrl: redis.url, channelPrefix: uniqueChannelPrefix(), waitReady: false });
    expect((await readyz(cluster.nodes[0]!.url)).status).to.equal(503);

    await redis.start();

    await waitUntilReady(cluster.nodes[0]!.url);
  });

  it('keeps serving locally through a Redis restart, then resumes pushes across nodes', async () => {
    const nodes = await startCluster({ nodes: 2, redisUrl: redis.url, channelPrefix: uniqueChannelPrefix() });
    cluster = nodes;
    const [A, B] = [0, 1];
    const alice = await nodes.connect(A, 'alice');
    const carol = await nodes.connect(A, 'carol');
    const bob = await nodes.connect(B, 'bob');
    const { thread } = await aThreadOpenedBy(alice, carol, bob);
    const toBob = collect<MessagePush>(bob, 'message');
    const toCarol = collect<MessagePush>(carol, 'message');
    const send = (messageText: string) =>
      requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken: thread.threadToken, message: text(messageText) });

    const before = await send('before the outage');
    await waitUntil('bob has the first message', () => toBob.length === 1);

    await redis.stop();
    await Promise.all(nodes.nodes.map((node) => waitUntilNotReady(node.url)));
    const during = await send('during the outage');
    await waitUntil('carol, on the same node, has it', () => toCarol.length === 2);
    expect((await revoke(nodes, A, 'dana')).status, 'a revocation that cannot reach node B').to.equal(503);
    await sleep(GRACE_MS);
    expect(toBob, 'node B cannot hear node A').to.have.length(1);
    const duringMetrics = (await httpRequest(`${nodes.nodes[A]?.url}/metrics`)).text;
    expect(duringMetrics).to.match(/^ecb_redis_connected 0$/m);
    expect(duringMetrics).to.match(/^ecb_redis_publish_failures_total [1-9]\d*$/m);

    await redis.start();
    await Promise.all(nodes.nodes.map((node) => waitUntilReady(node.url)));
    expect((await httpRequest(`${nodes.nodes[A]?.url}/metrics`)).text).to.match(/^ecb_redis_connected 1$/m);
    const after = await send('after the outage');
    await waitUntil('bob has the message sent after the outage', () => toBob.length === 2);

    const id = (answer: ThreadAndMessages) => answer.messages[0]?.messageId;
    // At most once: what was published during the outage is dropped, not replayed late.
    expect(toBob.map((push) => push.message.messageId)).to.deep.equal([id(before), id(after)]);
    expect(toCarol.map((push) => push.message.messageId)).to.deep.equal([id(before), id(during), id(after)]);
    // ...and bob recovers it with getThread since (ECB-SPEC §9)
    const recovered = await requestOk<ThreadAndMessages>(bob, 'getThread', {
      threadToken: thread.threadToken,
      since: before.messages[0]?.creationTime,
    });
    expect(recovered.messages.map((message) => message.messageId)).to.deep.equal([id(during), id(after)]);
    expect((await revoke(nodes, A, 'dana')).status, 'revocation works again').to.equal(204);
  });

  it('answers a revocation 503 when Redis does not confirm its publish in time', async () => {
    const nodes = await startCluster({ nodes: 2, redisUrl: redis.url, channelPrefix: uniqueChannelPrefix() });
    cluster = nodes;

    redis.pause();
    try {
      const answer = await revoke(nodes, 0, 'bob');
      expect(answer.status).to.equal(503);
      expect(answer.body.error).to.include({ code: 'BACKEND_UNAVAILABLE' });
    } finally {
      redis.resume();
    }
    expect((await revoke(nodes, 0, 'bob')).status).to.equal(204);
  });

  it('answers a server-API push 503 when Redis does not confirm its publish in time, and 204 once the push reaches the other node', async () => {
    const nodes = await startCluster({ nodes: 2, redisUrl: redis.url, channelPrefix: uniqueChannelPrefix() });
    cluster = nodes;
    const alice = await nodes.connect(0, 'alice');
    const bob = await nodes.connect(1, 'bob');
    const { thread } = await aThreadOpenedBy(alice, bob);
    const toBob = collect<MessagePush>(bob, 'message');

    redis.pause();
    try {
      const answer = await pushStored(nodes, 0, thread.threadId, 'pushed-while-redis-is-frozen');
      expect(answer.status).to.equal(503);
      expect(answer.body.error).to.include({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    } finally {
      redis.resume();
    }

    const answer = await pushStored(nodes, 0, thread.threadId, 'pushed-after');
    expect(answer.status).to.equal(204);
    await waitUntil('bob, on the other node, has the push', () => toBob.some((push) => push.message.messageId === 'pushed-after'));
  });

  it('quits its Redis connections when it closes', async () => {
    const admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const clients = async (): Promise<number> => String(await admin.sendCommand(['CLIENT', 'LIST'])).trim().split('\n').length - 1;
      const stub = await startStubBackend();
      const node = await startEcb(await nodeConfig(stub.url, redis.url, uniqueChannelPrefix()));
      try {
        await waitUntilReady(node.url);
        expect(await clients(), 'a publisher and a subscriber').to.equal(2);
      } finally {
        await node.close();
        await stub.close();
      }
      await waitUntil('no connection of the node is left', async () => (await clients()) === 0);
    } finally {
      await admin.close();
    }
  });
});
