import { expect } from 'chai';
import { ExchangeAccessToken } from '../../../src/application/exchange-access-token.js';
import { backendUnavailable, tokenExpired } from '../../../src/domain/errors.js';
import { anIdentity } from '../../support/builders.js';
import { leftOf, rightOf } from '../domain/expect-either.js';
import { aWorld, run } from './world.js';

describe('ExchangeAccessToken', () => {
  const setUp = (issue: (userId: string) => string = (userId) => `user-token:${userId}`) => {
    const world = aWorld({}, { signUser: (user) => Promise.resolve(issue(user.userId)) });
    world.backend.addUser(world.alice.caller.user, { accessToken: 'access-alice', credential: 'user-token:alice' });
    world.tokens.withUser('user-token:alice', anIdentity({ user: world.alice.caller.user, expiresAt: 1_700_009_000 }));
    return { world, exchange: new ExchangeAccessToken(world.backend, world.tokens) };
  };

  it('hands out the user token the backend issued, with the user and expiry it proves', async () => {
    const { exchange, world } = setUp();
    const session = rightOf(await run(exchange.execute('access-alice', 'req-1')));
    expect(session).to.deep.equal({
      userToken: 'user-token:alice',
      user: world.alice.caller.user,
      expiresAt: 1_700_009_000,
    });
  });

  it('refuses a user token the backend issued that does not verify as BACKEND_ERROR, without echoing it', async () => {
    const { exchange } = setUp(() => 'forged-by-a-broken-backend');
    const error = leftOf(await run(exchange.execute('access-alice', 'req-1')));
    expect(error._tag).to.equal('BACKEND_ERROR');
    expect(error.message).not.to.contain('forged-by-a-broken-backend');
  });

  it('refuses an issued user token that is already expired as BACKEND_ERROR', async () => {
    const { exchange, world } = setUp(() => 'expired-token');
    world.tokens.withRejectedUser('expired-token', tokenExpired('expired'));
    expect(leftOf(await run(exchange.execute('access-alice', 'req-1')))._tag).to.equal('BACKEND_ERROR');
  });

  it('passes on the backend refusing the access token', async () => {
    const { exchange } = setUp();
    expect(leftOf(await run(exchange.execute('not-an-access-token', 'req-1')))._tag).to.equal('UNAUTHORIZED');
  });

  it('passes on an unreachable backend as BACKEND_UNAVAILABLE', async () => {
    const { exchange, world } = setUp();
    world.backend.failNext('exchangeAccessToken', backendUnavailable('down'));
    expect(leftOf(await run(exchange.execute('access-alice', 'req-1')))._tag).to.equal('BACKEND_UNAVAILABLE');
  });
});
