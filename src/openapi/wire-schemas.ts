import * as t from 'io-ts/lib/index.js';
import { AccessTokenRequestCodec, ClientMessageId, CreateThreadRequestCodec } from '../application/requests.js';
import { OutgoingMessageCodec, ThreadMessageCodec } from '../domain/message.js';
import { ThreadAndMessagesCodec, ThreadCodec } from '../domain/thread.js';
import { UserCodec } from '../domain/user.js';
import { jsonSchemaOf, type JsonSchema } from './json-schema.js';

/**
 * The wire shapes of every ECB API as JSON Schemas, generated from the io-ts
 * codecs that decode them, so a document cannot say what the code does not do.
 * Shapes without an exported codec are declared here as codecs too, and a
 * test round-trips samples through them and ECB's own decoders.
 */

const NonNegativeInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger');
const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'PositiveInteger');

export const PagingBaseCodec = t.type({ pageStartIndex: NonNegativeInteger, pageSize: PositiveInteger });

/** ECB-SPEC §1 `paged<T>`. */
export const pagedCodecOf = <C extends t.Mixed>(item: C) =>
  t.type({
    pageStartIndex: NonNegativeInteger,
    pageSize: NonNegativeInteger,
    items: t.array(item),
    previousPage: t.union([PagingBaseCodec, t.null]),
    nextPage: t.union([PagingBaseCodec, t.null]),
  });

/** `user` in every backend request body: what the user token proved. */
export const UserReferenceCodec = t.type({ userId: t.string, displayName: t.string });
export const UserTokenAnswerCodec = t.type({ userToken: t.string });
export const SessionCodec = t.type({ userToken: t.string, user: UserCodec });
export const ErrorBodyCodec = t.type({
  error: t.intersection([t.type({ code: t.string, message: t.string }), t.partial({ retryable: t.boolean })]),
});
export const BackendErrorBodyCodec = t.type({ error: t.intersection([t.type({ message: t.string }), t.partial({ code: t.string })]) });

const Paging = t.type({ user: UserReferenceCodec, pageStartIndex: NonNegativeInteger, pageSize: PositiveInteger });

/** The request bodies of the backend contract (ECB-SPEC §6). */
export const BackendRequestCodecs = {
  getUserToken: AccessTokenRequestCodec,
  getContacts: Paging,
  getThreads: Paging,
  createThread: t.intersection([
    t.type({ user: UserReferenceCodec, memberIds: t.array(t.string), message: OutgoingMessageCodec }),
    t.partial({ clientMessageId: ClientMessageId }),
  ]),
  getThread: t.intersection([t.type({ user: UserReferenceCodec, threadId: t.string }), t.partial({ since: t.number })]),
  addThreadMessage: t.intersection([
    t.type({ user: UserReferenceCodec, threadId: t.string, message: OutgoingMessageCodec }),
    t.partial({ clientMessageId: ClientMessageId }),
  ]),
} as const;

/** The REST bodies a client sends (ECB-SPEC §4); the thread token travels in X-Thread-Token. */
export const SendMessageBodyCodec = t.intersection([
  t.type({ message: OutgoingMessageCodec }),
  t.partial({ clientMessageId: ClientMessageId }),
]);

/** The server API's push body (ECB-SPEC §5). */
export const ServerPushBodyCodec = t.intersection([t.type({ message: ThreadMessageCodec }), t.partial({ thread: ThreadCodec })]);

/** Every named schema, as `components.schemas` of the OpenAPI documents. */
export const componentSchemas = (): Record<string, JsonSchema> => ({
  User: jsonSchemaOf(UserCodec),
  UserReference: jsonSchemaOf(UserReferenceCodec),
  Thread: jsonSchemaOf(ThreadCodec),
  ThreadMessage: jsonSchemaOf(ThreadMessageCodec),
  OutgoingMessage: jsonSchemaOf(OutgoingMessageCodec),
  ThreadAndMessages: jsonSchemaOf(ThreadAndMessagesCodec),
  PagingBase: jsonSchemaOf(PagingBaseCodec),
  PagedContacts: jsonSchemaOf(pagedCodecOf(UserCodec)),
  PagedThreads: jsonSchemaOf(pagedCodecOf(ThreadCodec)),
  UserTokenAnswer: jsonSchemaOf(UserTokenAnswerCodec),
  Session: jsonSchemaOf(SessionCodec),
  Error: jsonSchemaOf(ErrorBodyCodec),
  BackendError: jsonSchemaOf(BackendErrorBodyCodec),
  AccessTokenRequest: jsonSchemaOf(AccessTokenRequestCodec),
  CreateThreadRequest: jsonSchemaOf(CreateThreadRequestCodec),
  SendMessageBody: jsonSchemaOf(SendMessageBodyCodec),
  ServerPushBody: jsonSchemaOf(ServerPushBodyCodec),
  ...Object.fromEntries(
    Object.entries(BackendRequestCodecs).map(([operation, codec]) => [`${operation}Request`, jsonSchemaOf(codec)]),
  ),
});
