import { createServer } from 'node:http';
import { expect } from 'chai';
import { BackendTokens, createContractRouter } from '../../../backend-kit/index.js';
import { httpRequest } from '../../support/ecb-harness.js';
import { testKeys } from '../../support/keys.js';
import { listen, tinyHandlers } from './tiny-backend.js';

/**
 * The kit's plain `(req, res, next?)` handler on node:http, with no
 * framework: it reads the JSON body itself, or takes `req.body` when a
 * parser (Express's) ran first; it hands anything else to `next`.
 */
describe('backend kit: nodeHandler (node:http, no framework)', () => {
  let server: { url: string; close(): Promise<void> } | undefined;
  let tokens: BackendTokens;

  beforeEach(async () => {
    const keys = await testKeys();
    tokens = new BackendTokens({ privateKey: keys.privateKey, publicKey: keys.publicKey });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const startPlain = async (prefix?: string) => {
    const kit = createContractRouter(tinyHandlers(tokens), { tokens, ...(prefix === undefined ? {} : { prefix }) });
    server = await listen(createServer((req, res) => kit.nodeHandler(req, res)));
    return server.url;
  };

  it('serves a whole conversation: sign in, create a thread, add and read messages', async () => {
    const url = await startPlain('/ecb');
    const signIn = await httpRequest(`${url}/ecb/getUserToken`, { method: 'POST', json: { accessToken: 'access-alice' } });
    expect(signIn.status).to.equal(200);
    const headers = { authorization: `Bearer ${signIn.body.userToken}` };
    const user = { userId: 'alice', displayName: 'Alice' };
    const message = { type: 'text', data: { messageText: 'hi Bob' } };
    const created = await httpRequest(`${url}/ecb/createThread`, { method: 'POST', headers, json: { user, memberIds: ['bob'], message } });
    expect(created.status).to.equal(200);
    expect(created.headers['content-type']).to.match(/^application\/json/);
    const threadId = created.body.thread.threadId as string;
    const added = await httpRequest(`${url}/ecb/addThreadMessage`, {
      method: 'POST', headers: { ...headers, 'idempotency-key': 'cm-1' }, json: { user, threadId, message },
    });
    const repeated = await httpRequest(`${url}/ecb/addThreadMessage`, {
      method: 'POST', headers: { ...headers, 'idempotency-key': 'cm-1' }, json: { user, threadId, message },
    });
    expect(repeated.body).to.deep.equal(added.body);
    const read = await httpRequest(`${url}/ecb/getThread`, { method: 'POST', headers, json: { user, threadId } });
    expect(read.body.messages).to.have.length(2);
  });

  it('answers malformed JSON and a missing body with 400 BAD_REQUEST', async () => {
    const url = await startPlain();
    const malformed = await httpRequest(`${url}/getUserToken`, { method: 'POST', rawBody: '{"accessToken":' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error).to.deep.equal({ code: 'BAD_REQUEST', message: 'the request body is not valid JSON' });
    const empty = await httpRequest(`${url}/getUserToken`, { method: 'POST' });
    expect(empty.status).to.equal(400);
  });

  it('refuses a body above the limit with 400', async () => {
    const kit = createContractRouter(tinyHandlers(tokens), { tokens, bodyLimitBytes: 100 });
    server = await listen(createServer((req, res) => kit.nodeHandler(req, res)));
    const answer = await httpRequest(`${server.url}/getUserToken`, { method: 'POST', json: { accessToken: 'x'.repeat(200) } });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.equal('the request body is too large');
  });

  it('answers an unknown path or a GET with 404 JSON, and calls next() instead when given one', async () => {
    const url = await startPlain();
    expect((await httpRequest(`${url}/dropTables`, { method: 'POST', json: {} })).status).to.equal(404);
    expect((await httpRequest(`${url}/getUserToken`)).body.error.code).to.equal('NOT_FOUND');
    await server!.close();

    const kit = createContractRouter(tinyHandlers(tokens), { tokens });
    server = await listen(
      createServer((req, res) => kit.nodeHandler(req, res, () => res.writeHead(418).end('next'))),
    );
    expect((await httpRequest(`${server.url}/health`)).status).to.equal(418);
  });

  it('uses req.body when a body parser already ran, as under Express', async () => {
    const kit = createContractRouter(tinyHandlers(tokens), { tokens });
    server = await listen(
      createServer((req, res) => {
        // What express.json() leaves behind: the stream consumed, the body parsed.
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          (req as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          kit.nodeHandler(req, res);
        });
      }),
    );
    const answer = await httpRequest(`${server.url}/getUserToken`, { method: 'POST', json: { accessToken: 'access-bob' } });
    expect(answer.status).to.equal(200);
    expect(answer.body.userToken).to.be.a('string');
  });
});
