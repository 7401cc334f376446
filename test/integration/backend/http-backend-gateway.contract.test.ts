import { HttpBackendGateway } from '../../../src/adapters/backend/http-backend-gateway.js';
import type { User } from '../../../src/domain/user.js';
import { backendGatewayContract, CONTRACT_USERS, type ContractUser } from '../../contract/backend-gateway.contract.js';
import { aConfig } from '../../support/config.js';
import { BACKEND_CLIENTS } from './backend-fixture.js';
import { startStubBackend, type StubBackend } from '../../support/stub-backend.js';

const contractUser = async (stub: StubBackend, user: User): Promise<ContractUser> => {
  const accessToken = `access-of-${user.userId}`;
  await stub.store.saveUser(user, accessToken);
  const credential = await stub.tokens.signUserToken(user);
  return { user, accessToken, caller: { user, credential, requestId: `request-of-${user.userId}` } };
};

for (const backendClient of BACKEND_CLIENTS) backendGatewayContract(`HttpBackendGateway (${backendClient}) against the reference backend over HTTP`, async () => {
  const stub = await startStubBackend({ seed: false });
  const gateway = new HttpBackendGateway(await aConfig({ backendUrl: stub.url, backendClient }));
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
