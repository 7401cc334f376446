import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { backendUnavailable } from '../../src/domain/errors.js';
import { backendGatewayContract, CONTRACT_USERS, type ContractUser } from '../contract/backend-gateway.contract.js';
import { InMemoryBackendGateway } from '../support/in-memory-backend-gateway.js';
import type { User } from '../../src/domain/user.js';

const PAGE = { pageStartIndex: 0, pageSize: 20 };

const contractUser = (gateway: InMemoryBackendGateway, user: User): ContractUser => {
  const credential = `credential-of-${user.userId}`;
  const accessToken = `access-of-${user.userId}`;
  gateway.addUser(user, { credential, accessToken });
  return { user, accessToken, caller: { user, credential, requestId: `request-of-${user.userId}` } };
};

backendGatewayContract('InMemoryBackendGateway', async () => {
  const gateway = new InMemoryBackendGateway();
  return {
    gateway,
    alice: contractUser(gateway, CONTRACT_USERS.alice),
    bob: contractUser(gateway, CONTRACT_USERS.bob),
    carol: contractUser(gateway, CONTRACT_USERS.carol),
    teardown: async () => undefined,
  };
});

backendGatewayContract('InMemoryBackendGateway answering pages itself', async () => {
  const gateway = new InMemoryBackendGateway({ pagesItself: true });
  return {
    gateway,
    alice: contractUser(gateway, CONTRACT_USERS.alice),
    bob: contractUser(gateway, CONTRACT_USERS.bob),
    carol: contractUser(gateway, CONTRACT_USERS.carol),
    teardown: async () => undefined,
  };
});

describe('InMemoryBackendGateway test hooks', () => {
  const alice = { user: CONTRACT_USERS.alice, credential: 'any', requestId: 'request-1' };

  it('fails the next call of an operation with the injected error, then works again', async () => {
    const gateway = new InMemoryBackendGateway().addUser(CONTRACT_USERS.alice);
    gateway.failNext('getContacts', backendUnavailable('injected'));
    expect(await gateway.getContacts(alice, PAGE)()).to.deep.equal(E.left(backendUnavailable('injected')));
    expect(E.isRight(await gateway.getContacts(alice, PAGE)())).to.equal(true);
  });

  it('stores nothing for a write that was made to fail', async () => {
    const gateway = new InMemoryBackendGateway();
    const { thread } = await gateway.seedThread({ memberIds: ['alice', 'bob'] });
    gateway.failNext('addThreadMessage', backendUnavailable('injected'));
    await gateway.addThreadMessage(alice, { threadId: thread.threadId, message: { type: 'text', data: { messageText: 'x' } } })();
    expect(gateway.messagesOf(thread.threadId)).to.deep.equal([]);
  });

  it('records every call in order, with its caller and input', async () => {
    const gateway = new InMemoryBackendGateway().addUser(CONTRACT_USERS.alice, { accessToken: 'access-alice' });
    await gateway.exchangeAccessToken('access-alice', 'request-0')();
    await gateway.getThread(alice, { threadId: 'missing' })();
    expect(gateway.calls).to.deep.equal([
      { operation: 'exchangeAccessToken', input: { accessToken: 'access-alice', requestId: 'request-0' } },
      { operation: 'getThread', caller: alice, input: { threadId: 'missing' } },
    ]);
  });

  it('seeds a thread with its messages, members becoming known users, and signs it with signThread', async () => {
    const signThread = async (threadId: string, memberIds: readonly string[]) => `${threadId}:${memberIds.join(',')}`;
    const gateway = new InMemoryBackendGateway({ signThread });
    const old = { messageId: 'm-1', fromUserId: 'bob', creationTime: 100, type: 'text', data: { messageText: 'old' } };
    await gateway.seedThread({ threadId: 't-1', memberIds: ['alice', 'bob'], messages: [old] });
    const read = await gateway.getThread(alice, { threadId: 't-1' })();
    expect(read).to.deep.equal(
      E.right({
        thread: {
          threadId: 't-1',
          threadToken: 't-1:alice,bob',
          members: [
            { userId: 'alice', displayName: 'alice' },
            { userId: 'bob', displayName: 'bob' },
          ],
          lastMessageTime: 100,
        },
        messages: [old],
      }),
    );
  });

  it('stamps new messages strictly later than any seeded one, even with a clock behind them', async () => {
    const gateway = new InMemoryBackendGateway({ now: () => 50 });
    const old = { messageId: 'm-1', fromUserId: 'bob', creationTime: 100, type: 'text', data: { messageText: 'old' } };
    await gateway.seedThread({ threadId: 't-1', memberIds: ['alice', 'bob'], messages: [old] });
    await gateway.addThreadMessage(alice, { threadId: 't-1', message: { type: 'text', data: { messageText: 'new' } } })();
    const [, added] = gateway.messagesOf('t-1');
    expect(added?.creationTime).to.be.greaterThan(100);
  });
});
