import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { createReferenceBackend, startReferenceBackend } from '../../../reference-backend/app.js';
import { testKeys } from '../../support/keys.js';
import { post, signIn } from './backend-client.js';

describe('reference backend: creating and starting it', () => {
  it('takes PEM keys, listens on 127.0.0.1 and an ephemeral port, under a prefix, and closes', async () => {
    const { privatePem, publicPem } = await testKeys();
    const backend = await startReferenceBackend({ privateKey: privatePem, publicKey: publicPem, prefix: '/backend' });
    try {
      expect(backend.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/backend$/);
      const alice = await signIn(backend.url, 'alice');
      expect((await alice.call('getThreads')).status).to.equal(200);
    } finally {
      await backend.close();
    }
    const refused = await fetch(`${backend.url}/getThreads`, { method: 'POST' }).then(
      () => false,
      () => true,
    );
    expect(refused, 'still listening after close').to.equal(true);
  });

  it('starts empty without the seed', async () => {
    const keys = await testKeys();
    const backend = await startReferenceBackend({ ...keys, seed: false });
    try {
      expect(await backend.store.listUsers()).to.deep.equal([]);
      expect((await post(backend.url, 'getUserToken', { accessToken: 'access-alice' })).status).to.equal(401);
      await backend.store.saveUser({ userId: 'zoe', displayName: 'Zoe' }, 'zoe-secret');
      const answer = await post(backend.url, 'getUserToken', { accessToken: 'zoe-secret' });
      expect(answer.status).to.equal(200);
    } finally {
      await backend.close();
    }
  });

  it('signs tokens that expire after the configured lifetimes', async () => {
    const keys = await testKeys();
    const { tokens } = createReferenceBackend({
      ...keys,
      now: () => 1_000_000,
      userTokenLifetimeSeconds: 120,
      threadTokenLifetimeSeconds: 30,
    });
    const exp = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp;
    expect(exp(await tokens.signUserToken({ userId: 'a', displayName: 'A' }))).to.equal(1_000_120);
    expect(exp(await tokens.signThreadToken({ threadId: 't', memberIds: ['a'] }))).to.equal(1_000_030);
    expect(exp(await tokens.signServerToken())).to.equal(1_000_060);
  });

  it('refuses, at creation, a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => createReferenceBackend({ privateKey: ec.privateKey, publicKey: ec.publicKey })).to.throw(/RSA/);
  });
});
