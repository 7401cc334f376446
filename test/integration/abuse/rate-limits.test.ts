import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { DEFAULT_ABUSE_LIMITS, type EcbConfig, type RateLimits } from '../../../src/config.js';
import { httpRequest, request, requestOk, startEcbWorld, type Ack, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * Rate limits (docs/security.md#limits): per connection and per user, by
 * kind of event, answered RATE_LIMITED (retryable, with a retry hint), and
 * per user on REST (HTTP 429 with Retry-After). The refill is one token
 * per 100 s here (settings read from the environment are whole numbers;
 * tests may be finer), so nothing refills while a test sends.
 */
const SLOW = { perSecond: 0.01, burst: 3 };
const WIDE = { perSecond: 1_000, burst: 1_000 };

const limits = (over: Partial<RateLimits>): Partial<EcbConfig> => ({
  rateLimits: { ...DEFAULT_ABUSE_LIMITS.rateLimits, ...over },
});

const text = (messageText: string) => ({ type: 'text', data: { messageText } });
const typing = { type: 'typing', data: true };

const expectRateLimited = (ack: Ack): void => {
  expect(ack.ok).to.equal(false);
  if (ack.ok) return;
  expect(ack.error.code).to.equal('RATE_LIMITED');
  expect(ack.error.retryable).to.equal(true);
  expect(ack.error.message).to.match(/retry in \d+\.\d s/);
};

describe('abuse: rate limits', () => {
  let world: EcbWorld;
  afterEach(async () => world.close());

  const send = async (socket: ClientSocket, message: unknown): Promise<Ack> =>
    request(socket, 'sendMessage', { threadToken: await world.threadToken(PEER_THREAD_ID), message });

  it('refuses messages over the per-connection burst as RATE_LIMITED, and stores none of them', async () => {
    world = await startEcbWorld(limits({ messages: { perConnection: SLOW, perUser: WIDE } }));
    const alice = await world.connect('alice');
    for (let i = 0; i < 3; i++) expect((await send(alice, text(`m${i}`))).ok).to.equal(true);
    expectRateLimited(await send(alice, text('one too many')));
    expect(world.stub.requestsTo('addThreadMessage')).to.have.length(3);
    // the limit is this connection's: the same user's other tab may still send
    const aliceTab = await world.connect('alice');
    expect((await send(aliceTab, text('from the other tab'))).ok).to.equal(true);
  });

  it('refuses messages over the per-user burst across all of the user\'s connections', async () => {
    world = await startEcbWorld(limits({ messages: { perConnection: WIDE, perUser: SLOW } }));
    const [tab1, tab2] = [await world.connect('alice'), await world.connect('alice')];
    expect((await send(tab1, text('1'))).ok).to.equal(true);
    expect((await send(tab2, text('2'))).ok).to.equal(true);
    expect((await send(tab1, text('3'))).ok).to.equal(true);
    expectRateLimited(await send(tab2, text('4')));
    // another user has a budget of their own
    const bob = await world.connect('bob');
    expect((await send(bob, text('from bob'))).ok).to.equal(true);
  });

  it('counts typing apart from messages, with its own limit', async () => {
    world = await startEcbWorld(
      limits({ messages: { perConnection: SLOW, perUser: WIDE }, typing: { perConnection: { perSecond: 0.01, burst: 2 }, perUser: WIDE } }),
    );
    const alice = await world.connect('alice');
    for (let i = 0; i < 3; i++) await send(alice, text(`m${i}`));
    expectRateLimited(await send(alice, text('over')));
    expect((await send(alice, typing)).ok).to.equal(true);
    expect((await send(alice, typing)).ok).to.equal(true);
    expectRateLimited(await send(alice, typing));
  });

  it('limits every other event per connection and per user', async () => {
    world = await startEcbWorld(limits({ other: { perConnection: SLOW, perUser: { perSecond: 0.01, burst: 5 } } }));
    const tab1 = await world.connect('alice');
    for (let i = 0; i < 3; i++) await requestOk(tab1, 'getContacts', {});
    expectRateLimited(await request(tab1, 'getThreads', {}));
    const tab2 = await world.connect('alice');
    await requestOk(tab2, 'getThreads', {});
    await requestOk(tab2, 'getThreads', {});
    expectRateLimited(await request(tab2, 'getContacts', {}));
    expect(world.stub.requestsTo('getContacts').length + world.stub.requestsTo('getThreads').length).to.equal(5);
  });

  it('lets a refused client succeed again once the bucket refills', async () => {
    world = await startEcbWorld(limits({ other: { perConnection: { perSecond: 20, burst: 1 }, perUser: WIDE } }));
    const alice = await world.connect('alice');
    await requestOk(alice, 'getContacts', {});
    const refused = await request(alice, 'getContacts', {});
    expectRateLimited(refused);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await requestOk(alice, 'getContacts', {});
  });

  it('answers REST requests over the per-user limit with 429, Retry-After and a RATE_LIMITED body', async () => {
    world = await startEcbWorld(limits({ restPerUser: SLOW }));
    const headers = { authorization: `Bearer ${await world.userToken('alice')}` };
    for (let i = 0; i < 3; i++) expect((await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers })).status).to.equal(200);
    const refused = await httpRequest(`${world.ecb.url}/api/v1/threads`, { headers });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers['retry-after'])).to.be.at.least(1);
    expect(refused.body.error).to.include({ code: 'RATE_LIMITED', retryable: true });
    expect(refused.body.error.message).to.match(/retry in/);
    // per user: bob is still served, and so are the operational endpoints
    const bob = { authorization: `Bearer ${await world.userToken('bob')}` };
    expect((await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: bob })).status).to.equal(200);
    expect((await httpRequest(`${world.ecb.url}/healthz`)).status).to.equal(200);
  });

  it('does not spend a user\'s REST budget on requests without a valid token', async () => {
    world = await startEcbWorld(limits({ restPerUser: SLOW }));
    for (let i = 0; i < 5; i++) {
      expect((await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers: { authorization: 'Bearer nope' } })).status).to.equal(401);
    }
    const headers = { authorization: `Bearer ${await world.userToken('alice')}` };
    expect((await httpRequest(`${world.ecb.url}/api/v1/contacts`, { headers })).status).to.equal(200);
  });

  it('turns a limit off with a rate of 0', async () => {
    world = await startEcbWorld(limits({ other: { perConnection: { perSecond: 0, burst: 1 }, perUser: { perSecond: 0, burst: 1 } } }));
    const alice = await world.connect('alice');
    for (let i = 0; i < 10; i++) await requestOk(alice, 'getContacts', {});
  });
});
