import { expect } from 'chai';
import { failsWith, PAGE, startBackendFixture, succeeds, type BackendFixture } from './backend-fixture.js';
import { BACKEND_CLIENTS } from './backend-fixture.js';

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

for (const backendClient of BACKEND_CLIENTS) describe(`HttpBackendGateway: requests and answers (${backendClient})`, () => {
  let f: BackendFixture;

  beforeEach(async () => {
    f = await startBackendFixture({ config: { backendClient } });
  });

  afterEach(async () => {
    await f.close();
  });

  describe('what it sends (ECB-SPEC §6)', () => {
    it("POSTs JSON to {backendUrl}/{operation} with the caller's token, the request id and the user reference", async () => {
      const caller = { ...f.alice, user: { ...f.alice.user, data: { secretish: 'not for the backend' } } };
      await succeeds(f.gateway.getContacts(caller, { pageStartIndex: 5, pageSize: 7 }));
      const [sent] = f.stub.requestsTo('getContacts');
      expect(sent?.method).to.equal('POST');
      expect(sent?.headers['content-type']).to.match(/^application\/json/);
      expect(sent?.headers.authorization).to.equal(`Bearer ${f.alice.credential}`);
      expect(sent?.headers['x-ecb-request-id']).to.equal('request-42');
      expect(sent?.body).to.deep.equal({ user: { userId: 'alice', displayName: 'Alice' }, pageStartIndex: 5, pageSize: 7 });
    });

    it('exchanges an access token without any Authorization header', async () => {
      const userToken = await succeeds(f.gateway.exchangeAccessToken('access-alice', 'request-7'));
      expect(userToken).to.be.a('string').that.is.not.empty;
      const [sent] = f.stub.requestsTo('getUserToken');
      expect(sent?.headers).to.not.have.property('authorization');
      expect(sent?.headers['x-ecb-request-id']).to.equal('request-7');
      expect(sent?.body).to.deep.equal({ accessToken: 'access-alice' });
    });

    it('sends the clientMessageId as Idempotency-Key and in the body of both writes', async () => {
      const created = await succeeds(
        f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi'), clientMessageId: 'cm-1' }),
      );
      await succeeds(
        f.gateway.addThreadMessage(f.alice, {
          threadId: created.thread.threadId,
          message: text('again'),
          clientMessageId: 'cm-2',
        }),
      );
      const [create] = f.stub.requestsTo('createThread');
      const [add] = f.stub.requestsTo('addThreadMessage');
      expect(create?.headers['idempotency-key']).to.equal('cm-1');
      expect(create?.body).to.deep.equal({
        user: { userId: 'alice', displayName: 'Alice' },
        memberIds: ['bob'],
        message: text('hi'),
        clientMessageId: 'cm-1',
      });
      expect(add?.headers['idempotency-key']).to.equal('cm-2');
      expect(add?.body).to.deep.include({ threadId: created.thread.threadId, clientMessageId: 'cm-2' });
    });

    it('sends no Idempotency-Key when the client gave no clientMessageId', async () => {
      await succeeds(f.gateway.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      const [create] = f.stub.requestsTo('createThread');
      expect(create?.headers).to.not.have.property('idempotency-key');
      expect(create?.body).to.not.have.property('clientMessageId');
    });

    it('sends since to getThread only when given', async () => {
      await succeeds(f.gateway.getThread(f.alice, { threadId: 'thread-alice-bob' }));
      await succeeds(f.gateway.getThread(f.alice, { threadId: 'thread-alice-bob', since: 12.5 }));
      const [without, withSince] = f.stub.requestsTo('getThread');
      expect(without?.body).to.deep.equal({ user: { userId: 'alice', displayName: 'Alice' }, threadId: 'thread-alice-bob' });
      expect(withSince?.body).to.deep.include({ threadId: 'thread-alice-bob', since: 12.5 });
    });

    it('sends no X-ECB-Key when no backend API key is configured', async () => {
      await succeeds(f.gateway.getContacts(f.alice, PAGE));
      expect(f.stub.requestsTo('getContacts')[0]?.headers).to.not.have.property('x-ecb-key');
    });
  });

  describe('with a backend API key', () => {
    let keyed: BackendFixture;

    beforeEach(async () => {
      keyed = await startBackendFixture({ stub: { apiKey: 'backend-key-1' }, config: { backendApiKey: 'backend-key-1', backendClient } });
    });

    afterEach(async () => {
      await keyed.close();
    });

    it('sends it as X-ECB-Key on every operation, which a backend requiring it accepts', async () => {
      await succeeds(keyed.gateway.exchangeAccessToken('access-alice', 'request-1'));
      await succeeds(keyed.gateway.getThreads(keyed.alice, PAGE));
      expect(keyed.stub.requests.map((r) => r.headers['x-ecb-key'])).to.deep.equal(['backend-key-1', 'backend-key-1']);
    });

    it('is refused by that backend as UNAUTHORIZED when the gateway does not send it', async () => {
      const keyless = await keyed.gatewayWith({ backendApiKey: undefined });
      await failsWith('UNAUTHORIZED', keyless.getThreads(keyed.alice, PAGE));
    });
  });

  describe('how it reads answers', () => {
    it('passes a bare array on as the complete list', async () => {
      const listing = await succeeds(f.gateway.getContacts(f.alice, PAGE));
      expect(listing._tag).to.equal('Complete');
    });

    it('passes a page the backend cut itself on as that page', async () => {
      const page = {
        pageStartIndex: 2,
        pageSize: 1,
        items: [{ userId: 'bob', displayName: 'Bob' }],
        previousPage: { pageStartIndex: 1, pageSize: 1 },
        nextPage: null,
      };
      f.stub.respond('getContacts', page);
      expect(await succeeds(f.gateway.getContacts(f.alice, { pageStartIndex: 2, pageSize: 1 }))).to.deep.equal({
        _tag: 'Paged',
        page,
      });
    });

    it('refuses a page without its nextPage link as BACKEND_ERROR', async () => {
      f.stub.respond('getThreads', { pageStartIndex: 0, pageSize: 0, items: [], previousPage: null });
      await failsWith('BACKEND_ERROR', f.gateway.getThreads(f.alice, PAGE));
    });

    it('refuses a contact without a displayName as BACKEND_ERROR', async () => {
      f.stub.respond('getContacts', [{ userId: 'bob', displayName: 'Bob' }, { userId: 'nameless' }]);
      await failsWith('BACKEND_ERROR', f.gateway.getContacts(f.alice, PAGE));
    });

    it('refuses an answer of the wrong shape as BACKEND_ERROR, without quoting it', async () => {
      const threadToken = await f.stub.tokens.signThreadToken({ threadId: 't-1', memberIds: ['alice'] });
      f.stub.respond('getThread', { thread: { threadId: 't-1', threadToken, members: [] }, messages: [] });
      const error = await failsWith('BACKEND_ERROR', f.gateway.getThread(f.alice, { threadId: 't-1' }));
      expect(JSON.stringify(error)).to.not.contain(threadToken);
      expect(error.message).to.contain('getThread');
    });

    it('refuses a user token answer without a userToken as BACKEND_ERROR', async () => {
      f.stub.respond('getUserToken', { token: 'x' });
      await failsWith('BACKEND_ERROR', f.gateway.exchangeAccessToken('access-alice', 'request-1'));
    });

    it('refuses a 2xx answer that is not JSON as BACKEND_ERROR', async () => {
      f.stub.fail('getThreads', { status: 200, body: '{"items": [', contentType: 'application/json' });
      await failsWith('BACKEND_ERROR', f.gateway.getThreads(f.alice, PAGE));
    });

    it('refuses a 2xx HTML page as BACKEND_ERROR', async () => {
      f.stub.fail('getThreads', { status: 200, body: '<html><body>Welcome</body></html>', contentType: 'text/html' });
      await failsWith('BACKEND_ERROR', f.gateway.getThreads(f.alice, PAGE));
    });

    it('refuses an empty 2xx answer as BACKEND_ERROR', async () => {
      f.stub.fail('addThreadMessage', { status: 200, body: '' });
      const input = { threadId: 'thread-alice-bob', message: text('hi') };
      await failsWith('BACKEND_ERROR', f.gateway.addThreadMessage(f.alice, input));
    });

    it('refuses an answer larger than its limit as BACKEND_ERROR instead of buffering it', async () => {
      // valid JSON (an empty list padded with whitespace) just over 8 MiB
      f.stub.fail('getContacts', { status: 200, body: `[${' '.repeat(8 * 1024 * 1024)}]` });
      await failsWith('BACKEND_ERROR', f.gateway.getContacts(f.alice, PAGE));
    });

    it('accepts an answer just under its limit', async () => {
      f.stub.fail('getContacts', { status: 200, body: `[${' '.repeat(8 * 1024 * 1024 - 2)}]` });
      expect(await succeeds(f.gateway.getContacts(f.alice, PAGE))).to.deep.equal({ _tag: 'Complete', items: [] });
    });
  });

  describe('observation', () => {
    it('reports each call once, with its operation, outcome and duration, retry included', async () => {
      const seen: Array<[string, string, number]> = [];
      const observed = await f.gatewayWith({}, { onCall: (operation, outcome, seconds) => seen.push([operation, outcome, seconds]) });
      f.stub.fail('getThreads', { status: 503 });
      await succeeds(observed.getThreads(f.alice, PAGE));
      f.stub.fail('createThread', { status: 403 });
      await failsWith('FORBIDDEN', observed.createThread(f.alice, { memberIds: ['bob'], message: text('hi') }));
      expect(seen.map(([operation, outcome]) => [operation, outcome])).to.deep.equal([
        ['getThreads', 'OK'],
        ['createThread', 'FORBIDDEN'],
      ]);
      for (const [, , seconds] of seen) expect(seconds).to.be.at.least(0);
    });

    it('keeps the outcome of a call when the observer throws', async () => {
      const observed = await f.gatewayWith({}, {
        onCall: () => {
          throw new Error('metrics broke');
        },
      });
      await succeeds(observed.getContacts(f.alice, PAGE));
    });
  });
});
