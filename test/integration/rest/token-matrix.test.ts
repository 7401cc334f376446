import { expect } from 'chai';
import { startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { AUDIENCE, ISSUER, ISSUER_AUDIENCE_CASES, USER_TOKEN_CASES, type TokenCase } from '../socket/token-cases.js';
import { expectRestError, restClient } from './rest-client.js';

/** ECB-SPEC §2 on REST: the same user-token cases as the socket handshake, as `Authorization: Bearer`. */

const runCases = (cases: readonly TokenCase[], world: () => EcbWorld): void => {
  for (const { name, token, expected } of cases) {
    const verdict = expected === 'accepted' ? 'accepts' : `refuses with ${expected}`;
    it(`${verdict}: ${name}`, async () => {
      const credential = await token();
      const answer = await restClient(world().ecb.url).get('/api/v1/contacts', { token: credential });
      if (expected === 'accepted') {
        expect(answer.status, answer.text).to.equal(200);
        expect(world().stub.requestsTo('getContacts')).to.have.length(1);
        return;
      }
      expectRestError(answer, expected, [credential]);
      expect(world().stub.requests).to.deep.equal([]);
    });
  }
};

describe('REST: the user-token matrix (ECB-SPEC §2)', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld();
  });
  afterEach(async () => world.close());

  runCases(USER_TOKEN_CASES, () => world);
});

describe('REST: iss and aud when configured', () => {
  let world: EcbWorld;
  beforeEach(async () => {
    world = await startEcbWorld({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE });
  });
  afterEach(async () => world.close());

  runCases(ISSUER_AUDIENCE_CASES, () => world);
});
