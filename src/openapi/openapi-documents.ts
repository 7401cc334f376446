import { componentSchemas, type BackendRequestCodecs } from './wire-schemas.js';
import type { JsonSchema } from './json-schema.js';

/**
 * OpenAPI 3.1 documents of ECB's HTTP contracts (ECB-SPEC §4, §5, §6),
 * built from the schemas generated out of the io-ts codecs.
 */

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const ok = (schema: JsonSchema, description = 'success') => ({ '200': { description, ...json(schema) } });
const ERROR_STATUSES: Record<string, string> = {
  '400': 'BAD_REQUEST', '401': 'UNAUTHORIZED or TOKEN_EXPIRED', '403': 'FORBIDDEN', '404': 'NOT_FOUND',
  '413': 'PAYLOAD_TOO_LARGE', '429': 'RATE_LIMITED', '500': 'INTERNAL', '502': 'BACKEND_ERROR', '503': 'BACKEND_UNAVAILABLE',
};
const errors = Object.fromEntries(Object.entries(ERROR_STATUSES).map(([status, code]) => [status, { description: code, ...json(ref('Error')) }]));
const paging = ['pageStartIndex', 'pageSize'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'integer' } }));
const threadToken = { name: 'X-Thread-Token', in: 'header', required: true, schema: { type: 'string' } };
const threadIdParam = { name: 'threadId', in: 'path', required: true, schema: { type: 'string' } };
const bearer = { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' } };

/** ECB's own HTTP API: the client REST API and the server API. */
export const ecbOpenApiDocument = (version: string) => ({
  openapi: '3.1.0',
  info: { title: 'ECB (Enterprise Chat Bridge) HTTP API', version, description: 'Client REST API (user token) and server API (server token).' },
  components: { schemas: componentSchemas(), securitySchemes: bearer },
  security: [{ bearerAuth: [] }],
  paths: {
    '/api/v1/user-token': {
      post: { operationId: 'exchangeAccessToken', security: [], requestBody: { required: true, ...json(ref('AccessTokenRequest')) }, responses: { ...ok(ref('Session')), ...errors } },
    },
    '/api/v1/contacts': { get: { operationId: 'getContacts', parameters: paging, responses: { ...ok(ref('PagedContacts')), ...errors } } },
    '/api/v1/threads': {
      get: { operationId: 'getThreads', parameters: paging, responses: { ...ok(ref('PagedThreads')), ...errors } },
      post: { operationId: 'createThread', requestBody: { required: true, ...json(ref('CreateThreadRequest')) }, responses: { ...ok(ref('ThreadAndMessages')), ...errors } },
    },
    '/api/v1/threads/{threadId}': {
      get: {
        operationId: 'getThread',
        parameters: [threadIdParam, threadToken, { name: 'since', in: 'query', required: false, schema: { type: 'number' } }],
        responses: { ...ok(ref('ThreadAndMessages')), ...errors },
      },
    },
    '/api/v1/threads/{threadId}/messages': {
      post: {
        operationId: 'sendMessage',
        parameters: [threadIdParam, threadToken],
        requestBody: { required: true, ...json(ref('SendMessageBody')) },
        responses: { ...ok({ anyOf: [ref('ThreadAndMessages'), { type: 'object', maxProperties: 0 }] }, 'the refreshed thread and the stored message; {} for typing'), ...errors },
      },
    },
    '/api/v1/server/threads/{threadId}/messages': {
      post: {
        operationId: 'pushStoredMessage',
        description:
          'Server token (role: server). Pushes a message the backend already stored. 503 BACKEND_UNAVAILABLE when it cannot be handed to every node (Redis unreachable): retry.',
        parameters: [threadIdParam],
        requestBody: { required: true, ...json(ref('ServerPushBody')) },
        responses: { '204': { description: 'handed to every node' }, ...errors },
      },
    },
    '/api/v1/server/users/{userId}/connections': {
      delete: {
        operationId: 'disconnectUser',
        description: 'Server token (role: server). Disconnects every socket of the user on every node.',
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'handed to every node' }, ...errors },
      },
    },
  },
});

const BACKEND_ANSWERS: Record<keyof typeof BackendRequestCodecs, JsonSchema> = {
  getUserToken: ref('UserTokenAnswer'),
  getContacts: { anyOf: [{ type: 'array', items: ref('User') }, ref('PagedContacts')] },
  getThreads: { anyOf: [{ type: 'array', items: ref('Thread') }, ref('PagedThreads')] },
  createThread: ref('ThreadAndMessages'),
  getThread: ref('ThreadAndMessages'),
  addThreadMessage: ref('ThreadAndMessages'),
};
const backendErrors = Object.fromEntries(
  ['400', '401', '403', '404', '409', '422', '429'].map((status) => [status, { description: 'refused', ...json(ref('BackendError')) }]),
);
const ecbHeaders = [
  { name: 'X-ECB-Request-Id', in: 'header', required: true, schema: { type: 'string' } },
  { name: 'X-ECB-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'ECB_BACKEND_API_KEY, when configured' },
];
const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: "the client's clientMessageId" };

/** The backend contract: what your backend implements and ECB calls. */
export const backendContractDocument = (version: string) => ({
  openapi: '3.1.0',
  info: { title: 'ECB backend contract', version, description: 'The six operations ECB calls on your backend (POST {ECB_BACKEND_URL}/{operation}).' },
  components: { schemas: componentSchemas(), securitySchemes: bearer },
  paths: Object.fromEntries(
    (Object.keys(BACKEND_ANSWERS) as Array<keyof typeof BACKEND_ANSWERS>).map((operation) => [
      `/${operation}`,
      {
        post: {
          operationId: operation,
          security: operation === 'getUserToken' ? [] : [{ bearerAuth: [] }],
          parameters: operation === 'createThread' || operation === 'addThreadMessage' ? [...ecbHeaders, idempotencyKey] : ecbHeaders,
          requestBody: { required: true, ...json(ref(`${operation}Request`)) },
          responses: { ...ok(BACKEND_ANSWERS[operation]), ...backendErrors },
        },
      },
    ]),
  ),
});
