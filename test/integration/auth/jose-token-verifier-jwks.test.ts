import { expect } from 'chai';
import { exportJWK } from 'jose';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { JWKS_EARLY_RELOADS } from '../../../src/adapters/auth/key-lookup.js';
import { aConfig } from '../../support/config.js';
import { newKeys, testKeys, type TestKeys } from '../../support/keys.js';
import { startCountingServer, type CountingServer } from './counting-server.js';
import { rawSigned } from './forge.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { serverAt, threadAt, userAt } from './tokens-at.js';

const publicJwk = async (keys: TestKeys, kid: string) => ({
  ...(await exportJWK(keys.publicKey)),
  kid,
  alg: 'RS256',
  use: 'sig',
});

describe('JoseTokenVerifier with a JWKS URL', () => {
  let first: TestKeys;
  let second: TestKeys;
  let attacker: TestKeys;
  let jwksServer: CountingServer;
  let attackerServer: CountingServer;
  let verifier: JoseTokenVerifier;

  before(async () => {
    first = await testKeys();
    second = await newKeys();
    attacker = await newKeys();
  });

  beforeEach(async () => {
    jwksServer = await startCountingServer(200, { keys: [await publicJwk(first, 'key-1'), await publicJwk(second, 'key-2')] });
    attackerServer = await startCountingServer(200, { keys: [await publicJwk(attacker, 'key-1')] });
    verifier = new JoseTokenVerifier(await aConfig({ keys: { kind: 'jwks', url: jwksServer.url } }), frozenClock());
  });

  afterEach(async () => {
    await jwksServer.close();
    await attackerServer.close();
  });

  it('picks the key named by kid, for each key in the set', async () => {
    const one = await accepted(verifier.verifyUser(await userAt({ userId: 'one' }, { header: { kid: 'key-1' } })));
    const two = await accepted(verifier.verifyUser(await userAt({ userId: 'two' }, { keys: second, header: { kid: 'key-2' } })));
    expect([one.user.userId, two.user.userId]).to.deep.equal(['one', 'two']);
    await accepted(verifier.verifyThread(await threadAt({}, { keys: second, header: { kid: 'key-2' } })));
    await accepted(verifier.verifyServer(await serverAt({}, { header: { kid: 'key-1' } })));
  });

  it('fetches the key set once and reuses it', async () => {
    for (let i = 0; i < 3; i += 1) await accepted(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })));
    expect(jwksServer.hits).to.equal(1);
  });

  it('refuses a token whose kid names another key than the one that signed it', async () => {
    const token = await userAt({}, { keys: second, header: { kid: 'key-1' } });
    await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
  });

  it('refuses an unknown kid cleanly, and does not refetch the set for every unknown kid (a few at once, then one per 10 s)', async () => {
    await accepted(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })));
    for (let i = 0; i < 10; i += 1) {
      const token = await userAt({}, { keys: attacker, header: { kid: `forged-${i}` } });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    }
    expect(jwksServer.hits).to.equal(1 + JWKS_EARLY_RELOADS.burst);
  });

  it('accepts at once a key added to the set after it was fetched (a rotation), without waiting out the cooldown', async () => {
    await accepted(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })));
    const third = await newKeys();
    jwksServer.answer(200, { keys: [await publicJwk(second, 'key-2'), await publicJwk(third, 'key-3')] });
    const rotated = await accepted(verifier.verifyUser(await userAt({ userId: 'rotated' }, { keys: third, header: { kid: 'key-3' } })));
    expect(rotated.user.userId).to.equal('rotated');
    expect(jwksServer.hits).to.equal(2);
  });

  it('refuses a token without kid when the set holds several keys', async () => {
    await refused(verifier.verifyUser(await userAt()), 'UNAUTHORIZED');
  });

  it('refuses PS256 and RS512 signed by the right key, even when its JWK names no algorithm', async () => {
    const { alg: _alg, ...jwk } = await publicJwk(first, 'key-1');
    jwksServer.answer(200, { keys: [jwk] });
    const header = { alg: 'PS256', kid: 'key-1' };
    const pss = rawSigned(header, { userId: 'alice', exp: T + 60 }, first.privatePem, { pss: true });
    const rs512 = rawSigned({ alg: 'RS512', kid: 'key-1' }, { userId: 'alice', exp: T + 60 }, first.privatePem, { hash: 'sha512' });
    await refused(verifier.verifyUser(pss), 'UNAUTHORIZED', pss);
    await refused(verifier.verifyUser(rs512), 'UNAUTHORIZED', rs512);
    await accepted(verifier.verifyUser(rawSigned({ alg: 'RS256', kid: 'key-1' }, { userId: 'alice', exp: T + 60 }, first.privatePem)));
  });

  it('fetches only the configured URL, never a jku or x5u from the token', async () => {
    const header = { kid: 'key-1', jku: attackerServer.url, x5u: attackerServer.url };
    await refused(verifier.verifyUser(await userAt({}, { keys: attacker, header })), 'UNAUTHORIZED');
    await accepted(verifier.verifyUser(await userAt({}, { header })));
    expect(attackerServer.hits).to.equal(0);
    expect(jwksServer.hits).to.equal(1);
  });

  it('never trusts a jwk embedded in the header', async () => {
    const header = { kid: 'key-1', jwk: await exportJWK(attacker.publicKey) };
    await refused(verifier.verifyUser(await userAt({}, { keys: attacker, header })), 'UNAUTHORIZED');
  });

  it('fetches nothing for a token refused before cryptography', async () => {
    await refused(verifier.verifyUser('x'.repeat(9_000)), 'UNAUTHORIZED');
    await refused(verifier.verifyUser('a.b.'), 'UNAUTHORIZED');
    expect(jwksServer.hits).to.equal(0);
  });

  describe('when the key set cannot be had', () => {
    it('answers BACKEND_UNAVAILABLE (retryable), not a verdict on the token, when the server errs', async () => {
      jwksServer.answer(500, { error: 'down' });
      const token = await userAt({}, { header: { kid: 'key-1' } });
      await refused(verifier.verifyUser(token), 'BACKEND_UNAVAILABLE', token);
      await refused(verifier.verifyThread(await threadAt({}, { header: { kid: 'key-1' } })), 'BACKEND_UNAVAILABLE');
    });

    it('answers BACKEND_UNAVAILABLE when nothing listens at the URL', async () => {
      const url = jwksServer.url;
      await jwksServer.close();
      const offline = new JoseTokenVerifier(await aConfig({ keys: { kind: 'jwks', url } }), frozenClock());
      await refused(offline.verifyUser(await userAt({}, { header: { kid: 'key-1' } })), 'BACKEND_UNAVAILABLE');
    });

    it('answers BACKEND_UNAVAILABLE when the answer is not a key set', async () => {
      jwksServer.answer(200, { not: 'a key set' });
      await refused(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })), 'BACKEND_UNAVAILABLE');
    });

    it('recovers once the key set can be fetched again', async () => {
      jwksServer.answer(503, {});
      await refused(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })), 'BACKEND_UNAVAILABLE');
      jwksServer.answer(200, { keys: [await publicJwk(first, 'key-1')] });
      await accepted(verifier.verifyUser(await userAt({}, { header: { kid: 'key-1' } })));
    });
  });
});
