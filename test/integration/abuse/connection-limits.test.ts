import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createClient, requestOk, sleep, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { RawSocketIo } from './raw-socket-io.js';

/**
 * Connection-level limits (docs/security.md#limits): sockets per user on
 * this node, the handshake deadline, and repeated failed handshakes on one
 * transport connection.
 */
describe('abuse: connection limits', () => {
  let world: EcbWorld;
  afterEach(async () => world.close());

  const refusal = (promise: Promise<ClientSocket>): Promise<{ message: string; data: unknown }> =>
    promise.then(
      (socket) => {
        socket.close();
        throw new Error('connected, expected a refusal');
      },
      (error: { message: string; data: unknown }) => error,
    );

  describe('sockets per user', () => {
    beforeEach(async () => {
      world = await startEcbWorld({ maxConnectionsPerUser: 2 });
    });

    it('refuses a connection over the cap with connect_error RATE_LIMITED', async () => {
      await world.connect('alice');
      await world.connect('alice');
      const error = await refusal(createClient(world.ecb.url, { userToken: await world.userToken('alice') }));
      expect(error.message).to.equal('RATE_LIMITED');
      expect(error.data).to.deep.include({ code: 'RATE_LIMITED' });
      expect((error.data as { message: string }).message).to.match(/retry in/);
      // the cap is per user
      await requestOk(await world.connect('bob'), 'getContacts', {});
    });

    it('frees a place when a socket disconnects', async () => {
      const first = await world.connect('alice');
      await world.connect('alice');
      first.close();
      // the server sees the close a moment later
      let again: ClientSocket | undefined;
      for (let attempt = 0; attempt < 20 && again === undefined; attempt++) {
        again = await createClient(world.ecb.url, { userToken: await world.userToken('alice') }).catch(() => undefined);
        if (again === undefined) await sleep(50);
      }
      expect(again?.connected).to.equal(true);
      world.track(again as ClientSocket);
    });

    it('frees the places of sockets whose transport dropped (long-polling too)', async () => {
      const polling = await world.connect('alice', { transports: ['polling'] });
      await world.connect('alice');
      polling.io.engine.close();
      await sleep(100);
      await world.connect('alice');
    });
  });

  describe('handshakes', () => {
    it('closes an engine.io connection that never sends CONNECT after ECB_CONNECT_TIMEOUT_MS', async () => {
      world = await startEcbWorld({ connectTimeoutMs: 300 });
      const raw = await RawSocketIo.open(world.ecb.url);
      const started = Date.now();
      const outcome = await Promise.race([raw.closed.then(() => 'closed'), sleep(3_000).then(() => 'still open')]);
      raw.close();
      expect(outcome).to.equal('closed');
      expect(Date.now() - started).to.be.at.least(200);
    });

    it('closes a connection whose only handshake was refused, after ECB_CONNECT_TIMEOUT_MS', async () => {
      world = await startEcbWorld({ connectTimeoutMs: 300, maxHandshakeFailures: 5 });
      const raw = await RawSocketIo.open(world.ecb.url);
      raw.send('40{"userToken":"not-a-token"}');
      await raw.next((f) => f.startsWith('44'));
      const outcome = await Promise.race([raw.closed.then(() => 'closed'), sleep(3_000).then(() => 'still open')]);
      raw.close();
      expect(outcome).to.equal('closed');
    });

    it('closes the transport after ECB_MAX_HANDSHAKE_FAILURES refused handshakes on it', async () => {
      world = await startEcbWorld({ maxHandshakeFailures: 5 });
      const raw = await RawSocketIo.open(world.ecb.url);
      try {
        for (let i = 1; i <= 4; i++) {
          raw.send('40{"userToken":"not-a-token"}');
          await raw.next(() => raw.frames.filter((f) => f.startsWith('44')).length >= i);
          expect(raw.isOpen).to.equal(true);
        }
        raw.send('40{"userToken":"not-a-token"}');
        const code = await Promise.race([raw.closed, sleep(3_000).then(() => 'still open')]);
        expect(code).to.not.equal('still open');
        expect(raw.frames.filter((f) => f.startsWith('44'))).to.have.length(5);
      } finally {
        raw.close();
      }
    });

    it('closes a transport that piles up handshakes without waiting for the answers', async () => {
      world = await startEcbWorld({ maxHandshakeFailures: 5 });
      const raw = await RawSocketIo.open(world.ecb.url);
      try {
        for (let i = 0; i < 50; i++) raw.send('40{"userToken":"not-a-token"}');
        const code = await Promise.race([raw.closed, sleep(3_000).then(() => 'still open')]);
        expect(code).to.not.equal('still open');
        expect(raw.frames.filter((f) => f.startsWith('44')).length).to.be.at.most(5);
      } finally {
        raw.close();
      }
      // ECB still serves everyone else
      await requestOk(await world.connect('alice'), 'getContacts', {});
    });

    it('lets a client fail a few times and then connect on the same transport', async () => {
      world = await startEcbWorld({ maxHandshakeFailures: 5 });
      const raw = await RawSocketIo.open(world.ecb.url);
      try {
        for (let i = 1; i <= 3; i++) {
          raw.send('40{"userToken":"not-a-token"}');
          await raw.next(() => raw.frames.filter((f) => f.startsWith('44')).length >= i);
        }
        raw.send(`40${JSON.stringify({ userToken: await world.userToken('alice') })}`);
        await raw.next((f) => f.startsWith('40{"sid"'));
        expect(await raw.request(1, 'getContacts', {})).to.have.property('ok', true);
      } finally {
        raw.close();
      }
    });
  });
});
