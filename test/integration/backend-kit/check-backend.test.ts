import { expect } from 'chai';
import { checkBackend } from '../../../src/cli/check-backend/check-backend.js';
import { testKeys } from '../../support/keys.js';
import { startKoaKitBackend, type RunningKoa } from './tiny-backend.js';

/** A backend built from the kit with a few in-memory handlers passes `ecb check-backend` whole. */
describe('backend kit: ecb check-backend against a tiny kit backend', function () {
  this.timeout(20_000);
  let backend: RunningKoa | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  for (const apiKey of [undefined, 'k-kit']) {
    it(`passes every check, none skipped${apiKey === undefined ? '' : ', with an API key'}`, async () => {
      backend = await startKoaKitBackend(undefined, apiKey === undefined ? {} : { apiKey });
      const report = await checkBackend({
        backendUrl: backend.url,
        privateKeyPem: (await testKeys()).privatePem,
        accessToken: 'access-alice',
        apiKey,
      });
      expect(report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${r.verdict}`)).to.deep.equal([]);
      expect(report.passed).to.equal(true);
      expect(report.results.map((r) => r.id)).to.include.members(['addThreadMessage.idempotent', 'getThread.since', 'user-mismatch:getThread']);
    });
  }
});
