import { expect } from 'chai';
import type { RunningReferenceBackend } from '../../../reference-backend/app.js';
import { post, signIn, startTestBackend, type Session } from './backend-client.js';

const OPERATIONS = ['getContacts', 'getThreads', 'createThread', 'getThread', 'addThreadMessage'];

describe('reference backend: bad input is 400, never 500', () => {
  let backend: RunningReferenceBackend;
  let alice: Session;
  let auth: Record<string, string>;

  before(async () => {
    backend = await startTestBackend();
    alice = await signIn(backend.url, 'alice');
    auth = { authorization: `Bearer ${alice.userToken}` };
  });
  after(async () => backend.close());

  const badBodies: Array<[string, string]> = [
    ['malformed JSON', '{"user": '],
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
    ['an empty body', ''],
  ];
  for (const operation of [...OPERATIONS, 'getUserToken']) {
    for (const [name, body] of badBodies) {
      it(`${operation}: ${name}`, async () => {
        const answer = await post(backend.url, operation, body, auth);
        expect(answer.status).to.equal(400);
        expect(answer.body.error.code).to.equal('BAD_REQUEST');
      });
    }
  }

  it('a body that does not decompress as its Content-Encoding says', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      const answer = await post(backend.url, 'getThreads', '{"pageStartIndex": 0}', { ...auth, 'content-encoding': coding });
      expect(answer.status, coding).to.equal(400);
      expect(answer.body.error.code).to.equal('BAD_REQUEST');
    }
  });

  const badFields: Array<[string, string, Record<string, unknown>, string]> = [
    ['getThread', 'a numeric threadId', { threadId: 7 }, 'request body: "threadId" must be string'],
    [
      'getThread',
      'a string since',
      { threadId: 'thread-alice-bob', since: 'yesterday' },
      'request body: "since" must be (number | null)',
    ],
    [
      'createThread',
      'no memberIds',
      { message: { type: 'text', data: { messageText: 'x' } } },
      'request body: "memberIds" is missing',
    ],
    [
      'createThread',
      'a numeric member id',
      { memberIds: [1], message: { type: 'text', data: { messageText: 'x' } } },
      'request body: "memberIds.0" must be string',
    ],
    ['addThreadMessage', 'no message', { threadId: 'thread-alice-bob' }, 'request body: "message" is missing'],
    [
      'addThreadMessage',
      'a numeric clientMessageId',
      { threadId: 'thread-alice-bob', message: { type: 'x', data: 1 }, clientMessageId: 5 },
      'request body: "clientMessageId" must be string',
    ],
  ];
  for (const [operation, name, fields, message] of badFields) {
    it(`${operation}: ${name}, named in the message`, async () => {
      const answer = await alice.call(operation, fields);
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.deep.equal({ code: 'BAD_REQUEST', message });
    });
  }

  it('refuses a body without user as 400', async () => {
    const answer = await post(backend.url, 'getThreads', {}, auth);
    expect(answer.body.error).to.deep.equal({ code: 'BAD_REQUEST', message: 'request body: "user" is missing' });
  });

  it('refuses an over-long Idempotency-Key as 400', async () => {
    const answer = await alice.call(
      'addThreadMessage',
      { threadId: 'thread-alice-bob', message: { type: 'x', data: 1 } },
      { 'idempotency-key': 'k'.repeat(500) },
    );
    expect(answer.status).to.equal(400);
  });

  it('answers an unknown operation with 404 in the same error shape', async () => {
    const answer = await post(backend.url, 'deleteEverything', {}, auth);
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('NOT_FOUND');
  });

  it('answers a GET with 404: every operation is a POST', async () => {
    const response = await fetch(`${backend.url}/getThreads`, { headers: auth });
    expect(response.status).to.equal(404);
    expect((await response.json()).error.code).to.equal('NOT_FOUND');
  });
});
