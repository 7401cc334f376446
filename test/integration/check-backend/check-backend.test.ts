import { expect } from 'chai';
import { checkBackend, type CheckReport } from '../../../src/cli/check-backend/check-backend.js';
import { formatReport } from '../../../src/cli/check-backend/check-report.js';
import { accessTokenOf } from '../../../reference-backend/seed.js';
import { testKeys } from '../../support/keys.js';
import { startBackend, type Fault, type RunningBackend } from './faulty-backend.js';
import * as faults from './faults.js';

const failedIds = (report: CheckReport): string[] => report.results.filter((r) => r.verdict === 'fail').map((r) => r.id);
const USER_OPERATIONS = ['getContacts', 'getThreads', 'createThread', 'getThread', 'addThreadMessage'];

describe('ecb check-backend against a backend', function () {
  this.timeout(20_000);
  let backend: RunningBackend | undefined;

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  const check = async (fault?: Fault, options: { apiKey?: string; userId?: string } = {}): Promise<CheckReport> => {
    backend = await startBackend(fault, options.apiKey === undefined ? {} : { apiKey: options.apiKey });
    return checkBackend({
      backendUrl: backend.url,
      privateKeyPem: (await testKeys()).privatePem,
      ...(options.userId === undefined ? { accessToken: accessTokenOf('alice') } : { userId: options.userId }),
      apiKey: options.apiKey,
    });
  };

  describe('that conforms (the reference backend)', () => {
    it('passes every check, each operation exercised', async () => {
      const report = await check();
      expect(failedIds(report)).to.deep.equal([]);
      expect(report.results.filter((r) => r.verdict === 'skip')).to.deep.equal([]);
      expect(report.passed).to.equal(true);
      const ids = report.results.map((r) => r.id);
      for (const id of ['getUserToken', 'userToken', 'createThread', 'threadToken.signature', 'threadToken.claims',
        'threadToken.everywhere', 'times.epoch-seconds', 'createThread.idempotent', 'getThread', 'addThreadMessage',
        'addThreadMessage.idempotent', 'getThread.since', 'getThread.unknown-thread', 'auth-alg-none', 'auth-alg-hs256']) {
        expect(ids).to.include(id);
      }
      for (const op of USER_OPERATIONS) {
        expect(ids).to.include.members([`auth-required:${op}`, `user-mismatch:${op}`, `latency:${op}`, op]);
      }
    });

    it('passes acting as --user-id with a token it mints itself, skipping only getUserToken', async () => {
      const report = await check(undefined, { userId: 'alice' });
      expect(failedIds(report)).to.deep.equal([]);
      expect(report.results.filter((r) => r.verdict === 'skip').map((r) => r.id)).to.deep.equal(['getUserToken']);
    });

    it('passes a backend that ignores since (ECB drops the older messages itself), saying so', async () => {
      const report = await check(faults.ignoresSince);
      expect(failedIds(report)).to.deep.equal([]);
      expect(report.results.find((r) => r.id === 'getThread.since')?.detail).to.match(/older message\(s\), which ECB drops/);
    });

    it('sends X-ECB-Key, so a backend with an API key passes', async () => {
      const report = await check(undefined, { apiKey: 'k-123' });
      expect(failedIds(report)).to.deep.equal([]);
    });
  });

  it('tells a run without --api-key against a backend that checks X-ECB-Key to pass it, where it saw a 401', async () => {
    backend = await startBackend(undefined, { apiKey: 'k-123' });
    const report = await checkBackend({ backendUrl: backend.url, privateKeyPem: (await testKeys()).privatePem, userId: 'alice' });
    const failed = report.results.filter((r) => r.verdict === 'fail');
    expect(failed).to.not.be.empty;
    for (const result of failed.filter((r) => /HTTP 401/.test(r.detail ?? ''))) expect(result.fix).to.contain('--api-key');
    expect(failed.some((r) => /HTTP 401/.test(r.detail ?? ''))).to.equal(true);
  });

  describe('that is broken', () => {
    const cases: ReadonlyArray<[string, Fault, string[]]> = [
      ['accepts calls without a user token', faults.noAuthCheck, USER_OPERATIONS.map((op) => `auth-required:${op}`)],
      ['acts for the user the body names', faults.trustsBodyUser, USER_OPERATIONS.map((op) => `user-mismatch:${op}`)],
      ['answers 500 to malformed bodies', faults.crashOnBadInput,
        ['bad-input:getUserToken', 'bad-input:createThread', 'bad-input:getThread', 'bad-input:addThreadMessage']],
      ['stores a repeated addThreadMessage twice', faults.nonIdempotentAdd, ['addThreadMessage.idempotent']],
      ['signs thread tokens HS256', faults.hs256ThreadTokens, ['threadToken.signature', 'threadToken.everywhere']],
      ['leaves memberIds out of thread tokens', faults.threadTokensWithoutMembers, ['threadToken.claims', 'threadToken.everywhere']],
      ['signs thread tokens HS256 in every answer but createThread\'s', faults.hs256ThreadTokensOutsideCreate, ['threadToken.everywhere']],
      ['answers getThread with since without the later messages', faults.sinceAnswersNothing, ['getThread.since']],
      ['writes times in milliseconds', faults.millisecondTimes, ['times.epoch-seconds', 'getThread.since']],
      ['pages with pageSize = the size asked and a nextPage at the end', faults.pagingOffByOneAtTheEnd, ['getThreads.paging', 'getContacts.paging']],
      ['pages back below 0', faults.previousPageBelowZero, ['getThreads.paging', 'getContacts.paging']],
      ['stores a repeated createThread twice', faults.nonIdempotentCreate, ['createThread.idempotent']],
      ['takes the algorithm from the user token', faults.trustsTokenAlgorithm, ['auth-alg-none', 'auth-alg-hs256']],
      ['answers 500 for an unknown thread', faults.unknownThreadCrashes, ['getThread.unknown-thread', 'addThreadMessage.unknown-thread']],
      ['wraps its contacts in an object', faults.wrappedContacts, ['getContacts', 'getContacts.paging']],
      ['pages without previousPage and nextPage', faults.incompletePage, ['getThreads', 'getThreads.paging']],
    ];
    for (const [name, fault, expected] of cases) {
      it(`that ${name}: reports ${expected.join(', ')} and nothing else`, async () => {
        const report = await check(fault);
        expect(failedIds(report)).to.deep.equal(expected);
        expect(report.passed).to.equal(false);
        for (const id of expected) expect(report.results.find((r) => r.id === id)?.fix).to.be.a('string').that.is.not.empty;
      });
    }

    it('that writes message times as ISO strings: reports createThread and skips what needs the thread', async () => {
      const report = await check(faults.isoMessageTimes);
      expect(failedIds(report)).to.include('createThread');
      const createThread = report.results.find((r) => r.id === 'createThread')!;
      expect(createThread.detail).to.contain('creationTime');
      expect(report.results.filter((r) => r.verdict === 'skip').map((r) => r.id)).to.include('getThread.since');
    });

    it('that is not there: reports the unreachable backend without throwing', async () => {
      const report = await checkBackend({
        backendUrl: 'http://127.0.0.1:1',
        privateKeyPem: (await testKeys()).privatePem,
        accessToken: 'whatever',
      });
      expect(report.passed).to.equal(false);
      expect(failedIds(report)).to.include.members(['getUserToken', 'identity']);
      expect(formatReport(report)).to.contain('connection failed');
    });
  });

  it('prints each failure with what was seen and the fix', async () => {
    const text = formatReport(await check(faults.nonIdempotentAdd));
    expect(text).to.match(/FAIL\s+addThreadMessage\.idempotent/);
    expect(text).to.contain('saw: ');
    expect(text).to.contain('fix: Keep the result of each write under (user, Idempotency-Key)');
    expect(text).to.contain('does NOT conform');
  });
});
