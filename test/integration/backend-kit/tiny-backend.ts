import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import {
  BackendTokens,
  ContractError,
  createContractRouter,
  type ContractHandlers,
  type ContractRouterOptions,
  type TokenUser,
} from '../../../backend-kit/index.js';
import { testKeys } from '../../support/keys.js';

type Message = { messageId: string; fromUserId: string; creationTime: number; type: string; data: unknown };
type Thread = { threadId: string; memberIds: string[]; messages: Message[] };

export const TINY_USERS = [
  { userId: 'alice', displayName: 'Alice' },
  { userId: 'bob', displayName: 'Bob' },
];

/**
 * A whole backend in a few lines of handlers on the kit, in memory: users
 * alice and bob (access tokens `access-<userId>`), threads of members.
 */
export const tinyHandlers = (tokens: BackendTokens): ContractHandlers<TokenUser> => {
  const threads = new Map<string, Thread>();
  const view = async (thread: Thread) => ({
    threadId: thread.threadId,
    threadToken: await tokens.signThreadToken(thread),
    members: TINY_USERS.filter((u) => thread.memberIds.includes(u.userId)),
    lastMessageTime: thread.messages.at(-1)?.creationTime ?? 0,
  });
  const stamp = (thread: Thread, from: string, message: { type: string; data: unknown }): Message => {
    const previous = thread.messages.at(-1)?.creationTime ?? 0;
    const now = Math.round(Date.now()) / 1000;
    const stored = { messageId: randomUUID(), fromUserId: from, creationTime: Math.max(now, previous + 0.001), ...message };
    thread.messages.push(stored);
    return stored;
  };
  const memberThread = (user: TokenUser, threadId: string): Thread => {
    const thread = threads.get(threadId);
    if (thread === undefined) throw ContractError.notFound('no such thread');
    if (!thread.memberIds.includes(user.userId)) throw ContractError.forbidden('not a member');
    return thread;
  };
  return {
    getUserToken: async (accessToken) => {
      const user = TINY_USERS.find((u) => `access-${u.userId}` === accessToken);
      return user === undefined ? ContractError.unauthorized('unknown access token') : { userToken: await tokens.signUserToken(user) };
    },
    getContacts: async (user) => TINY_USERS.filter((u) => u.userId !== user.userId),
    getThreads: async (user) =>
      Promise.all([...threads.values()].filter((t) => t.memberIds.includes(user.userId)).map(view)),
    createThread: async (user, { memberIds, message }) => {
      const ids = [...new Set([user.userId, ...memberIds])];
      if (!ids.every((id) => TINY_USERS.some((u) => u.userId === id))) return ContractError.badRequest('unknown member');
      const thread: Thread = { threadId: randomUUID(), memberIds: ids, messages: [] };
      threads.set(thread.threadId, thread);
      const first = stamp(thread, user.userId, message);
      return { thread: await view(thread), messages: [first] };
    },
    getThread: async (user, { threadId, since }) => {
      const thread = memberThread(user, threadId);
      const messages = thread.messages.filter((m) => since == null || m.creationTime > since);
      return { thread: await view(thread), messages };
    },
    addThreadMessage: async (user, { threadId, message }) => {
      const thread = memberThread(user, threadId);
      const stored = stamp(thread, user.userId, message);
      return { thread: await view(thread), messages: [stored] };
    },
  };
};

export interface RunningKoa {
  readonly url: string;
  readonly tokens: BackendTokens;
  close(): Promise<void>;
}

/** A Koa app: JSON body parser, then the kit's router over `handlers`, on an ephemeral port. */
export const startKoaKitBackend = async (
  handlers?: ContractHandlers<TokenUser>,
  options: Partial<ContractRouterOptions<TokenUser>> = {},
): Promise<RunningKoa> => {
  const keys = await testKeys();
  const tokens = new BackendTokens({ privateKey: keys.privateKey, publicKey: keys.publicKey });
  const kit = createContractRouter(handlers ?? tinyHandlers(tokens), { tokens, ...options });
  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['json'] }));
  app.use(kit.router.routes());
  return { ...(await listen(createServer(app.callback()))), tokens };
};

export const listen = async (server: Server): Promise<{ url: string; close(): Promise<void> }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
