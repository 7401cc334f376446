import { expect } from 'chai';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import sinon from 'sinon';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { aConfig } from '../../support/config.js';
import { newKeys, testKeys, type TestKeys } from '../../support/keys.js';
import { startCountingServer, type CountingServer } from './counting-server.js';
import { hmacToken, rawSigned, unsignedToken, withPayload } from './forge.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { spyOnSignatureChecks } from './signature-checks.js';
import { tokenAt, userAt } from './tokens-at.js';

const USER = { userId: 'alice', displayName: 'Alice', exp: T + 3600 };
const THREAD = { threadId: 'thread-1', memberIds: ['alice'], exp: T + 3600 };
const SERVER = { role: 'server', exp: T + 60 };

describe('JoseTokenVerifier: forged and malformed tokens', () => {
  let keys: TestKeys;
  let attacker: TestKeys;
  let verifier: JoseTokenVerifier;

  before(async () => {
    keys = await testKeys();
    attacker = await newKeys();
  });

  beforeEach(async () => {
    verifier = new JoseTokenVerifier(await aConfig(), frozenClock());
  });

  afterEach(() => sinon.restore());

  describe('the algorithm is pinned to RS256', () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      it(`refuses alg "${alg}" with an empty signature, as every kind`, async () => {
        await refused(verifier.verifyUser(unsignedToken(alg, USER)), 'UNAUTHORIZED');
        await refused(verifier.verifyThread(unsignedToken(alg, THREAD)), 'FORBIDDEN');
        await refused(verifier.verifyServer(unsignedToken(alg, SERVER)), 'UNAUTHORIZED');
      });
    }

    it('refuses alg "none" even with something in the signature slot, without any cryptography', async () => {
      const checks = spyOnSignatureChecks();
      const token = unsignedToken('none', USER, 'AAAA');
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      expect(checks.called()).to.equal(false);
    });

    for (const alg of ['HS256', 'HS384', 'HS512']) {
      it(`refuses ${alg} keyed with the public key's PEM bytes (key confusion)`, async () => {
        await refused(verifier.verifyUser(hmacToken(keys.publicPem, USER, alg)), 'UNAUTHORIZED');
        await refused(verifier.verifyThread(hmacToken(keys.publicPem, THREAD, alg)), 'FORBIDDEN');
        await refused(verifier.verifyServer(hmacToken(keys.publicPem, SERVER, alg)), 'UNAUTHORIZED');
      });
    }

    it('refuses PS256 and RS512 even when signed by the right private key', async () => {
      const pss = rawSigned({ alg: 'PS256' }, USER, keys.privatePem, { pss: true });
      const rs512 = rawSigned({ alg: 'RS512' }, USER, keys.privatePem, { hash: 'sha512' });
      await refused(verifier.verifyUser(pss), 'UNAUTHORIZED', pss);
      await refused(verifier.verifyUser(rs512), 'UNAUTHORIZED', rs512);
    });

    it('refuses ES256', async () => {
      const ec = await generateKeyPair('ES256');
      const token = await new SignJWT(USER).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey);
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('accepts the same claims when hand-signed RS256 with the right key (the forgers above are otherwise sound)', async () => {
      await accepted(verifier.verifyUser(rawSigned({ alg: 'RS256' }, USER, keys.privatePem)));
    });
  });

  describe('signatures', () => {
    it('refuses a token signed by another RSA key', async () => {
      const token = await userAt({}, { keys: attacker });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(verifier.verifyThread(await tokenAt({ threadId: 't', memberIds: [] }, { keys: attacker })), 'FORBIDDEN');
    });

    it('refuses a tampered payload', async () => {
      const token = withPayload(await userAt(), { ...USER, userId: 'mallory' });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('refuses a stripped signature', async () => {
      const [header, payload] = (await userAt()).split('.');
      await refused(verifier.verifyUser(`${header}.${payload}.`), 'UNAUTHORIZED');
      await refused(verifier.verifyUser(`${header}.${payload}`), 'UNAUTHORIZED');
    });

    it('refuses a truncated signature', async () => {
      const token = await userAt();
      await refused(verifier.verifyUser(token.slice(0, -10)), 'UNAUTHORIZED', token);
      await refused(verifier.verifyUser(token.slice(0, -1)), 'UNAUTHORIZED', token);
    });

    it('refuses junk without throwing', async () => {
      for (const junk of ['', '.', '..', 'a.b.c', 'not a token', 'a.b.c.d', '€€€.€€€.€€€', ' ' + (await userAt())]) {
        await refused(verifier.verifyUser(junk), 'UNAUTHORIZED');
        await refused(verifier.verifyThread(junk), 'FORBIDDEN');
        await refused(verifier.verifyServer(junk), 'UNAUTHORIZED');
      }
    });

    it('refuses a credential that is not a string (untyped input) without throwing', async () => {
      for (const junk of [undefined, null, 42, {}, ['a.b.c']]) {
        await refused(verifier.verifyUser(junk as unknown as string), 'UNAUTHORIZED');
        await refused(verifier.verifyThread(junk as unknown as string), 'FORBIDDEN');
      }
    });

    it('refuses a payload that is JSON but not an object', async () => {
      await refused(verifier.verifyUser(rawSigned({ alg: 'RS256' }, '["alice"]', keys.privatePem)), 'UNAUTHORIZED');
    });
  });

  describe('size limit', () => {
    it('refuses a 200 KiB token as too large, before any cryptography', async () => {
      const checks = spyOnSignatureChecks();
      const token = 'A'.repeat(100 * 1024) + '.' + 'B'.repeat(100 * 1024) + '.c';
      const error = await refused(verifier.verifyUser(token), 'UNAUTHORIZED');
      expect(error.message).to.equal('the token is too large');
      expect(checks.called()).to.equal(false);
    });

    it('refuses garbage just over 8 KiB as too large, not as malformed: the size is checked before parsing', async () => {
      const error = await refused(verifier.verifyUser('%'.repeat(8 * 1024 + 1)), 'UNAUTHORIZED');
      expect(error.message).to.equal('the token is too large');
      const parsed = await refused(verifier.verifyUser('%'.repeat(8 * 1024)), 'UNAUTHORIZED');
      expect(parsed.message).to.equal('the token is malformed');
    });

    it('accepts a genuine token at the limit and refuses one just over it without verifying it', async () => {
      let within = '';
      let over = '';
      for (let pad = 5_600; over === ''; pad += 1) {
        const token = await userAt({ data: 'x'.repeat(pad) });
        if (token.length <= 8_192) within = token;
        else over = token;
      }
      expect(within.length).to.be.within(8_190, 8_192);
      expect(over.length).to.be.within(8_193, 8_195);
      await accepted(verifier.verifyUser(within));
      const checks = spyOnSignatureChecks();
      const error = await refused(verifier.verifyUser(over), 'UNAUTHORIZED', over);
      expect(error.message).to.equal('the token is too large');
      expect(checks.called()).to.equal(false);
      await refused(verifier.verifyThread(over), 'FORBIDDEN', over);
    });

    it('follows the configured limit', async () => {
      const small = new JoseTokenVerifier(await aConfig({ maxTokenBytes: 100 }), frozenClock());
      const error = await refused(small.verifyUser(await userAt()), 'UNAUTHORIZED');
      expect(error.message).to.equal('the token is too large');
    });
  });

  describe('header parameters', () => {
    let keyServer: CountingServer;

    beforeEach(async () => {
      const jwk = { ...(await exportJWK(attacker.publicKey)), kid: 'evil', alg: 'RS256', use: 'sig' };
      keyServer = await startCountingServer(200, { keys: [jwk] });
    });

    afterEach(() => keyServer.close());

    it('refuses an unknown crit header', async () => {
      const token = await new SignJWT(USER)
        .setProtectedHeader({ alg: 'RS256', crit: ['urn:example:must-understand'], 'urn:example:must-understand': 1 })
        .sign(keys.privateKey, { crit: { 'urn:example:must-understand': true } });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('never follows jku or x5u to an attacker’s keys', async () => {
      for (const header of [{ jku: keyServer.url }, { x5u: keyServer.url }, { jku: keyServer.url, kid: 'evil' }]) {
        const token = await userAt({}, { keys: attacker, header });
        await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
      }
      expect(keyServer.hits).to.equal(0);
    });

    it('never trusts an embedded jwk', async () => {
      const jwk = await exportJWK(attacker.publicKey);
      const token = await userAt({}, { keys: attacker, header: { jwk } });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('ignores kid, jku and x5u on a genuine token (the configured PEM is the only key)', async () => {
      const header = { kid: '../../../../etc/passwd', jku: keyServer.url, x5u: keyServer.url };
      await accepted(verifier.verifyUser(await userAt({}, { header })));
      expect(keyServer.hits).to.equal(0);
    });
  });

  describe('the configured key', () => {
    it('answers INTERNAL, without throwing, when the configured PEM is not an RSA key', async () => {
      const ec = await generateKeyPair('ES256', { extractable: true });
      const broken = new JoseTokenVerifier(await aConfig({ keys: { kind: 'pem', pem: await exportSPKI(ec.publicKey) } }), frozenClock());
      await refused(broken.verifyUser(await userAt()), 'INTERNAL');
      await refused(broken.verifyUser(await userAt()), 'INTERNAL');
    });
  });
});
