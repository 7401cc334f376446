import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createClient, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { AUDIENCE, ISSUER, ISSUER_AUDIENCE_CASES, leakIn, USER_TOKEN_CASES, type TokenCase } from './token-cases.js';

/** ECB-SPEC §2 at the socket handshake: every user-token case, accepted or refused with its code. */

type Outcome = { connected: true } | { connected: false; code: string; data: { code: string; message: string } | undefined };

const handshake = async (world: EcbWorld, token: string): Promise<Outcome> => {
  let socket: ClientSocket;
  try {
    socket = await createClient(world.ecb.url, { userToken: token });
  } catch (error) {
    const refusal = error as Error & { data?: { code: string; message: string } };
    return { connected: false, code: refusal.message, data: refusal.data };
  }
  socket.close();
  return { connected: true };
};

const runCases = (cases: readonly TokenCase[], world: () => EcbWorld): void => {
  for (const { name, token, expected } of cases) {
    const verdict = expected === 'accepted' ? 'accepts' : `refuses with ${expected}`;
    it(`${verdict}: ${name}`, async () => {
      const credential = await token();
      const outcome = await handshake(world(), credential);
      if (expected === 'accepted') {
        expect(outcome).to.deep.equal({ connected: true });
        return;
      }
      expect(outcome.connected).to.equal(false);
      if (outcome.connected) return;
      expect(outcome.code).to.equal(expected);
      expect(outcome.data?.code).to.equal(expected);
      expect(leakIn(outcome.data?.message ?? '', [credential])).to.equal(undefined);
      // refused before the backend could be asked anything
      expect(world().stub.requests).to.deep.equal([]);
    });
  }
};

describe('socket handshake: the user-token matrix (ECB-SPEC §2)', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld();
  });
  afterEach(async () => world.close());

  runCases(USER_TOKEN_CASES, () => world);
});

describe('socket handshake: iss and aud when configured', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE });
  });
  afterEach(async () => world.close());

  runCases(ISSUER_AUDIENCE_CASES, () => world);
});
