import { expect } from 'chai';
import fc from 'fast-check';
import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { errors, jwtVerify, type CryptoKey, type JWTClaimVerificationOptions } from 'jose';
import sinon from 'sinon';
import { keyLookup, KeysUnavailable, type KeyLookup } from '../../../src/adapters/auth/key-lookup.js';
import { rs256JwtVerify } from '../../../src/adapters/auth/rs256-jwt-verify.js';
import { testKeys, type TestKeys } from '../../support/keys.js';
import { b64url } from './forge.js';
import { T } from './outcome.js';
import { spyOnSignatureChecks } from './signature-checks.js';

/**
 * `rs256JwtVerify` replaces jose's `jwtVerify` (RS256 pinned) with a
 * node:crypto signature check. It must refuse what jose refuses, for the same
 * reason, and accept what jose accepts with the same payload: checked here
 * token by token against jose itself, on hand-written edge cases and on
 * generated headers, payloads and mutations. The reference is jose behind the
 * verifier's own shape check (three non-empty base64url parts), which runs
 * before either in `JoseTokenVerifier`.
 */

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const byJose = async (token: string, keys: KeyLookup, options: JWTClaimVerificationOptions): Promise<unknown> => {
  if (!COMPACT_JWS.test(token)) throw new errors.JWSInvalid('Invalid Compact JWS');
  return (await jwtVerify(token, keys, { ...options, algorithms: ['RS256'] })).payload;
};

/** What a verification came to: the payload, or the error's code (with the claim and payload jose attaches). */
const outcomeOf = async (verification: () => Promise<unknown>): Promise<unknown> => {
  try {
    return { payload: await verification() };
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
      return { error: error.code, claim: error.claim, reason: error.reason, payload: error.payload };
    }
    if (error instanceof errors.JOSEError) return { error: error.code };
    return { error: error instanceof Error ? `${error.constructor.name}` : String(error) };
  }
};

const expectSameAsJose = async (token: string, keys: KeyLookup, options: JWTClaimVerificationOptions = OPTIONS) => {
  const ours = await outcomeOf(() => rs256JwtVerify(token, keys, options));
  const jose = await outcomeOf(() => byJose(token, keys, options));
  expect(ours, token).to.deep.equal(jose);
  return ours as { readonly payload?: unknown; readonly error?: string };
};

const OPTIONS: JWTClaimVerificationOptions = { clockTolerance: 30, currentDate: new Date(T * 1000) };
const STRICT: JWTClaimVerificationOptions = { ...OPTIONS, issuer: 'https://backend.example', audience: 'ecb' };

const CLAIMS = { userId: 'alice', exp: T + 60, iat: T };

/** header and payload segments exactly as given, signed with RS256 by `privatePem`. */
const signedSegments = (header: string, payload: string, privatePem: string): string =>
  `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), privatePem).toString('base64url')}`;

/** Raw header and payload text (or bytes), base64url-encoded and signed. */
const signedText = (header: string | Buffer, payload: string | Buffer, privatePem: string): string =>
  signedSegments(b64url(header), b64url(payload), privatePem);

const fixedKey = (key: CryptoKey): KeyLookup => () => Promise.resolve(key);

const withSignature = (token: string, signature: string): string => `${token.slice(0, token.lastIndexOf('.'))}.${signature}`;
const signatureOf = (token: string): string => token.slice(token.lastIndexOf('.') + 1);

describe('rs256JwtVerify: jose’s rules with a node:crypto signature check', () => {
  let keys: TestKeys;
  let pem: KeyLookup;
  let genuine: string;

  before(async () => {
    keys = await testKeys();
    pem = keyLookup({ kind: 'pem', pem: keys.publicPem });
    genuine = signedText(JSON.stringify({ alg: 'RS256', typ: 'JWT' }), JSON.stringify(CLAIMS), keys.privatePem);
  });

  afterEach(() => sinon.restore());

  it('accepts a genuine token with the payload jose gives, checking its signature with node:crypto', async () => {
    const checks = spyOnSignatureChecks();
    expect((await expectSameAsJose(genuine, pem)).payload).to.deep.equal(CLAIMS);
    expect(checks.called()).to.equal(true);
  });

  describe('agrees with jose, token by token', () => {
    const headers: ReadonlyArray<readonly [string, string | Buffer]> = [
      ['extra whitespace', '{ "alg" : "RS256" ,\n\t"typ" : "JWT" }'],
      ['leading and trailing whitespace', ' \n{"alg":"RS256"}\r\n '],
      ['a byte order mark', '\ufeff{"alg":"RS256"}'],
      ['a duplicate alg, RS256 last', '{"alg":"none","alg":"RS256"}'],
      ['a duplicate alg, RS256 first', '{"alg":"RS256","alg":"none"}'],
      ['a __proto__ key naming crit', '{"alg":"RS256","__proto__":{"crit":["x"],"b64":false}}'],
      ['an escaped alg', '{"alg":"RS\\u0032\\u00356"}'],
      ['invalid UTF-8', Buffer.concat([Buffer.from('{"alg":"RS256","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
      ['not JSON', '{alg:RS256}'],
      ['trailing garbage', '{"alg":"RS256"}x'],
      ['an array', '["RS256"]'],
      ['null', 'null'],
      ['a string', '"RS256"'],
      ['a number', '256'],
    ];
    for (const [name, header] of headers) {
      it(`a header with ${name}`, async () => {
        await expectSameAsJose(signedText(header, JSON.stringify(CLAIMS), keys.privatePem), pem);
      });
    }

    const algs: readonly unknown[] = ['rs256', 'RS256 ', ' RS256', '', 'none', 'HS256', 'PS256', 'RS384', 'RS512', 'ES256', 42, null, true, ['RS256'], { RS256: true }];
    it('every alg but exactly "RS256", and a missing one', async () => {
      for (const alg of algs) await expectSameAsJose(signedText(JSON.stringify({ alg }), JSON.stringify(CLAIMS), keys.privatePem), pem);
      await expectSameAsJose(signedText('{"typ":"JWT"}', JSON.stringify(CLAIMS), keys.privatePem), pem);
    });

    const crits: ReadonlyArray<Record<string, unknown>> = [
      { crit: [] },
      { crit: 'b64', b64: true },
      { crit: null },
      { crit: {} },
      { crit: [''] },
      { crit: [1] },
      { crit: ['b64'] },
      { crit: ['b64'], b64: null },
      { crit: ['b64'], b64: 'false' },
      { crit: ['b64'], b64: 0 },
      { crit: ['b64'], b64: true },
      { crit: ['b64'], b64: false },
      { crit: ['b64', 'b64'], b64: true },
      { crit: ['b64', 'x'], b64: true, x: 1 },
      { crit: ['x'], x: 1 },
      { crit: ['x'] },
      { crit: ['exp'], exp: 1 },
      { crit: ['alg'] },
      { b64: false },
      { b64: 'no' },
    ];
    it('crit and b64 in every shape', async () => {
      for (const extra of crits) {
        const token = signedText(JSON.stringify({ alg: 'RS256', ...extra }), JSON.stringify(CLAIMS), keys.privatePem);
        await expectSameAsJose(token, pem);
      }
    });

    const payloads: readonly string[] = [
      '[]',
      'null',
      '"alice"',
      '{"userId":"alice"',
      '{}',
      `{"exp":${T - 30}}`,
      `{"exp":${T - 29}}`,
      `{"exp":${T - 3600},"userId":"alice"}`,
      `{"exp":"${T + 60}"}`,
      `{"exp":1e999}`,
      `{"nbf":${T + 30}}`,
      `{"nbf":${T + 31}}`,
      `{"nbf":"soon"}`,
      `{"iat":"then"}`,
      `{"iat":${T + 3600}}`,
      `{"exp":${T + 60},"iss":"https://backend.example","aud":"ecb"}`,
      `{"exp":${T + 60},"iss":"https://backend.example","aud":["x","ecb"]}`,
      `{"exp":${T + 60},"iss":"https://backend.example","aud":["x"]}`,
      `{"exp":${T + 60},"iss":"https://evil.example","aud":"ecb"}`,
      `{"exp":${T + 60},"iss":["https://backend.example"],"aud":"ecb"}`,
      `{"exp":${T + 60},"aud":"ecb"}`,
      `{"exp":${T - 3600},"iss":"https://evil.example","aud":"ecb"}`,
      `{"__proto__":{"exp":1},"userId":"alice"}`,
    ];
    it('payloads and claims, with and without iss and aud configured', async () => {
      for (const payload of payloads) {
        const token = signedText('{"alg":"RS256"}', payload, keys.privatePem);
        await expectSameAsJose(token, pem, OPTIONS);
        await expectSameAsJose(token, pem, STRICT);
      }
      const invalidUtf8 = Buffer.concat([Buffer.from('{"userId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      await expectSameAsJose(signedText('{"alg":"RS256"}', invalidUtf8, keys.privatePem), pem);
    });

    it('segments of 4n+1 characters (no base64 length) under a genuine signature', async () => {
      const header = b64url('{"alg":"RS256"}');
      const payload = b64url(JSON.stringify(CLAIMS));
      const pad = (segment: string): string => segment + 'A'.repeat((((1 - segment.length) % 4) + 4) % 4);
      expect(pad(payload).length % 4).to.equal(1);
      await expectSameAsJose(signedSegments(header, pad(payload), keys.privatePem), pem);
      await expectSameAsJose(signedSegments(pad(header), payload, keys.privatePem), pem);
    });

    it('signatures that are not the signature', async () => {
      const signature = signatureOf(genuine);
      const other = signedText('{"alg":"RS256"}', JSON.stringify({ ...CLAIMS, userId: 'mallory' }), keys.privatePem);
      const bytes = Buffer.from(signature, 'base64url');
      const variants = [
        signatureOf(other),
        signature.slice(0, -1),
        signature.slice(0, -2),
        signature.slice(0, -3),
        `${signature}A`,
        `${signature}AA`,
        `${signature}AAA`,
        `${signature}AAAA`,
        `AAAA${signature}`,
        Buffer.concat([Buffer.alloc(1), bytes]).toString('base64url'),
        Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64url'),
        bytes.subarray(1).toString('base64url'),
        Buffer.alloc(256).toString('base64url'),
        Buffer.alloc(256, 0xff).toString('base64url'),
        'A',
        `${signature}==`,
        `${signature.slice(0, 100)} ${signature.slice(100)}`,
        `${signature.slice(0, 100)}\n${signature.slice(100)}`,
        bytes.toString('base64'),
        '',
      ];
      for (const variant of variants) await expectSameAsJose(withSignature(genuine, variant), pem);
    });

    it('a token signed by another key, and the same claims under another header', async () => {
      const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      await expectSameAsJose(signedText('{"alg":"RS256"}', JSON.stringify(CLAIMS), String(attacker)), pem);
      const [, payload, signature] = genuine.split('.');
      await expectSameAsJose(`${b64url('{"alg":"RS256","kid":"x"}')}.${payload}.${signature}`, pem);
    });

    describe('keys jose would not verify RS256 with', () => {
      const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
      const spkiOf = (pair: ReturnType<typeof rsa>) => pair.publicKey.export({ type: 'spki', format: 'der' });
      const pkcs8Of = (pair: ReturnType<typeof rsa>) => String(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const imported = (format: 'spki' | 'pkcs8', der: Buffer, algorithm: RsaHashedImportParams, usages: KeyUsage[]) =>
        webcrypto.subtle.importKey(format, der, algorithm, true, usages) as Promise<CryptoKey>;
      const RSASSA_256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

      // Each key below can check the token's RSA PKCS#1 v1.5 SHA-256 signature: only the key checks refuse it.
      it('an RSA key of 1024 bits', async () => {
        const small = rsa(1024);
        const token = signedText('{"alg":"RS256"}', JSON.stringify(CLAIMS), pkcs8Of(small));
        const outcome = await expectSameAsJose(token, fixedKey(await imported('spki', spkiOf(small), RSASSA_256, ['verify'])));
        expect(outcome.error).to.equal('TypeError');
      });

      it('the right RSA key imported for RSA-PSS, for SHA-512, or without the verify usage', async () => {
        const pair = rsa(2048);
        const token = signedText('{"alg":"RS256"}', JSON.stringify(CLAIMS), pkcs8Of(pair));
        const right = await imported('spki', spkiOf(pair), RSASSA_256, ['verify']);
        expect((await expectSameAsJose(token, fixedKey(right))).payload).to.deep.equal(CLAIMS);
        for (const key of [
          await imported('spki', spkiOf(pair), { name: 'RSA-PSS', hash: 'SHA-256' }, ['verify']),
          await imported('spki', spkiOf(pair), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, ['verify']),
          await imported('spki', spkiOf(pair), RSASSA_256, []),
          await imported('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), RSASSA_256, ['sign']),
        ]) {
          const outcome = await expectSameAsJose(token, fixedKey(key));
          expect(outcome.error).to.equal('TypeError');
        }
      });

      it('a key lookup that fails: its error, untouched', async () => {
        const failing: KeyLookup = () => Promise.reject(new KeysUnavailable('down'));
        const outcome = await expectSameAsJose(genuine, failing);
        expect(outcome.error).to.equal('KeysUnavailable');
      });
    });
  });

  describe('generated tokens agree with jose', () => {
    const json = fc.jsonValue({ maxDepth: 2 });
    const header = fc.record(
      {
        alg: fc.oneof(fc.constantFrom('RS256', 'rs256', 'none', 'HS256', 'PS256', 'RS512', ''), json),
        typ: fc.oneof(fc.constant('JWT'), json),
        kid: fc.string(),
        crit: fc.oneof(fc.array(fc.constantFrom('b64', '', 'x', 'alg', 'exp'), { maxLength: 3 }), json),
        b64: fc.oneof(fc.boolean(), json),
        x: json,
      },
      { requiredKeys: [] },
    );
    const instant = fc.oneof(fc.integer({ min: T - 120, max: T + 120 }), fc.double({ min: T - 120, max: T + 120 }), json);
    const claims = fc.record(
      {
        userId: fc.oneof(fc.constant('alice'), json),
        exp: instant,
        nbf: instant,
        iat: instant,
        iss: fc.oneof(fc.constantFrom('https://backend.example', 'https://evil.example'), json),
        aud: fc.oneof(fc.constantFrom('ecb', 'other'), fc.array(fc.constantFrom('ecb', 'other')), json),
      },
      { requiredKeys: [] },
    );
    const options = fc.constantFrom(OPTIONS, STRICT);

    it('headers and claims, each signed with the right key', async () => {
      await fc.assert(
        fc.asyncProperty(header, claims, fc.constantFrom(0, 1, '\t'), options, async (h, c, indent, o) => {
          await expectSameAsJose(signedText(JSON.stringify(h, null, indent), JSON.stringify(c), keys.privatePem), pem, o);
        }),
        { numRuns: 300 },
      );
    });

    it('a genuine token with characters replaced, inserted or removed', async () => {
      const alphabet = 'AZaz09-_=+/ .\n\u00e9';
      const edit = fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('replace', 'insert', 'remove'),
        char: fc.constantFrom(...alphabet),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
          let token = genuine;
          for (const { at, kind, char } of edits) {
            const i = at % token.length;
            token =
              kind === 'replace'
                ? token.slice(0, i) + char + token.slice(i + 1)
                : kind === 'insert'
                  ? token.slice(0, i) + char + token.slice(i)
                  : token.slice(0, i) + token.slice(i + 1);
          }
          await expectSameAsJose(token, pem);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('stricter than jose’s base64url decoder alone', () => {
    // jose's decoder (atob underneath) skips whitespace and takes padding; the shape check refuses both
    // before any decoding, here as well as in the verifier in front of it.
    it('refuses a genuine signature with whitespace in it', async () => {
      const signature = signatureOf(genuine);
      for (const blank of [' ', '\n', '\t']) {
        const token = withSignature(genuine, `${signature.slice(0, 100)}${blank}${signature.slice(100)}`);
        const outcome = await outcomeOf(() => rs256JwtVerify(token, pem, OPTIONS));
        expect(outcome).to.deep.equal({ error: 'ERR_JWS_INVALID' });
      }
    });

    it('refuses a genuine signature with base64 padding', async () => {
      const token = withSignature(genuine, `${signatureOf(genuine)}==`);
      expect(await outcomeOf(() => rs256JwtVerify(token, pem, OPTIONS))).to.deep.equal({ error: 'ERR_JWS_INVALID' });
    });

    it('refuses whitespace in a genuinely signed header segment before decoding it', async () => {
      const header = b64url('{"alg":"RS256"}');
      const spaced = `${header.slice(0, 4)} ${header.slice(4)}`;
      const token = signedSegments(spaced, b64url(JSON.stringify(CLAIMS)), keys.privatePem);
      expect(await outcomeOf(() => rs256JwtVerify(token, pem, OPTIONS))).to.deep.equal({ error: 'ERR_JWS_INVALID' });
    });

    it('refuses the same signature value with a leading zero byte (one byte too long)', async () => {
      const bytes = Buffer.from(signatureOf(genuine), 'base64url');
      const token = withSignature(genuine, Buffer.concat([Buffer.alloc(1), bytes]).toString('base64url'));
      const outcome = await outcomeOf(() => rs256JwtVerify(token, pem, OPTIONS));
      expect(outcome).to.deep.equal({ error: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });
  });
});
