import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { collect, httpRequest, requestOk, sleep, waitFor } from '../../support/ecb-harness.js';
import { requireSharedRedis, SHARED_REDIS_URL, uniqueChannelPrefix } from '../../support/redis.js';
import { disconnected, readyz, startCluster, waitUntil, waitUntilReady, type Cluster } from './cluster.js';

/**
 * ECB-SPEC §9: with Redis, every push, personal room, typing event and
 * server-API call reaches the sockets on all nodes. Three in-process nodes
 * (A, B, C) share the Redis at 127.0.0.1:6379 under a channel prefix of
 * their own.
 */

interface ThreadAndMessages {
  thread: { threadId: string; threadToken: string };
  messages: Array<{ messageId: string }>;
}
type MessagePush = { threadId: string; message: { messageId: string; data: unknown } };
type ThreadPush = { thread: { threadId: string } };

const A = 0;
const B = 1;
const C = 2;
const text = (messageText: string) => ({ type: 'text', data: { messageText } });

/** How long a test waits before concluding that something did not arrive. */
const GRACE_MS = 300;

describe('multi-node push over Redis', function () {
  let cluster: Cluster;

  before(async function () {
    await requireSharedRedis(this);
  });
  beforeEach(async () => {
    cluster = await startCluster({ nodes: 3, redisUrl: SHARED_REDIS_URL, channelPrefix: uniqueChannelPrefix() });
  });
  afterEach(async () => cluster?.close());

  /** alice on A creates a thread with bob and carol; each socket given opens it. */
  const aThreadOpenedBy = async (creator: ClientSocket, ...openers: ClientSocket[]): Promise<ThreadAndMessages> => {
    const created = await requestOk<ThreadAndMessages>(creator, 'createThread', {
      memberIds: ['bob', 'carol'],
      message: text('welcome'),
    });
    for (const socket of openers) await requestOk(socket, 'getThread', { threadToken: created.thread.threadToken });
    return created;
  };

  const ids = (pushes: MessagePush[]): string[] => pushes.map((push) => push.message.messageId);

  it('reports ready with a redis check once Redis is connected', async () => {
    for (const node of cluster.nodes) {
      const answer = await readyz(node.url);
      expect(answer.status).to.equal(200);
      expect(answer.body.checks).to.include({ redis: true });
    }
  });

  it('delivers a message sent on node A exactly once to member sockets on B and C, and never back to the sender', async () => {
    const alice = await cluster.connect(A, 'alice');
    const aliceOnB = await cluster.connect(B, 'alice');
    const bob = await cluster.connect(B, 'bob');
    const carol = await cluster.connect(C, 'carol');
    const { thread } = await aThreadOpenedBy(alice, aliceOnB, bob, carol);
    const toSender = collect<MessagePush>(alice, 'message');
    const toAliceOnB = collect<MessagePush>(aliceOnB, 'message');
    const toBob = collect<MessagePush>(bob, 'message');
    const toCarol = collect<MessagePush>(carol, 'message');

    const first = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken: thread.threadToken, message: text('one') });
    const second = await requestOk<ThreadAndMessages>(alice, 'sendMessage', { threadToken: thread.threadToken, message: text('two') });
    const sent = [first.messages[0]?.messageId, second.messages[0]?.messageId];

    // Redis delivers one connection's messages in order: a duplicate of the first would arrive before the second.
    await waitUntil('B and C have both messages', () => [toAliceOnB, toBob, toCarol].every((pushes) => pushes.length >= 2));
    expect(ids(toBob)).to.deep.equal(sent);
    expect(ids(toCarol)).to.deep.equal(sent);
    expect(ids(toAliceOnB), "the sender's socket on another node").to.deep.equal(sent);
    expect(toBob[0]).to.deep.include({ threadId: thread.threadId });
    expect(toSender, 'the sending socket').to.deep.equal([]);
  });

  it('pushes thread events to the personal rooms of the members on every node, once each', async () => {
    const alice = await cluster.connect(A, 'alice');
    const aliceOnC = await cluster.connect(C, 'alice');
    const bob = await cluster.connect(B, 'bob');
    const carol = await cluster.connect(C, 'carol');
    const outsider = await cluster.connect(B, 'agent-sam');
    const toAliceOnC = collect<ThreadPush>(aliceOnC, 'thread');
    const toBob = collect<ThreadPush>(bob, 'thread');
    const toCarol = collect<ThreadPush>(carol, 'thread');
    const toOutsider = collect<ThreadPush>(outsider, 'thread');

    const first = await aThreadOpenedBy(alice);
    const second = await aThreadOpenedBy(alice);
    const created = [first.thread.threadId, second.thread.threadId];

    await waitUntil('every member has both threads', () => [toAliceOnC, toBob, toCarol].every((pushes) => pushes.length >= 2));
    for (const pushes of [toAliceOnC, toBob, toCarol]) {
      expect(pushes.map((push) => push.thread.threadId)).to.deep.equal(created);
    }
    expect(toOutsider, 'a user who is not a member').to.deep.equal([]);
  });

  it('pushes typing to the thread room on every node, not to the typing socket', async () => {
    const alice = await cluster.connect(A, 'alice');
    const bob = await cluster.connect(B, 'bob');
    const carol = await cluster.connect(C, 'carol');
    const { thread } = await aThreadOpenedBy(alice, bob, carol);
    const toSender = collect(alice, 'typing');
    const toCarol = collect(carol, 'typing');

    const atBob = waitFor(bob, 'typing');
    const ack = await requestOk(alice, 'sendMessage', { threadToken: thread.threadToken, message: { type: 'typing', data: true } });

    expect(ack).to.deep.equal({});
    expect(await atBob).to.deep.equal({ threadId: thread.threadId, userId: 'alice', isTyping: true });
    await waitUntil('carol sees the typing', () => toCarol.length === 1);
    expect(toSender).to.deep.equal([]);
  });

  it('delivers a server-API push made on node A to sockets on B and C', async () => {
    const alice = await cluster.connect(A, 'alice');
    const bob = await cluster.connect(B, 'bob');
    const carol = await cluster.connect(C, 'carol');
    const { thread } = await aThreadOpenedBy(alice, bob);
    const message = { messageId: 'pushed-by-backend', fromUserId: 'alice', creationTime: Date.now() / 1000, ...text('from the backend') };
    const atBob = waitFor<MessagePush>(bob, 'message');
    const threadAtCarol = waitFor<ThreadPush>(carol, 'thread');

    const answer = await httpRequest(`${cluster.nodes[A]?.url}/api/v1/server/threads/${thread.threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await cluster.serverToken()}` },
      json: { message, thread },
    });

    expect(answer.status).to.equal(204);
    expect(await atBob).to.deep.equal({ threadId: thread.threadId, message });
    expect((await threadAtCarol).thread.threadId).to.equal(thread.threadId);
  });

  it('disconnects every socket of a user on every node when the server API on node A revokes them', async () => {
    const bobOnA = await cluster.connect(A, 'bob');
    const bobOnB = await cluster.connect(B, 'bob');
    const bobOnC = await cluster.connect(C, 'bob');
    const carolOnB = await cluster.connect(B, 'carol');
    const gone = [bobOnA, bobOnB, bobOnC].map((socket) => disconnected(socket));

    const answer = await httpRequest(`${cluster.nodes[A]?.url}/api/v1/server/users/bob/connections`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await cluster.serverToken()}` },
    });

    expect(answer.status).to.equal(204);
    expect(await Promise.all(gone)).to.deep.equal(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    expect(carolOnB.connected, 'another user stays connected').to.equal(true);
    await requestOk(carolOnB, 'getThreads', {});
  });

  it('keeps nodes with a different channel prefix apart', async () => {
    const elsewhere = await cluster.addNode({ channelPrefix: uniqueChannelPrefix() });
    await waitUntilReady(elsewhere.url);
    const alice = await cluster.connect(A, 'alice');
    const bob = await cluster.connect(B, 'bob');
    const bobElsewhere = await cluster.connect(cluster.nodes.indexOf(elsewhere), 'bob');
    const { thread } = await aThreadOpenedBy(alice, bob, bobElsewhere);
    const toBobElsewhere = collect(bobElsewhere, 'message');
    const atBob = waitFor<MessagePush>(bob, 'message');

    await requestOk(alice, 'sendMessage', { threadToken: thread.threadToken, message: text('only for this deployment') });

    await atBob;
    await sleep(GRACE_MS);
    expect(toBobElsewhere).to.deep.equal([]);
  });
});
