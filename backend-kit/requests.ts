import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { ContractError } from './contract-error.js';

/**
 * The bodies ECB posts to each operation (ECB-SPEC §6), decoded with io-ts
 * before a handler sees them. Unknown extra fields are ignored.
 */

/** `user` is who ECB says is asking; the router checks it against the token. */
export const UserReference = t.intersection([t.type({ userId: t.string }), t.partial({ displayName: t.string })]);

/** A message as a client sends it; the handler checks the rules of each type. */
export const NewMessage = t.type({ type: t.string, data: t.unknown });
export type NewMessage = t.TypeOf<typeof NewMessage>;

export const GetUserTokenRequest = t.type({ accessToken: t.string });

export const ListRequest = t.intersection([
  t.type({ user: UserReference }),
  t.partial({ pageStartIndex: t.number, pageSize: t.number }),
]);
export type ListRequest = t.TypeOf<typeof ListRequest>;

export const CreateThreadRequest = t.intersection([
  t.type({ user: UserReference, memberIds: t.array(t.string), message: NewMessage }),
  t.partial({ clientMessageId: t.string }),
]);
export type CreateThreadRequest = t.TypeOf<typeof CreateThreadRequest>;

export const GetThreadRequest = t.intersection([
  t.type({ user: UserReference, threadId: t.string }),
  t.partial({ since: t.union([t.number, t.null]) }),
]);
export type GetThreadRequest = t.TypeOf<typeof GetThreadRequest>;

export const AddThreadMessageRequest = t.intersection([
  t.type({ user: UserReference, threadId: t.string, message: NewMessage }),
  t.partial({ clientMessageId: t.string }),
]);
export type AddThreadMessageRequest = t.TypeOf<typeof AddThreadMessageRequest>;

/** The body as `A`, or BAD_REQUEST naming the first field that is wrong (never echoing its value). */
export const decodeRequest = <A>(codec: t.Decoder<unknown, A>, body: unknown): A | ContractError => {
  const decoded = codec.decode(body);
  return E.isRight(decoded) ? decoded.right : ContractError.badRequest(describe(decoded.left));
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
