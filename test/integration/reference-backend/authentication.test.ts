import { expect } from 'chai';
import { decodeJwt, SignJWT } from 'jose';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { newKeys, signToken, threadToken, userToken } from '../../support/keys.js';
import { post, signIn, startTestBackend } from './backend-client.js';

const alice = { userId: 'alice', displayName: 'Alice' };

describe('reference backend: who is calling', () => {
  let backend: RunningReferenceBackend;

  afterEach(async () => backend.close());

  describe('getUserToken', () => {
    beforeEach(async () => {
      backend = await startTestBackend();
    });

    it('exchanges a seeded access token for a user token of that user', async () => {
      const answer = await post(backend.url, 'getUserToken', { accessToken: 'access-agent-sam' });
      expect(answer.status).to.equal(200);
      const claims = decodeJwt(answer.body.userToken);
      expect(claims).to.include({ userId: 'agent-sam', displayName: 'Sam' });
      expect(claims.data).to.deep.equal({ role: 'agent' });
      expect(claims.exp).to.be.a('number');
    });

    it('refuses an unknown access token with 401', async () => {
      const answer = await post(backend.url, 'getUserToken', { accessToken: 'access-mallory' });
      expect(answer.status).to.equal(401);
      expect(answer.body.error.code).to.equal('UNAUTHORIZED');
    });

    it('answers 400 when the access token is missing', async () => {
      const answer = await post(backend.url, 'getUserToken', {});
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.deep.equal({
        code: 'BAD_REQUEST',
        message: 'request body: "accessToken" is missing',
      });
    });
  });

  describe('the forwarded user token', () => {
    beforeEach(async () => {
      backend = await startTestBackend();
    });

    const getContactsWith = (authorization: string | undefined) =>
      post(backend.url, 'getContacts', { user: alice }, authorization === undefined ? {} : { authorization });

    it('is accepted when valid, from getUserToken or signed by the same key', async () => {
      const session = await signIn(backend.url, 'alice');
      expect((await getContactsWith(`Bearer ${session.userToken}`)).status).to.equal(200);
      expect((await getContactsWith(`Bearer ${await userToken('alice', 'Alice')}`)).status).to.equal(200);
    });

    it('is required: without one the answer is 401', async () => {
      const answer = await getContactsWith(undefined);
      expect(answer.status).to.equal(401);
      expect(answer.body.error.code).to.equal('UNAUTHORIZED');
    });

    const refused: Array<[string, () => Promise<string>]> = [
      ['garbage', async () => 'Bearer not-a-jwt'],
      ['not a Bearer credential', async () => `Basic ${await userToken('alice')}`],
      ['expired', async () => `Bearer ${await userToken('alice', 'Alice', { expiresIn: -120 })}`],
      ['without exp', async () => `Bearer ${await userToken('alice', 'Alice', { expiresIn: null })}`],
      ['signed by another key', async () => `Bearer ${await userToken('alice', 'Alice', { keys: await newKeys() })}`],
      ['HS256', async () => `Bearer ${await hs256Token()}`],
      ['a thread token', async () => `Bearer ${await threadToken('thread-alice-bob', ['alice'])}`],
      ['a user token also carrying role', async () => `Bearer ${await signToken({ userId: 'alice', role: 'server' })}`],
      ['a token of an unknown user', async () => `Bearer ${await userToken('mallory')}`],
      ['longer than 8 KiB', async () => `Bearer ${await signToken({ userId: 'alice', pad: 'x'.repeat(9000) })}`],
    ];
    for (const [name, authorization] of refused) {
      it(`is refused with 401 when ${name}`, async () => {
        const answer = await getContactsWith(await authorization());
        expect(answer.status).to.equal(401);
        expect(answer.body.error.code).to.equal('UNAUTHORIZED');
      });
    }

    it('says "expired" for an expired token, and never echoes the token', async () => {
      const token = await userToken('alice', 'Alice', { expiresIn: -120 });
      const answer = await getContactsWith(`Bearer ${token}`);
      expect(answer.body.error.message).to.equal('the user token has expired');
      expect(JSON.stringify(answer.body)).not.to.contain(token.split('.')[2]);
    });

    it('tolerates 30 s of clock skew past exp', async () => {
      expect(
        (await getContactsWith(`Bearer ${await userToken('alice', 'Alice', { expiresIn: -10 })}`)).status,
      ).to.equal(200);
    });

    it("must match the body's user: another userId is 403", async () => {
      const session = await signIn(backend.url, 'alice');
      for (const operation of ['getContacts', 'getThreads', 'createThread', 'getThread', 'addThreadMessage']) {
        const answer = await post(
          backend.url,
          operation,
          {
            user: { userId: 'bob', displayName: 'Bob' },
            threadId: 'thread-alice-bob',
            memberIds: [],
            message: { type: 'text', data: { messageText: 'x' } },
          },
          { authorization: `Bearer ${session.userToken}` },
        );
        expect(answer.status, operation).to.equal(403);
        expect(answer.body.error.code, operation).to.equal('FORBIDDEN');
      }
    });

    it('is checked by every operation but getUserToken', async () => {
      for (const operation of ['getContacts', 'getThreads', 'createThread', 'getThread', 'addThreadMessage']) {
        const answer = await post(backend.url, operation, { user: alice, threadId: 'thread-alice-bob' });
        expect(answer.status, operation).to.equal(401);
      }
    });
  });

  describe('with an API key', () => {
    beforeEach(async () => {
      backend = await startTestBackend({ apiKey: 'k3y' });
    });

    it('refuses a request without X-ECB-Key, or with a wrong one, with 401', async () => {
      const attempts: Array<Record<string, string>> = [{}, { 'x-ecb-key': 'wrong' }, { 'x-ecb-key': 'k3y-and-more' }];
      for (const headers of attempts) {
        const answer = await post(backend.url, 'getUserToken', { accessToken: 'access-alice' }, headers);
        expect(answer.status).to.equal(401);
        expect(answer.body.error.code).to.equal('UNAUTHORIZED');
      }
    });

    it('serves a request with the right X-ECB-Key', async () => {
      const session = await signIn(backend.url, 'alice', { 'x-ecb-key': 'k3y' });
      expect((await session.call('getThreads')).status).to.equal(200);
      expect((await session.call('getThreads', {}, { 'x-ecb-key': 'nope' })).status).to.equal(401);
    });
  });
});

// An HS256 token whose secret is the public key's text: the classic algorithm-confusion attack.
const hs256Token = async (): Promise<string> => {
  const { publicPem } = await (await import('../../support/keys.js')).testKeys();
  return new SignJWT({ userId: 'alice' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(publicPem));
};
