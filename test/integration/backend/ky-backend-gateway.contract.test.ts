import { KyBackendGateway } from '../../../src/adapters/backend/ky-backend-gateway.js';
import type { User } from '../../../src/domain/user.js';
import { backendGatewayContract, CONTRACT_USERS, type ContractUser } from '../../contract/backend-gateway.contract.js';
import { aConfig } from '../../support/config.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';

const contractUser = async (stub: StubBackend, user: User): Promise<ContractUser> => {
  const accessToken = `access-of-${user.userId}`;
  await stub.store.saveUser(user, accessToken);
  const credential = await stub.tokens.signUserToken(user);
  return { user, accessToken, caller: { user, credential, requestId: `request-of-${user.userId}` } };
};

backendGatewayContract('KyBackendGateway against the reference backend over HTTP', async () => {
  const stub = await startStubBackend({ seed: false });
  const gateway = new KyBackendGateway(await aConfig({ backendUrl: stub.url }));
  return {
    gateway,
    alice: await contractUser(stub, CONTRACT_USERS.alice),
    bob: await contractUser(stub, CONTRACT_USERS.bob),
    carol: await contractUser(stub, CONTRACT_USERS.carol),
    teardown: async () => {
      await gateway.close();
      await stub.close();
    },
  };
});
