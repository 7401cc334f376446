import { expect } from 'chai';
import { EcbClient, type ThreadAndMessages } from '../../../client/src/index.js';
import { SEED_USERS } from '../../../reference-backend/seed.js';
import { sleep } from '../../support/ecb-harness.js';
import { testKeys } from '../../support/keys.js';
import { requireSharedRedis, SHARED_REDIS_URL, uniqueChannelPrefix } from '../../support/redis.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';
import { FAST, record, text } from '../client/client-fixture.js';
import { waitUntil, waitUntilReady } from './cluster.js';
import { startEcbProcess, type EcbProcess } from './ecb-process.js';
import { startTcpForwarder, type TcpForwarder } from './tcp-forwarder.js';

const MESSAGES_PER_CLIENT = 30;
/** Two clients per user: a user's other device must get the user's messages too. */
const CLIENT_NAMES = ['alice-1', 'alice-2', 'bob-1', 'bob-2'] as const;
const userOf = (name: string): string => name.split('-')[0]!;
/** How long the backend holds the requests in flight when node A dies: they are stored after A is gone. */
const IN_FLIGHT_DELAY_MS = 500;

interface Sender {
  readonly name: string;
  readonly client: EcbClient;
  readonly seen: Array<{ threadId: string; message: { messageId: string; data: unknown } }>;
}

/**
 * Two real `ecb start` processes on the shared Redis behind a TCP forwarder
 * (a load balancer). Clients of two users send a burst through the client
 * library's outbox; node A is SIGKILLed while some sends are in flight at
 * the backend (stored after A died: their answers are lost); the forwarder
 * is re-pointed at node B and the clients reconnect there. In the end the
 * backend's store is the reference: each message stored once, each send
 * resolved with the stored message, and each other client saw it once.
 */
describe('a node killed mid-send', function () {
  this.timeout(60_000);
  let stub: StubBackend | undefined;
  let nodes: EcbProcess[] = [];
  let forwarder: TcpForwarder | undefined;
  let senders: Sender[] = [];

  before(async function () {
    await requireSharedRedis(this);
  });
  beforeEach(async () => {
    stub = await startStubBackend();
    const env = {
      ECB_BACKEND_URL: stub.url,
      ECB_PUBLIC_KEY: (await testKeys()).publicPem,
      ECB_REDIS_URL: SHARED_REDIS_URL,
      ECB_REDIS_CHANNEL_PREFIX: uniqueChannelPrefix(),
    };
    nodes = await Promise.all([startEcbProcess(env), startEcbProcess(env)]);
    await Promise.all(nodes.map((node) => waitUntilReady(node.url)));
    forwarder = await startTcpForwarder(nodes[0]!.url);
    senders = [];
  });
  afterEach(async () => {
    for (const { client } of senders) await client.close();
    await forwarder?.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await stub?.close();
  });

  const connect = async (name: string): Promise<Sender> => {
    const user = SEED_USERS.find((seeded) => seeded.userId === userOf(name))!;
    const client = new EcbClient(forwarder!.url, { ...FAST, userToken: await stub!.tokens.signUserToken(user) });
    const sender = { name, client, seen: record(client, 'message') };
    senders.push(sender);
    await client.ready();
    return sender;
  };

  const killHard = async (node: EcbProcess): Promise<void> => {
    const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
    node.child.kill('SIGKILL');
    await exited;
  };

  const storedTexts = async (threadId: string): Promise<string[]> =>
    (await stub!.store.listMessages(threadId)).map((message) => (message.data as { messageText: string }).messageText);

  it('stores every message once, resolves every send with it, and shows it once to every other client', async () => {
    const [nodeA, nodeB] = nodes as [EcbProcess, EcbProcess];
    const all = await Promise.all(CLIENT_NAMES.map(connect));
    const creator = all[0]!;
    const created = await creator.client.createThread(['bob'], text('start'));
    const { threadId } = created.thread;
    const threadToken = await stub!.tokens.signThreadToken((await stub!.store.findThread(threadId))!);
    for (const sender of all.slice(1)) await sender.client.openThread(threadToken);

    const textOf = (name: string, i: number): string => `${name}#${i}`;
    const sends = new Map<string, Promise<ThreadAndMessages>>();
    const outcomes = new Map<string, Array<'resolved' | 'rejected'>>();
    for (let i = 0; i < MESSAGES_PER_CLIENT; i++) {
      for (const { name, client } of all) {
        const messageText = textOf(name, i);
        const sent = client.sendText(threadToken, messageText);
        sends.set(messageText, sent);
        outcomes.set(messageText, []);
        void sent.then(
          () => outcomes.get(messageText)!.push('resolved'),
          () => outcomes.get(messageText)!.push('rejected'),
        );
      }
    }
    const total = MESSAGES_PER_CLIENT * all.length;

    // Mid-burst: the next requests reach the backend through A but are held there, then A dies.
    await waitUntil('a quarter of the burst is stored', async () => (await storedTexts(threadId)).length > total / 4, 20_000);
    const requestsBefore = stub!.requestsTo('addThreadMessage').length;
    stub!.delay('addThreadMessage', IN_FLIGHT_DELAY_MS, all.length);
    await waitUntil('sends are in flight at the backend', () => stub!.requestsTo('addThreadMessage').length > requestsBefore);
    await killHard(nodeA);
    const storedAtKill = (await storedTexts(threadId)).length - 1;
    forwarder!.pointTo(nodeB.url);

    const settled = await Promise.allSettled([...sends.values()]);
    const rejected = settled.filter((outcome) => outcome.status === 'rejected');
    expect(rejected, 'rejected sends').to.deep.equal([]);
    expect(storedAtKill, 'messages stored when A died').to.be.lessThan(total);
    const keys = stub!.requestsTo('addThreadMessage').map((request) => request.headers['idempotency-key']);
    expect(new Set(keys).size, 'sends repeated through B after their answer was lost').to.be.lessThan(keys.length);
    expect(forwarder!.forwarded.get(new URL(nodeB.url).origin) ?? 0, 'connections forwarded to B').to.be.at.least(all.length);

    // Stored once each, and nothing else.
    const stored = await stub!.store.listMessages(threadId);
    const expectedTexts = ['start', ...all.flatMap(({ name }) => [...Array(MESSAGES_PER_CLIENT).keys()].map((i) => textOf(name, i)))];
    expect(stored.map((message) => (message.data as { messageText: string }).messageText)).to.have.members(expectedTexts);
    expect(stored).to.have.length(expectedTexts.length);
    const storedIdOf = new Map(stored.map((message) => [(message.data as { messageText: string }).messageText, message.messageId]));

    // Each send settled once, with the message as stored.
    for (const [messageText, sent] of sends) {
      expect(outcomes.get(messageText), messageText).to.deep.equal(['resolved']);
      const ack = await sent;
      expect(ack.messages.map((message) => message.messageId), messageText).to.deep.equal([storedIdOf.get(messageText)]);
    }

    // Each client saw every message of the others exactly once, and none of its own. The thread's
    // first message is left out: it may be pushed before a client opened the thread.
    const burst = stored.filter((message) => message.messageId !== storedIdOf.get('start'));
    const othersOf = (name: string): string[] =>
      burst.filter((message) => !(message.data as { messageText: string }).messageText.startsWith(`${name}#`)).map((message) => message.messageId);
    const seenIds = (sender: Sender): string[] =>
      sender.seen.map((push) => push.message.messageId).filter((messageId) => messageId !== storedIdOf.get('start'));
    for (const sender of all) {
      const expected = othersOf(sender.name).length;
      await waitUntil(`${sender.name} saw ${expected} messages`, () => seenIds(sender).length >= expected, 20_000);
    }
    await sleep(300); // a late duplicate would arrive by now
    const textOfId = new Map([...storedIdOf].map(([messageText, messageId]) => [messageId, messageText]));
    for (const sender of all) {
      const seen = seenIds(sender);
      const expected = othersOf(sender.name);
      const report = {
        missing: expected.filter((messageId) => !seen.includes(messageId)).map((id) => textOfId.get(id)),
        twice: seen.filter((messageId, i) => seen.indexOf(messageId) !== i).map((id) => textOfId.get(id) ?? id),
        unexpected: seen.filter((messageId) => !expected.includes(messageId)).map((id) => textOfId.get(id) ?? id),
      };
      expect(sender.seen.every((push) => push.threadId === threadId), sender.name).to.equal(true);
      expect(report, sender.name).to.deep.equal({ missing: [], twice: [], unexpected: [] });
    }
  });
});
