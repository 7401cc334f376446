import { expect } from 'chai';
import { AuthenticateServer } from '../../../src/application/authenticate-server.js';
import { AuthenticateUser } from '../../../src/application/authenticate-user.js';
import { tokenExpired } from '../../../src/domain/errors.js';
import { anIdentity, aUser } from '../../support/builders.js';
import { FakeTokenVerifier } from '../../support/fake-token-verifier.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { run } from './world.js';

describe('AuthenticateUser', () => {
  const identity = anIdentity({ user: aUser({ userId: 'alice' }), expiresAt: 1_700_000_600 });
  const tokens = new FakeTokenVerifier().withUser('good', identity).withRejectedUser('old', tokenExpired('expired'));
  const authenticate = new AuthenticateUser(tokens);

  it('answers who the user token proves, and until when', async () => {
    expect(rightOf(await run(authenticate.execute('good')))).to.deep.equal(identity);
  });

  it('refuses an unknown token as UNAUTHORIZED and an expired one as TOKEN_EXPIRED', async () => {
    expect(leftOf(await run(authenticate.execute('unknown')))._tag).to.equal('UNAUTHORIZED');
    expect(leftOf(await run(authenticate.execute('old')))._tag).to.equal('TOKEN_EXPIRED');
  });
});

describe('AuthenticateServer', () => {
  const tokens = new FakeTokenVerifier().withServer('server').withUser('user', anIdentity());
  const authenticate = new AuthenticateServer(tokens);

  it('accepts the backend’s server token', async () => {
    expect(rightOf(await run(authenticate.execute('server')))).to.equal(undefined);
  });

  it('refuses anything else, a user token included, as UNAUTHORIZED', async () => {
    expect(leftOf(await run(authenticate.execute('user')))._tag).to.equal('UNAUTHORIZED');
    expect(leftOf(await run(authenticate.execute('nothing')))._tag).to.equal('UNAUTHORIZED');
  });
});
