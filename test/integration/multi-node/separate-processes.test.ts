import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { closeAll, collect, createClient, httpRequest, requestOk } from '../../support/ecb-harness.js';
import { testKeys } from '../../support/keys.js';
import { requireRedisServerProgram, startPrivateRedis, type PrivateRedis } from '../../support/redis.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';
import { disconnected, waitUntil, waitUntilReady } from './cluster.js';
import { startEcbProcess, type EcbProcess } from './ecb-process.js';

/**
 * Two real `ecb start` processes sharing a private Redis through
 * ECB_REDIS_URL, as an operator would run them: no shared memory, only
 * Redis between them.
 */
describe('two ECB processes sharing Redis', function () {
  this.timeout(30_000);
  let redis: PrivateRedis | undefined;
  let stub: StubBackend | undefined;
  let processes: EcbProcess[] = [];
  let sockets: ClientSocket[] = [];

  before(function () {
    requireRedisServerProgram(this);
  });
  beforeEach(async () => {
    redis = await startPrivateRedis();
    stub = await startStubBackend();
    const env = { ECB_BACKEND_URL: stub.url, ECB_PUBLIC_KEY: (await testKeys()).publicPem, ECB_REDIS_URL: redis.url };
    processes = [await startEcbProcess(env), await startEcbProcess(env)];
    await Promise.all(processes.map((ecb) => waitUntilReady(ecb.url)));
    sockets = [];
  });
  afterEach(async () => {
    await closeAll(...sockets);
    await Promise.all(processes.map((ecb) => ecb.stop()));
    await closeAll(stub, redis);
  });

  const connect = async (ecb: EcbProcess, userId: string): Promise<ClientSocket> => {
    const user = await stub!.store.findUser(userId);
    const socket = await createClient(ecb.url, { userToken: await stub!.tokens.signUserToken(user!) });
    sockets.push(socket);
    return socket;
  };

  it('delivers a message sent to one process exactly once to a socket on the other', async () => {
    const [first, second] = processes as [EcbProcess, EcbProcess];
    const alice = await connect(first, 'alice');
    const bob = await connect(second, 'bob');
    const created = await requestOk<{ thread: { threadToken: string } }>(alice, 'createThread', {
      memberIds: ['bob'],
      message: { type: 'text', data: { messageText: 'hi' } },
    });
    await requestOk(bob, 'getThread', { threadToken: created.thread.threadToken });
    const toBob = collect<{ message: { messageId: string } }>(bob, 'message');

    const sent: string[] = [];
    for (const messageText of ['one', 'two']) {
      const ack = await requestOk<{ messages: Array<{ messageId: string }> }>(alice, 'sendMessage', {
        threadToken: created.thread.threadToken,
        message: { type: 'text', data: { messageText } },
      });
      sent.push(ack.messages[0]!.messageId);
    }

    await waitUntil('bob has both messages', () => toBob.length >= 2);
    expect(toBob.map((push) => push.message.messageId)).to.deep.equal(sent);
  });

  it('revokes through one process the sockets held by the other', async () => {
    const [first, second] = processes as [EcbProcess, EcbProcess];
    const bob = await connect(second, 'bob');
    const gone = disconnected(bob);

    const answer = await httpRequest(`${first.url}/api/v1/server/users/bob/connections`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await stub!.tokens.signServerToken()}` },
    });

    expect(answer.status).to.equal(204);
    expect(await gone).to.equal('io server disconnect');
  });

  it('stops gracefully on SIGTERM with Redis connected', async () => {
    expect(await Promise.all(processes.map((ecb) => ecb.stop()))).to.deep.equal([0, 0]);
    for (const ecb of processes) expect(ecb.stdout()).to.include('"ECB stopped"');
  });
});
