import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { io } from 'socket.io-client';
import { createClient, waitFor } from '../../support/ecb-harness.js';
import { testKeys } from '../../support/keys.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';
import { loadConfig } from '../../../src/config.js';
import { ECB_NODE_FLAGS, RECOMMENDED_SEMI_SPACE_MIB, shebangNodeFlags } from '../../../src/node-runtime.js';

const ECB_BIN = fileURLToPath(new URL('../../../../bin/ecb.js', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

/** Runs the real `ecb` command line as a user would (`node [nodeArgs] bin/ecb.js ...`, or the executable itself). */
const ecb = (args: string[], env: Record<string, string | undefined> = {}, asExecutable = false, nodeArgs: string[] = []): Run => {
  const child = spawn(asExecutable ? ECB_BIN : process.execPath, asExecutable ? args : [...nodeArgs, ECB_BIN, ...args], {
    env: { PATH: process.env['PATH'], ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    // 'close', not 'exit': by then everything the process wrote has been read
    exited: new Promise((resolve) => child.once('close', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
};

/** Polls until `read()` returns something, or fails after `ms`. */
const eventually = async <T>(read: () => T | undefined, ms = 8_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** What `ecb start` needs to serve in front of `stub`, on a free local port. */
const startSettings = async (stub: StubBackend): Promise<Record<string, string>> => ({
  ECB_BACKEND_URL: stub.url,
  ECB_PUBLIC_KEY: (await testKeys()).publicPem.replace(/\n/g, '\\n'),
  ECB_PORT: '0',
  ECB_HOST: '127.0.0.1',
});

/** `ecb start` until it logs that it listens, then SIGTERM; the run once it has exited (all its output read). */
const startThenStop = async (env: Record<string, string>, asExecutable = false, nodeArgs: string[] = []): Promise<Run> => {
  const run = ecb(['start'], env, asExecutable, nodeArgs);
  try {
    await eventually(() => (run.stdout.includes('ECB listening') ? true : undefined));
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  return run;
};

describe('the ecb command line', function () {
  this.timeout(20_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecb-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('start with a bad or missing setting', () => {
    const startWith = async (env: Record<string, string>): Promise<{ code: number | null; stderr: string }> => {
      const run = ecb(['start'], env);
      const code = await run.exited;
      return { code, stderr: run.stderr };
    };

    it('stops with one line naming ECB_BACKEND_URL when it is missing', async () => {
      const { code, stderr } = await startWith({ ECB_PUBLIC_KEY: (await testKeys()).publicPem });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('ECB_BACKEND_URL');
    });

    it('stops naming the key settings when no key is given', async () => {
      const { code, stderr } = await startWith({ ECB_BACKEND_URL: 'http://127.0.0.1:1' });
      expect(code).to.equal(1);
      expect(stderr).to.match(/ECB_PUBLIC_KEY_FILE.*ECB_PUBLIC_KEY.*ECB_JWKS_URL/);
    });

    it('stops naming ECB_PORT when it is not a port', async () => {
      const { code, stderr } = await startWith({
        ECB_BACKEND_URL: 'http://127.0.0.1:1',
        ECB_PUBLIC_KEY: (await testKeys()).publicPem,
        ECB_PORT: 'eighty',
      });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('ECB_PORT');
    });

    it('stops naming ECB_PUBLIC_KEY_FILE when the file cannot be read', async () => {
      const { code, stderr } = await startWith({
        ECB_BACKEND_URL: 'http://127.0.0.1:1',
        ECB_PUBLIC_KEY_FILE: join(dir, 'missing.pem'),
      });
      expect(code).to.equal(1);
      expect(stderr).to.contain('ECB_PUBLIC_KEY_FILE');
    });

    it('stops with one line naming ECB_PUBLIC_KEY_FILE when the key is too small for RS256', async () => {
      const keyFile = join(dir, 'public.pem');
      writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
      const { code, stderr } = await startWith({ ECB_BACKEND_URL: 'http://127.0.0.1:1', ECB_PUBLIC_KEY_FILE: keyFile, ECB_PORT: '0' });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.deep.equal([
        'ecb: configuration error: ECB_PUBLIC_KEY_FILE: RSA key of 1024 bits; RS256 needs at least 2048',
      ]);
    });

    it('stops with one line naming ECB_HOST and ECB_PORT when it cannot listen there', async () => {
      const { code, stderr } = await startWith({
        ECB_BACKEND_URL: 'http://127.0.0.1:1',
        ECB_PUBLIC_KEY: (await testKeys()).publicPem,
        ECB_HOST: 'not..a..host',
        ECB_PORT: '0',
      });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.match(/^ecb: cannot listen on not\.\.a\.\.host:0 \(\w+\): check ECB_HOST and ECB_PORT$/m);
    });
  });

  it('keygen writes a key pair that ECB accepts', async () => {
    const run = ecb(['keygen', '--out', dir]);
    expect(await run.exited).to.equal(0);
    expect(readFileSync(join(dir, 'private.pem'), 'utf8')).to.contain('BEGIN PRIVATE KEY');
    expect(readFileSync(join(dir, 'public.pem'), 'utf8')).to.contain('BEGIN PUBLIC KEY');
    expect(loadConfig({ ECB_BACKEND_URL: 'http://127.0.0.1:1', ECB_PUBLIC_KEY_FILE: join(dir, 'public.pem') }).keys.kind).to.equal('pem');
    const again = ecb(['keygen', '--out', dir]);
    expect(await again.exited).to.equal(1);
    expect(again.stderr).to.contain('--force');
  });

  describe('start with good settings', () => {
    let stub: StubBackend;
    before(async () => {
      stub = await startStubBackend();
    });
    after(() => stub.close());

    it('serves, and on SIGTERM finishes what is in flight and exits 0', async () => {
      const run = ecb(['start'], await startSettings(stub));
      const url = await eventually(() => /"url":"(http:[^"]+)"/.exec(run.stdout)?.[1]);
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);

      const client = await createClient(url, { userToken: await stub.tokens.signUserToken({ userId: 'alice', displayName: 'Alice' }) });
      stub.delay('getThreads', 700);
      const slow = client.timeout(5_000).emitWithAck('getThreads', {});
      await eventually(() => (stub.requestsTo('getThreads').length > 0 ? true : undefined));
      run.child.kill('SIGTERM');

      const ack = (await slow) as { ok: boolean };
      expect(ack.ok, 'the in-flight request still gets its answer').to.equal(true);
      expect(await run.exited).to.equal(0);
      client.close();
    });
  });

  describe('what a node loads', () => {
    let stub: StubBackend;
    let dir: string;
    before(async () => {
      stub = await startStubBackend();
      dir = mkdtempSync(join(tmpdir(), 'ecb-loaded-'));
      // preloaded into ECB's process: on exit, which of the Redis packages it loaded (the CommonJS cache)
      writeFileSync(
        join(dir, 'report-loaded.cjs'),
        "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(" +
          "['@redis/client', '@socket.io/redis-adapter'].filter((p) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + p + '/')))) + '\\n'));",
      );
    });
    after(async () => {
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const loadedBy = async (extraEnv: Record<string, string>): Promise<string[]> => {
      const run = await startThenStop({ ...(await startSettings(stub)), ...extraEnv }, false, ['--require', join(dir, 'report-loaded.cjs')]);
      const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
      expect(line, `the preload's report in stderr: ${run.stderr}`).to.be.a('string');
      return JSON.parse(line!.slice('LOADED '.length)) as string[];
    };

    it('a single node does not load the Redis client or the Socket.IO Redis adapter', async () => {
      expect(await loadedBy({})).to.deep.equal([]);
    });

    it('a node with ECB_REDIS_URL loads both (start-up does not wait for Redis: none needs to run)', async () => {
      expect(await loadedBy({ ECB_REDIS_URL: 'redis://127.0.0.1:9' })).to.deep.equal(['@redis/client', '@socket.io/redis-adapter']);
    });
  });

  describe("the runtime ECB is tuned for (bin/ecb.js's Node flags)", () => {
    let stub: StubBackend;
    before(async () => {
      stub = await startStubBackend();
    });
    after(() => stub.close());

    // read once it has exited: the advice follows 'ECB listening', and a loaded machine may
    // deliver the two lines apart
    const startAndRead = async (asExecutable: boolean): Promise<string> =>
      (await startThenStop(await startSettings(stub), asExecutable)).stdout;

    it('the executable starts Node with the flags, so ECB gives no advice', async () => {
      const stdout = await startAndRead(true);
      expect(stdout).not.to.contain('semiSpaceMiB');
    });

    it('`node bin/ecb.js start` without them logs one line saying how to pass them', async () => {
      const stdout = await startAndRead(false);
      const advice = stdout.split('\n').filter((line) => line.includes('"semiSpaceMiB":"default"'));
      expect(advice).to.have.length(1);
      expect(advice[0]).to.contain(`--max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MIB}`).and.contain('--no-allocation-site-pretenuring');
    });

    it("the setting takes effect: V8 grows the young generation past Node's 16 MiB semi-spaces", () => {
      // what the executable's `#!/usr/bin/env -S node ...` line runs, with a script that fills the young generation
      const flags = shebangNodeFlags(readFileSync(ECB_BIN, 'utf8'));
      const probe =
        "const v8=require('node:v8');const keep=[];for(let i=0;i<3e6;i++){const o={a:i,b:[i]};if(i%10===0)keep.push(o);if(keep.length>20000)keep.length=0}" +
        "process.stdout.write(String(v8.getHeapSpaceStatistics().find((s)=>s.space_name==='new_space').space_size/2**20))";
      const newSpaceMiB = (nodeFlags: readonly string[]): number =>
        Number(execFileSync(process.execPath, [...nodeFlags, '-e', probe], { encoding: 'utf8' }));
      // V8 grows the young generation by heuristics that also weigh how fast the process allocates:
      // a run now and then stays at Node's size (2 in 25 here with the semi-space flag alone), so the best of three counts
      // (without the flags it can never pass Node's 2 x 16 MiB)
      const tuned = Math.max(newSpaceMiB(flags), newSpaceMiB(flags), newSpaceMiB(flags));
      const plain = newSpaceMiB([]);
      // Node refuses a flag it does not know: execFileSync above would have thrown
      expect(flags).to.deep.equal([...ECB_NODE_FLAGS]);
      const packageJson = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
      expect(packageJson.scripts['start'], 'npm start runs the demo with the same flags').to.contain(`node ${ECB_NODE_FLAGS.join(' ')} `);
      expect(tuned, 'new space with the flags, MiB').to.be.greaterThan(plain);
    });
  });

  it('demo makes its keys, starts, and lets a seeded user in with an access token', async () => {
    const run = ecb(['demo', '--port', '0'], { ECB_DEMO_DIR: dir });
    try {
      const url = await eventually(() => /ECB demo is running at (http:\S+)/.exec(run.stdout)?.[1], 15_000);
      expect(existsSync(join(dir, 'private.pem'))).to.equal(true);
      expect(run.stdout).to.contain('access-alice');
      const client = io(url, { auth: { accessToken: 'access-alice' }, transports: ['websocket'], reconnection: false });
      const session = await waitFor<{ userToken: string; user: { userId: string } }>(client, 'session', 8_000);
      expect(session.user.userId).to.equal('alice');
      expect(session.userToken.split('.')).to.have.length(3);
      client.close();
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
