import { backendGatewayContract, CONTRACT_USERS, type ContractUser } from '../contract/backend-gateway.contract.js';
import { InMemoryBackendGateway } from '../support/in-memory-backend-gateway.js';
import type { User } from '../../src/domain/user.js';

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
