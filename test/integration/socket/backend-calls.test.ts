import { expect } from 'chai';
import { PEER_THREAD_ID } from '../../../reference-backend/seed.js';
import { createClient, requestOk, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import type { RecordedRequest } from '../../support/stub-backend.js';

/**
 * What the backend receives for each socket event (ECB-SPEC §6): the
 * operation, its body, and the headers, recorded by the stub backend.
 */

const text = (messageText: string) => ({ type: 'text', data: { messageText } });

describe('socket events as backend calls', () => {
  let world: EcbWorld;
  afterEach(async () => world.close());

  const only = (operation: Parameters<EcbWorld['stub']['requestsTo']>[0]): RecordedRequest => {
    const calls = world.stub.requestsTo(operation);
    expect(calls, operation).to.have.length(1);
    return calls[0]!;
  };

  it('calls POST /<operation> with the contract body and headers for every event', async () => {
    world = await startEcbWorld({ backendApiKey: 'ecb-shared-key' }, { apiKey: 'ecb-shared-key' });
    const sessions: Array<{ userToken: string }> = [];
    const alice = world.track(
      await createClient(world.ecb.url, { accessToken: 'access-alice' }, {}, (s) => s.on('session', (p) => sessions.push(p))),
    );
    const threadToken = await world.threadToken(PEER_THREAD_ID);

    await requestOk(alice, 'getContacts', { pageStartIndex: 1, pageSize: 2 });
    await requestOk(alice, 'getThreads', {});
    await requestOk(alice, 'createThread', { memberIds: ['bob'], message: text('new'), clientMessageId: 'create-1' });
    await requestOk(alice, 'getThread', { threadToken, since: 1.5 });
    await requestOk(alice, 'sendMessage', { threadToken, message: text('hi'), clientMessageId: 'send-1' });

    const user = { userId: 'alice', displayName: 'Alice' };
    expect(only('getUserToken').body).to.deep.equal({ accessToken: 'access-alice' });
    expect(only('getUserToken').headers).not.to.have.property('authorization');
    expect(only('getContacts').body).to.deep.equal({ user, pageStartIndex: 1, pageSize: 2 });
    expect(only('getThreads').body).to.deep.equal({ user, pageStartIndex: 0, pageSize: 20 });
    expect(only('createThread').body).to.deep.equal({ user, memberIds: ['bob'], message: text('new'), clientMessageId: 'create-1' });
    expect(only('getThread').body).to.deep.equal({ user, threadId: PEER_THREAD_ID, since: 1.5 });
    expect(only('addThreadMessage').body).to.deep.equal({ user, threadId: PEER_THREAD_ID, message: text('hi'), clientMessageId: 'send-1' });

    expect(only('createThread').headers['idempotency-key']).to.equal('create-1');
    expect(only('addThreadMessage').headers['idempotency-key']).to.equal('send-1');
    const requestIds = world.stub.requests.map((r) => r.headers['x-ecb-request-id']);
    for (const call of world.stub.requests) {
      expect(call.method, call.operation).to.equal('POST');
      expect(call.headers['content-type'], call.operation).to.match(/^application\/json/);
      expect(call.headers['x-ecb-key'], call.operation).to.equal('ecb-shared-key');
      expect(call.headers['x-ecb-request-id'], call.operation).to.be.a('string').and.not.equal('');
      if (call.operation !== 'getUserToken') {
        expect(call.headers['authorization'], call.operation).to.equal(`Bearer ${sessions[0]?.userToken}`);
      }
    }
    expect(new Set(requestIds).size, 'one request id per call').to.equal(requestIds.length);
  });

  it('forwards only userId and displayName as `user`, even when the token carries data', async () => {
    world = await startEcbWorld();
    const sam = await world.connect('agent-sam'); // the backend signs { userId, displayName, data: { role } }
    await requestOk(sam, 'getContacts', {});
    expect(only('getContacts').body).to.deep.include({ user: { userId: 'agent-sam', displayName: 'Sam' } });
  });

  it('refuses every call as UNAUTHORIZED when the backend wants an X-ECB-Key that ECB does not send', async () => {
    world = await startEcbWorld({}, { apiKey: 'ecb-shared-key' });
    const alice = await world.connect('alice');
    const ack = await alice.timeout(5_000).emitWithAck('getContacts', {});
    expect(ack.ok).to.equal(false);
    expect(ack.error.code).to.equal('UNAUTHORIZED');
  });
});
