import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { httpRequest, startEcbWorld, type EcbWorld } from '../../support/ecb-harness.js';
import { schemaAccepts } from '../../unit/openapi/schema-agreement.js';

describe('ECB serves its OpenAPI documents', function () {
  this.timeout(15_000);
  let world: EcbWorld;

  before(async () => {
    world = await startEcbWorld();
  });
  after(() => world.close());

  const documentAt = async (path: string): Promise<Record<string, any>> => {
    const answer = await httpRequest(`${world.ecb.url}${path}`);
    expect(answer.status).to.equal(200);
    return answer.body as Record<string, any>;
  };

  it('serves /openapi.json, a valid OpenAPI 3.1 document of the client REST and server API', async () => {
    const document = await documentAt('/openapi.json');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(document['openapi']).to.equal('3.1.0');
    expect(Object.keys(document['paths'])).to.include.members([
      '/api/v1/user-token', '/api/v1/contacts', '/api/v1/threads', '/api/v1/threads/{threadId}',
      '/api/v1/threads/{threadId}/messages', '/api/v1/server/threads/{threadId}/messages',
      '/api/v1/server/users/{userId}/connections',
    ]);
  });

  it('serves /openapi/backend-contract.json, a valid OpenAPI 3.1 document of the six operations', async () => {
    const document = await documentAt('/openapi/backend-contract.json');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).to.deep.equal([]);
    expect(Object.keys(document['paths'])).to.have.members([
      '/getUserToken', '/getContacts', '/getThreads', '/createThread', '/getThread', '/addThreadMessage',
    ]);
  });

  it('describes what ECB really answers: live REST answers match the documented schemas', async () => {
    const token = await world.userToken('alice');
    const headers = { authorization: `Bearer ${token}` };
    const contacts = await httpRequest(`${world.ecb.url}/api/v1/contacts?pageSize=1`, { headers });
    expect(contacts.status).to.equal(200);
    expect(schemaAccepts('PagedContacts', contacts.body)).to.equal(true);
    const threads = await httpRequest(`${world.ecb.url}/api/v1/threads`, { headers });
    expect(schemaAccepts('PagedThreads', threads.body)).to.equal(true);
    const refused = await httpRequest(`${world.ecb.url}/api/v1/contacts`);
    expect(refused.status).to.equal(401);
    expect(schemaAccepts('Error', refused.body)).to.equal(true);
  });
});
