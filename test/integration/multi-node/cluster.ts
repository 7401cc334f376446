import type { ManagerOptions, Socket as ClientSocket, SocketOptions } from 'socket.io-client';
import type { EcbConfig } from '../../../src/config.js';
import { startEcb, type RunningEcb } from '../../../src/server.js';
import { aConfig } from '../../support/config.js';
import { closeAll, createClient, httpRequest, sleep, type HttpAnswer } from '../../support/ecb-harness.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';

/**
 * Several in-process ECB nodes in front of one stub backend, sharing a
 * Redis under one channel prefix: what a deployment behind a load balancer
 * looks like, minus the load balancer (each test picks the node).
 */
export interface Cluster {
  readonly stub: StubBackend;
  readonly nodes: RunningEcb[];
  /** A connected socket of this user on nodes[node], closed with the cluster. */
  connect(node: number, userId: string, options?: Partial<ManagerOptions & SocketOptions>): Promise<ClientSocket>;
  /** One more node on the same backend; Redis URL and channel prefix default to the cluster's. */
  addNode(options?: { readonly redisUrl?: string; readonly channelPrefix?: string }): Promise<RunningEcb>;
  userToken(userId: string): Promise<string>;
  threadToken(threadId: string): Promise<string>;
  serverToken(): Promise<string>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly nodes: number;
  readonly redisUrl: string;
  readonly channelPrefix: string;
  /** Wait until every node's /readyz says ready (Redis connected and subscribed). Default true. */
  readonly waitReady?: boolean;
}

/** The config of one node; `redisChannelPrefix` is read by the Redis wiring when present. */
export const nodeConfig = async (backendUrl: string, redisUrl: string, channelPrefix: string): Promise<EcbConfig> => {
  const config: EcbConfig = {
    ...(await aConfig({ backendUrl, redisUrl })),
    redisChannelPrefix: channelPrefix,
  };
  return config;
};

export const startCluster = async (options: ClusterOptions): Promise<Cluster> => {
  const stub = await startStubBackend();
  const nodes: RunningEcb[] = [];
  const sockets: ClientSocket[] = [];
  const cluster: Cluster = {
    stub,
    nodes,
    connect: async (node, userId, socketOptions) => {
      const target = nodes[node];
      if (target === undefined) throw new Error(`no node ${node}`);
      const socket = await createClient(target.url, { userToken: await cluster.userToken(userId) }, socketOptions);
      sockets.push(socket);
      return socket;
    },
    addNode: async ({ redisUrl = options.redisUrl, channelPrefix = options.channelPrefix } = {}) => {
      const node = await startEcb(await nodeConfig(stub.url, redisUrl, channelPrefix));
      nodes.push(node);
      return node;
    },
    userToken: async (userId) => {
      const user = await stub.store.findUser(userId);
      if (user === undefined) throw new Error(`the backend has no user ${userId}`);
      return stub.tokens.signUserToken(user);
    },
    threadToken: async (threadId) => {
      const thread = await stub.store.findThread(threadId);
      if (thread === undefined) throw new Error(`the backend has no thread ${threadId}`);
      return stub.tokens.signThreadToken(thread);
    },
    serverToken: () => stub.tokens.signServerToken(),
    close: () => closeAll(...sockets, ...nodes, stub),
  };
  try {
    for (let i = 0; i < options.nodes; i++) await cluster.addNode();
    if (options.waitReady ?? true) await Promise.all(nodes.map((node) => waitUntilReady(node.url)));
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
};

export const readyz = (url: string): Promise<HttpAnswer<{ status: string; checks: Record<string, boolean> }>> =>
  httpRequest(`${url}/readyz`);

/** Polls `check` until it holds; fails naming `what` after `ms`. */
export const waitUntil = async (what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
};

export const waitUntilReady = (url: string, ms?: number): Promise<void> =>
  waitUntil(`${url} is ready`, async () => (await readyz(url)).status === 200, ms);

export const waitUntilNotReady = (url: string, ms?: number): Promise<void> =>
  waitUntil(`${url} is not ready`, async () => (await readyz(url)).status === 503, ms);

/** Resolves once the socket is disconnected by the server, with the reason. */
export const disconnected = (socket: ClientSocket, ms = 3_000): Promise<string> =>
  new Promise((resolve, reject) => {
    if (!socket.connected) {
      resolve('already disconnected');
      return;
    }
    const timer = setTimeout(() => reject(new Error(`socket still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
