import { expect } from 'chai';
import { EcbClientError } from '../../../client/src/index.js';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { eventually, nextEvent, record, startClientWorld, storedTexts, threadTokenOf, type ClientWorld } from './client-fixture.js';

const expiryOf = (token: string): number =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number }).exp;

/** Waits until ECB counts the token as expired (requests at or after `exp`). */
const pastExpiry = (token: string): Promise<void> =>
  eventually('the token expires', () => Date.now() / 1000 >= expiryOf(token) + 0.1, 10_000);

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(EcbClientError);
    return (error as EcbClientError).code;
  }
  throw new Error('expected a rejection');
};

describe('ecb-client: user token renewal', function () {
  this.timeout(30_000);
  let world: ClientWorld;

  beforeEach(async () => {
    world = await startClientWorld();
  });

  afterEach(async () => {
    await world.close();
  });

  /** getToken handing out the given lifetimes in turn (the last one repeats), recording each token. */
  const tokenSource = (userId: string, lifetimes: number[]): { issued: string[]; getToken: () => Promise<string> } => {
    const issued: string[] = [];
    return {
      issued,
      getToken: async () => {
        const lifetime = lifetimes[Math.min(issued.length, lifetimes.length - 1)];
        const token = await world.userToken(userId, lifetime);
        issued.push(token);
        return token;
      },
    };
  };

  it('after TOKEN_EXPIRED, gets a fresh token from getToken, reconnects and retries the request once', async () => {
    const source = tokenSource('alice', [2, 3600]);
    const client = world.client({ getToken: source.getToken, tokenRefresh: { proactive: false, beforeExpirySeconds: 0 } });
    const refreshed = record(client, 'tokenRefreshed');
    const states = record(client, 'state');
    await client.ready();
    await pastExpiry(source.issued[0]!);

    const page = await client.getThreads();

    expect(page.items.map((thread) => thread.threadId)).to.deep.equal([PEER_THREAD_ID]);
    expect(source.issued).to.have.length(2);
    expect(refreshed.map(({ userToken }) => userToken)).to.deep.equal(source.issued);
    expect(states.map(({ state }) => state)).to.deep.equal(['connected', 'reconnecting', 'connected']);
    // TOKEN_EXPIRED is ECB's answer: only the retry reached the backend, with the new token.
    const requests = world.stub.requestsTo('getThreads');
    expect(requests.map((request) => request.headers['authorization'])).to.deep.equal([`Bearer ${source.issued[1]}`]);
  });

  it('a message sent after expiry is renewed, re-sent with the same clientMessageId, and stored once', async () => {
    const source = tokenSource('alice', [2, 3600]);
    const client = world.client({ getToken: source.getToken, tokenRefresh: { proactive: false, beforeExpirySeconds: 0 } });
    await client.ready();
    const token = await threadTokenOf(client, PEER_THREAD_ID);
    await pastExpiry(source.issued[0]!);
    await client.sendText(token, 'after expiry');
    expect(source.issued).to.have.length(2);
    expect((await storedTexts(world.stub, PEER_THREAD_ID)).filter((t) => t === 'after expiry')).to.have.length(1);
  });

  it('renews the token before it expires, and reconnects with it (open threads still receive messages)', async () => {
    const source = tokenSource('alice', [6, 3600]);
    const client = world.client({ getToken: source.getToken, tokenRefresh: { beforeExpirySeconds: 3 } });
    await client.ready();
    await client.openThread(await threadTokenOf(client, PEER_THREAD_ID));
    const firstExpiry = expiryOf(source.issued[0]!);

    const recovered = nextEvent(client, 'recovered', () => true, 10_000);
    const renewed = await nextEvent(client, 'tokenRefreshed', () => true, 10_000);
    expect(Date.now() / 1000).to.be.below(firstExpiry);
    expect(renewed.userToken).to.equal(source.issued[1]);
    expect((await recovered).threadIds).to.deep.equal([PEER_THREAD_ID]);

    const bob = await world.connect('bob');
    const message = nextEvent(client, 'message');
    await bob.sendText(await threadTokenOf(bob, PEER_THREAD_ID), 'still here');
    expect((await message).message.data).to.deep.equal({ messageText: 'still here' });
  });

  it('with a plain userToken, TOKEN_EXPIRED is surfaced and the client stops', async () => {
    const userToken = await world.userToken('alice', 2);
    const client = world.client({ userToken });
    await client.ready();
    await pastExpiry(userToken);
    const stopped = nextEvent(client, 'state', ({ state }) => state === 'disconnected');
    expect(await codeOf(client.getThreads())).to.equal('TOKEN_EXPIRED');
    expect((await stopped).error?.code).to.equal('TOKEN_EXPIRED');
  });

  it('stops with TOKEN_REFRESH_FAILED when getToken keeps failing', async () => {
    let calls = 0;
    const first = await world.userToken('alice', 2);
    const client = world.client({
      getToken: async () => {
        calls += 1;
        if (calls === 1) return first;
        throw new Error('identity provider down');
      },
      tokenRefresh: { proactive: false, beforeExpirySeconds: 0, maxAttempts: 3 },
    });
    await client.ready();
    await pastExpiry(first);
    const stopped = nextEvent(client, 'state', ({ state }) => state === 'disconnected');
    expect(await codeOf(client.getThreads())).to.equal('TOKEN_REFRESH_FAILED');
    expect((await stopped).error?.code).to.equal('TOKEN_REFRESH_FAILED');
    expect(calls).to.equal(4);
  });

  it('when ECB disconnects the user (revocation), reconnects only with a token getToken still gives', async () => {
    const source = tokenSource('alice', [3600]);
    const renewable = world.client({ getToken: source.getToken });
    const fixed = await world.connect('alice');
    await renewable.ready();
    const fixedStopped = nextEvent(fixed, 'state', ({ state }) => state === 'disconnected');
    const back = nextEvent(renewable, 'state', ({ state }) => state === 'connected');

    const response = await fetch(`${world.url}/api/v1/server/users/alice/connections`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await world.stub.tokens.signServerToken()}` },
    });
    expect(response.status).to.equal(204);

    await back;
    expect(source.issued).to.have.length(2);
    expect((await fixedStopped).error?.code).to.equal('DISCONNECTED');
  });
});
