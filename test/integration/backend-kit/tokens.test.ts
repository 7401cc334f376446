import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { BackendTokens, ContractError, MAX_SERVER_TOKEN_LIFETIME_SECONDS } from '../../../backend-kit/index.js';
import { testKeys } from '../../support/keys.js';

describe('backend kit: BackendTokens', () => {
  const NOW = 1_800_000_000;
  const tokensAt = async (now = NOW) => {
    const keys = await testKeys();
    return new BackendTokens({ privateKey: keys.privateKey, publicKey: keys.publicKey, now: () => now });
  };

  it('signs RS256 user (1 h), thread (24 h) and server (60 s) tokens with the right claims', async () => {
    const tokens = await tokensAt();
    const user = await tokens.signUserToken({ userId: 'alice', displayName: 'Alice', data: { role: 'agent' } });
    expect(decodeProtectedHeader(user).alg).to.equal('RS256');
    expect(decodeJwt(user)).to.deep.include({ userId: 'alice', displayName: 'Alice', data: { role: 'agent' }, exp: NOW + 3600 });
    expect(decodeJwt(await tokens.signThreadToken({ threadId: 't', memberIds: ['a', 'b'] }))).to.deep.include({ threadId: 't', memberIds: ['a', 'b'], exp: NOW + 86_400 });
    expect(decodeJwt(await tokens.signServerToken())).to.deep.include({ role: 'server', exp: NOW + 60 });
  });

  it('refuses to sign a server token that lives longer than 300 s', async () => {
    const tokens = await tokensAt();
    expect(() => tokens.signServerToken(MAX_SERVER_TOKEN_LIFETIME_SECONDS + 1)).to.throw(RangeError);
    expect(decodeJwt(await tokens.signServerToken(300)).exp).to.equal(NOW + 300);
  });

  it('verifies a user token into the user, defaulting displayName to userId', async () => {
    const tokens = await tokensAt();
    expect(await tokens.verifyUserToken(await tokens.signUserToken({ userId: 'bob', displayName: 'Bob' }))).to.deep.equal({ userId: 'bob', displayName: 'Bob' });
  });

  it('answers UNAUTHORIZED for an expired token, a thread token and a server token', async () => {
    const signer = await tokensAt(NOW - 7200);
    const verifier = await tokensAt();
    const expired = await verifier.verifyUserToken(await signer.signUserToken({ userId: 'a', displayName: 'A' }));
    expect(expired).to.be.instanceOf(ContractError).and.to.include({ code: 'UNAUTHORIZED', message: 'the user token has expired' });
    for (const other of [await verifier.signThreadToken({ threadId: 't', memberIds: ['a'] }), await verifier.signServerToken()]) {
      expect(await verifier.verifyUserToken(other)).to.be.instanceOf(ContractError).and.to.include({ status: 401 });
    }
  });
});
