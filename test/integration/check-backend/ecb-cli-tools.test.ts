import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { accessTokenOf } from '../../../reference-backend/seed.js';
import { testKeys } from '../../support/keys.js';
import { startBackend, type RunningBackend } from './faulty-backend.js';
import { nonIdempotentAdd } from './faults.js';

const ECB_BIN = fileURLToPath(new URL('../../../../bin/ecb.js', import.meta.url));

/** Runs the real `ecb` command line to its end. */
const ecb = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [ECB_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

/** The command refuses `args` before doing anything: exit 2, `message` on the first line of stderr, no stack trace, nothing on stdout. */
const expectUsageError = async (args: string[], message: RegExp): Promise<void> => {
  const run = await ecb(args);
  expect(run.code, args.join(' ')).to.equal(2);
  expect(run.stderr.split('\n')[0]).to.match(message);
  expect(run.stderr).to.not.match(/\n\s+at /);
  expect(run.stdout).to.equal('');
};

describe('the ecb command line for integrators', function () {
  this.timeout(30_000);
  let dir: string;
  let keyFile: string;
  let backend: RunningBackend | undefined;

  /** Key files a command cannot use, and an option it does not know, each with the first line it must print. */
  const unusableArguments = async (unknownOption: string): Promise<Array<[string[], RegExp]>> => {
    const publicKeyFile = join(dir, 'public.pem');
    writeFileSync(publicKeyFile, (await testKeys()).publicPem);
    return [
      [['--private-key', join(dir, 'missing.pem')], /cannot read --private-key .*missing\.pem \(ENOENT\)/],
      [['--private-key', publicKeyFile], /must hold an RSA private key in PEM/],
      [['--private-key', keyFile, unknownOption, 'x'], new RegExp(unknownOption)],
    ];
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecb-tools-'));
    keyFile = join(dir, 'private.pem');
    writeFileSync(keyFile, (await testKeys()).privatePem);
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await backend?.close();
    backend = undefined;
  });

  describe('check-backend', () => {
    it('exits 0 with a passing report for a conforming backend', async () => {
      backend = await startBackend();
      const run = await ecb(['check-backend', backend.url, '--private-key', keyFile, '--access-token', accessTokenOf('alice')]);
      expect(run.stdout).to.contain(' 0 failed');
      expect(run.code).to.equal(0);
    });

    it('exits 1 naming the failed check and its fix for a broken backend', async () => {
      backend = await startBackend(nonIdempotentAdd);
      const run = await ecb(['check-backend', backend.url, '--private-key', keyFile, '--user-id', 'alice']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(/FAIL\s+addThreadMessage\.idempotent/);
      expect(run.stdout).to.contain('fix: ');
    });

    it('exits 2 with the usage when --private-key is missing', async () => {
      const run = await ecb(['check-backend', 'http://127.0.0.1:1', '--user-id', 'alice']);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain('--private-key');
    });

    it('exits 2 with one clear line for a key file it cannot use or an option it does not know, before any check', async () => {
      for (const [args, message] of await unusableArguments('--acces-token')) {
        await expectUsageError(['check-backend', 'http://127.0.0.1:1', '--user-id', 'alice', ...args], message);
      }
    });
  });

  describe('token', () => {
    const verify = async (token: string) => (await jwtVerify(token.trim(), (await testKeys()).publicKey, { algorithms: ['RS256'] })).payload;

    it('mints a user token, RS256 for the given user and lifetime, that the reference backend accepts', async () => {
      const run = await ecb(['token', '--private-key', keyFile, '--user-id', 'alice', '--display-name', 'Alice', '--ttl', '120']);
      expect(run.code).to.equal(0);
      const claims = await verify(run.stdout);
      expect(claims).to.include({ userId: 'alice', displayName: 'Alice' });
      expect(claims.exp! - claims.iat!).to.equal(120);
      backend = await startBackend();
      const answer = await fetch(`${backend.url}/getContacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${run.stdout.trim()}` },
        body: JSON.stringify({ user: { userId: 'alice', displayName: 'Alice' } }),
      });
      expect(answer.status).to.equal(200);
    });

    it('mints a thread token with threadId and memberIds only', async () => {
      const run = await ecb(['token', '--private-key', keyFile, '--thread-id', 't-1', '--member-ids', 'alice, bob']);
      const claims = await verify(run.stdout);
      expect(claims['threadId']).to.equal('t-1');
      expect(claims['memberIds']).to.deep.equal(['alice', 'bob']);
      expect(claims).not.to.have.any.keys('userId', 'role');
      expect(claims.exp! - claims.iat!).to.equal(3600);
    });

    it('mints a server token living 60 s by default', async () => {
      const claims = await verify((await ecb(['token', '--private-key', keyFile, '--server'])).stdout);
      expect(claims['role']).to.equal('server');
      expect(claims.exp! - claims.iat!).to.equal(60);
    });

    it('names the key with --kid, for an ECB that reads a JWKS (no kid header without it)', async () => {
      const withKid = await ecb(['token', '--private-key', keyFile, '--user-id', 'alice', '--kid', '2026-11']);
      expect(decodeProtectedHeader(withKid.stdout.trim())).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: '2026-11' });
      const without = await ecb(['token', '--private-key', keyFile, '--server']);
      expect(decodeProtectedHeader(without.stdout.trim())).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
      expect((await ecb(['token', '--private-key', keyFile, '--server', '--kid', ''])).code).to.equal(2);
    });

    it('refuses a server token ECB would refuse (ttl above 300 s), and mixed kinds', async () => {
      const long = await ecb(['token', '--private-key', keyFile, '--server', '--ttl', '600']);
      expect(long.code).to.equal(2);
      expect(long.stdout).to.equal('');
      const mixed = await ecb(['token', '--private-key', keyFile, '--server', '--user-id', 'alice']);
      expect(mixed.code).to.equal(2);
      expect(mixed.stderr).to.contain('exactly one of');
    });

    it('exits 2 with one clear line for a key file it cannot use or an option it does not know', async () => {
      for (const [args, message] of await unusableArguments('--user')) await expectUsageError(['token', '--user-id', 'alice', ...args], message);
    });
  });
});
