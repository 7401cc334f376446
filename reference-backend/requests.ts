import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { badRequest, type Failure } from './failures.js';

/**
 * The bodies ECB posts to each operation (ECB-SPEC §6), decoded with io-ts
 * before anything else looks at them. Unknown extra fields are ignored.
 */

/** `user` is who ECB says is asking; the routes check it against the token. */
const UserReference = t.intersection([t.type({ userId: t.string }), t.partial({ displayName: t.string })]);

/** What a client sends; `messages.ts` checks the rules for each type. */
export const NewMessageBody = t.type({ type: t.string, data: t.unknown });
export type NewMessageBody = t.TypeOf<typeof NewMessageBody>;

export const GetUserTokenRequest = t.type({ accessToken: t.string });

/** ECB sends the page it wants; this backend answers the complete list and lets ECB cut it. */
export const ListRequest = t.intersection([
  t.type({ user: UserReference }),
  t.partial({ pageStartIndex: t.number, pageSize: t.number }),
]);

export const CreateThreadRequest = t.intersection([
  t.type({ user: UserReference, memberIds: t.array(t.string), message: NewMessageBody }),
  t.partial({ clientMessageId: t.string }),
]);
export type CreateThreadRequest = t.TypeOf<typeof CreateThreadRequest>;

export const GetThreadRequest = t.intersection([
  t.type({ user: UserReference, threadId: t.string }),
  t.partial({ since: t.union([t.number, t.null]) }),
]);
export type GetThreadRequest = t.TypeOf<typeof GetThreadRequest>;

export const AddThreadMessageRequest = t.intersection([
  t.type({ user: UserReference, threadId: t.string, message: NewMessageBody }),
  t.partial({ clientMessageId: t.string }),
]);
export type AddThreadMessageRequest = t.TypeOf<typeof AddThreadMessageRequest>;

/** The body as `A`, or BAD_REQUEST naming the first field that is wrong (never echoing its value). */
export const decodeRequest = <A>(codec: t.Decoder<unknown, A>, body: unknown): E.Either<Failure, A> => {
  const decoded = codec.decode(body);
  return E.isRight(decoded) ? decoded : E.left(badRequest(describe(decoded.left)));
};

const describe = (errors: t.Errors): string => {
  const first = errors[0];
  if (first === undefined) return 'the request body is invalid';
  const fields = fieldsOf(first.context);
  const field = fields.at(-1);
  if (field === undefined) return 'the request body must be a JSON object';
  const path = fields.map((entry) => entry.key).join('.');
  return first.value === undefined
    ? `request body: "${path}" is missing`
    : `request body: "${path}" must be ${field.type.name}`;
};

// The context entries that are fields: intersections and unions add numbered entries that are not.
const fieldsOf = (context: t.Context): t.ContextEntry[] =>
  context.filter((_entry, i) => {
    const parent = context[i - 1]?.type;
    return parent !== undefined && !(parent instanceof t.IntersectionType || parent instanceof t.UnionType);
  });
