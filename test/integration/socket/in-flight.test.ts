import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import type { InFlightOperations } from '../../../src/adapters/in-flight-operations.js';
import { TOKENS } from '../../../src/tokens.js';
import { request, sleep, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

/**
 * A socket event counts as in flight (what a graceful shutdown waits for)
 * from its arrival until its ack is sent, whatever the outcome.
 */
describe('socket events in flight', () => {
  let world: EcbWorld;
  afterEach(async () => world.close());

  const inFlight = (): InFlightOperations => world.ecb.container.get<InFlightOperations>(TOKENS.InFlight);

  for (const outcome of ['stored', 'timed out'] as const) {
    it(`counts a sendMessage from its arrival until its ack (${outcome})`, async () => {
      world = await startEcbWorld({ backendTimeoutMs: 300 });
      const alice = await world.connect('alice');
      const threadToken = await world.threadToken(PEER_THREAD_ID);
      world.stub.delay('addThreadMessage', outcome === 'stored' ? 150 : 1_000);
      const ack = request(alice, 'sendMessage', { threadToken, message: text('hi') });
      for (let i = 0; i < 100 && inFlight().size === 0; i++) await sleep(5);
      expect(inFlight().size, 'while the backend is answering').to.equal(1);
      expect((await ack).ok).to.equal(outcome === 'stored');
      expect(inFlight().size, 'once answered').to.equal(0);
      expect(await inFlight().waitIdle(0)).to.equal(true);
    });
  }

  it('counts a request refused before any backend call (bad payload) and releases it', async () => {
    world = await startEcbWorld();
    const alice = await world.connect('alice');
    const ack = await request(alice, 'sendMessage', { threadToken: 42 });
    expect(ack.ok).to.equal(false);
    expect(inFlight().size).to.equal(0);
  });
});
