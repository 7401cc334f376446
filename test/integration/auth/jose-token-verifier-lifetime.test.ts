import { expect } from 'chai';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose-token-verifier.js';
import { aConfig } from '../../support/config.js';
import type { FixedClock } from '../../support/fixed-clock.js';
import { accepted, frozenClock, refused, T } from './outcome.js';
import { serverAt, threadAt, tokenAt, userAt } from './tokens-at.js';

// The config's tolerance is the spec's 30 s; every boundary below is stated against it.
const TOLERANCE = 30;

describe('JoseTokenVerifier: lifetimes, issuer and audience', () => {
  let clock: FixedClock;
  let verifier: JoseTokenVerifier;

  beforeEach(async () => {
    clock = frozenClock();
    verifier = new JoseTokenVerifier(await aConfig(), clock);
  });

  describe('exp', () => {
    it('answers an expired user token TOKEN_EXPIRED', async () => {
      const token = await userAt({}, { exp: T - 3600, iat: T - 7200 });
      const error = await refused(verifier.verifyUser(token), 'TOKEN_EXPIRED', token);
      expect(error.message).to.equal('the user token has expired');
    });

    it('answers an expired thread token FORBIDDEN', async () => {
      const token = await threadAt({}, { exp: T - 3600, iat: T - 7200 });
      await refused(verifier.verifyThread(token), 'FORBIDDEN', token);
    });

    it('answers an expired server token UNAUTHORIZED', async () => {
      const token = await serverAt({}, { exp: T - 3600, iat: T - 3700 });
      await refused(verifier.verifyServer(token), 'UNAUTHORIZED', token);
    });

    it('answers an expired token of another kind UNAUTHORIZED, not TOKEN_EXPIRED, as a user token', async () => {
      await refused(verifier.verifyUser(await threadAt({}, { exp: T - 3600 })), 'UNAUTHORIZED');
      await refused(verifier.verifyUser(await serverAt({}, { exp: T - 3600 })), 'UNAUTHORIZED');
    });

    it('accepts a token that expired less than the tolerance ago', async () => {
      await accepted(verifier.verifyUser(await userAt({}, { exp: T - TOLERANCE + 1 })));
      await accepted(verifier.verifyThread(await threadAt({}, { exp: T - TOLERANCE + 1 })));
    });

    it('refuses a token that expired exactly the tolerance ago', async () => {
      await refused(verifier.verifyUser(await userAt({}, { exp: T - TOLERANCE })), 'TOKEN_EXPIRED');
    });

    it('refuses a user token without exp', async () => {
      const token = await userAt({}, { exp: null });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('follows the injected clock, not the machine’s, at both edges of the tolerance', async () => {
      const token = await userAt({}, { exp: T + 100 });
      clock.set(T + 100 + TOLERANCE - 1);
      await accepted(verifier.verifyUser(token));
      clock.set(T + 100 + TOLERANCE);
      await refused(verifier.verifyUser(token), 'TOKEN_EXPIRED', token);
      clock.set(T);
      await accepted(verifier.verifyUser(token));
    });

    it('compares fractions of a second, in exp and in the clock', async () => {
      const token = await userAt({}, { exp: T + 100.5 });
      clock.set(T + 100 + TOLERANCE + 0.25);
      await accepted(verifier.verifyUser(token));
      clock.set(T + 100 + TOLERANCE + 0.75);
      await refused(verifier.verifyUser(token), 'TOKEN_EXPIRED', token);
    });
  });

  describe('nbf and iat', () => {
    it('refuses a token whose nbf is beyond the tolerance', async () => {
      await refused(verifier.verifyUser(await userAt({}, { notBefore: T + TOLERANCE + 1 })), 'UNAUTHORIZED');
      await refused(verifier.verifyThread(await threadAt({}, { notBefore: T + TOLERANCE + 1 })), 'FORBIDDEN');
      await refused(verifier.verifyServer(await serverAt({}, { notBefore: T + TOLERANCE + 1 })), 'UNAUTHORIZED');
    });

    it('accepts a token whose nbf is within the tolerance', async () => {
      await accepted(verifier.verifyUser(await userAt({}, { notBefore: T + TOLERANCE })));
    });

    it('accepts it once the clock reaches nbf', async () => {
      const token = await userAt({}, { notBefore: T + 100 });
      await refused(verifier.verifyUser(token), 'UNAUTHORIZED');
      clock.set(T + 100);
      await accepted(verifier.verifyUser(token));
    });

    it('refuses a token issued further in the future than the tolerance', async () => {
      await refused(verifier.verifyUser(await userAt({}, { iat: T + TOLERANCE + 1 })), 'UNAUTHORIZED');
      await refused(verifier.verifyThread(await threadAt({}, { iat: T + TOLERANCE + 1 })), 'FORBIDDEN');
      await refused(verifier.verifyServer(await serverAt({}, { iat: T + TOLERANCE + 1 })), 'UNAUTHORIZED');
    });

    it('accepts a token issued in the future within the tolerance', async () => {
      await accepted(verifier.verifyUser(await userAt({}, { iat: T + TOLERANCE })));
    });

    it('refuses an iat or nbf that is not a number', async () => {
      await refused(verifier.verifyUser(await userAt({ nbf: 'soon' })), 'UNAUTHORIZED');
    });
  });

  describe('server token lifetime', () => {
    it('refuses a server token that expires 10 minutes ahead', async () => {
      const token = await serverAt({}, { exp: T + 600 });
      const error = await refused(verifier.verifyServer(token), 'UNAUTHORIZED', token);
      expect(error.message).to.include('too long');
    });

    it('accepts exp up to 5 minutes plus the tolerance ahead, and not a second more', async () => {
      await accepted(verifier.verifyServer(await serverAt({}, { exp: T + 300 + TOLERANCE })));
      await refused(verifier.verifyServer(await serverAt({}, { exp: T + 300 + TOLERANCE + 1 })), 'UNAUTHORIZED');
    });

    it('refuses a server token without exp', async () => {
      await refused(verifier.verifyServer(await serverAt({}, { exp: null })), 'UNAUTHORIZED');
    });
  });

  describe('iss and aud', () => {
    const configured = async () =>
      new JoseTokenVerifier(await aConfig({ jwtIssuer: 'https://backend.example', jwtAudience: 'ecb' }), clock);

    it('accepts the configured issuer and audience', async () => {
      const strict = await configured();
      await accepted(strict.verifyUser(await userAt({}, { issuer: 'https://backend.example', audience: 'ecb' })));
      await accepted(strict.verifyThread(await threadAt({}, { issuer: 'https://backend.example', audience: 'ecb' })));
    });

    it('accepts an audience list that holds the configured audience', async () => {
      const strict = await configured();
      await accepted(strict.verifyUser(await userAt({ aud: ['other', 'ecb'] }, { issuer: 'https://backend.example' })));
    });

    it('refuses a wrong issuer', async () => {
      const strict = await configured();
      const token = await userAt({}, { issuer: 'https://evil.example', audience: 'ecb' });
      await refused(strict.verifyUser(token), 'UNAUTHORIZED', token);
      await refused(strict.verifyThread(await threadAt({}, { issuer: 'https://evil.example', audience: 'ecb' })), 'FORBIDDEN');
    });

    it('refuses a wrong audience', async () => {
      const strict = await configured();
      await refused(strict.verifyUser(await userAt({}, { issuer: 'https://backend.example', audience: 'other' })), 'UNAUTHORIZED');
      await refused(strict.verifyServer(await serverAt({}, { issuer: 'https://backend.example', audience: 'other' })), 'UNAUTHORIZED');
    });

    it('refuses a token without iss or aud when they are configured', async () => {
      const strict = await configured();
      await refused(strict.verifyUser(await userAt({}, { audience: 'ecb' })), 'UNAUTHORIZED');
      await refused(strict.verifyUser(await userAt({}, { issuer: 'https://backend.example' })), 'UNAUTHORIZED');
    });

    it('checks an expired token’s issuer before calling it expired', async () => {
      const strict = await configured();
      const token = await userAt({}, { exp: T - 3600, issuer: 'https://evil.example', audience: 'ecb' });
      await refused(strict.verifyUser(token), 'UNAUTHORIZED', token);
    });

    it('ignores iss and aud when none is configured', async () => {
      await accepted(verifier.verifyUser(await userAt({}, { issuer: 'anyone', audience: 'anything' })));
    });
  });

  it('keeps a token issued long ago valid while exp allows (no maximum age)', async () => {
    await accepted(verifier.verifyUser(await tokenAt({ userId: 'alice' }, { iat: T - 86_400 * 365, exp: T + 60 })));
  });
});
