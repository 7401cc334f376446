import * as t from 'io-ts/lib/index.js';
import * as E from 'fp-ts/lib/Either.js';
import { checkedFirst } from '../domain/checked-first.js';
import { badRequest, type EcbError } from '../domain/errors.js';
import { OutgoingMessageCodec } from '../domain/message.js';

/**
 * The shapes of client requests, shared by every inbound transport: each
 * adapter decodes its payload with these at the edge, then calls a use-case.
 * Each one decodes with `is` first (`checkedFirst`): same acceptance and errors, less work.
 */

/** Identifiers a client chooses are short strings: a bound on what it controls. */
export const MAX_ID_LENGTH = 256;
/** The most members a client may name when creating a thread. */
export const MAX_MEMBER_IDS = 10_000;

const Id = t.refinement(
  t.string,
  (s) => s.length > 0 && s.length <= MAX_ID_LENGTH,
  `a string of 1 to ${MAX_ID_LENGTH} characters`,
);

/**
 * A client's idempotency key: it travels to the backend as the
 * `Idempotency-Key` header (ECB-SPEC §6) as well as in the body, and a
 * header carries visible ASCII only (a UUID, a ULID, a nanoid all are); any
 * other character would make the backend call itself impossible.
 */
export const CLIENT_MESSAGE_ID_RULE = `1 to ${MAX_ID_LENGTH} visible ASCII characters (it is sent as the Idempotency-Key header)`;
export const ClientMessageId = t.refinement(
  t.string,
  (s) => s.length > 0 && s.length <= MAX_ID_LENGTH && /^[\x21-\x7e]+$/.test(s),
  CLIENT_MESSAGE_ID_RULE,
);

const Finite = t.refinement(t.number, Number.isFinite, 'a finite number');

export const PagingRequestCodec = checkedFirst(
  t.partial({
    pageStartIndex: t.union([t.number, t.undefined]),
    pageSize: t.union([t.number, t.undefined]),
  }),
);
export type PagingRequest = t.TypeOf<typeof PagingRequestCodec>;

const MemberIds = t.refinement(
  t.array(Id),
  (ids) => ids.length > 0 && ids.length <= MAX_MEMBER_IDS,
  `1 to ${MAX_MEMBER_IDS} member ids`,
);

export const CreateThreadRequestCodec = checkedFirst(
  t.intersection([
    t.type({ memberIds: MemberIds, message: OutgoingMessageCodec }),
    t.partial({ clientMessageId: t.union([ClientMessageId, t.undefined]) }),
  ]),
);
export type CreateThreadRequest = t.TypeOf<typeof CreateThreadRequestCodec>;

export const GetThreadRequestCodec = checkedFirst(
  t.intersection([
    t.type({ threadToken: t.string }),
    t.partial({ since: t.union([Finite, t.undefined, t.null]) }),
  ]),
);
export type GetThreadRequest = t.TypeOf<typeof GetThreadRequestCodec>;

export const LeaveThreadRequestCodec = checkedFirst(t.type({ threadToken: t.string }));
export type LeaveThreadRequest = t.TypeOf<typeof LeaveThreadRequestCodec>;

export const SendMessageRequestCodec = checkedFirst(
  t.intersection([
    t.type({ threadToken: t.string, message: OutgoingMessageCodec }),
    t.partial({ clientMessageId: t.union([ClientMessageId, t.undefined]) }),
  ]),
);
export type SendMessageRequest = t.TypeOf<typeof SendMessageRequestCodec>;

export const AccessTokenRequestCodec = checkedFirst(t.type({ accessToken: t.string }));
export type AccessTokenRequest = t.TypeOf<typeof AccessTokenRequestCodec>;

/**
 * Decodes untrusted input, or explains the first problem as BAD_REQUEST.
 * The explanation names the field and the expected shape, never the value
 * (which could be a token).
 */
export const decodeRequest =
  <A, O>(codec: t.Type<A, O, unknown>) =>
  (input: unknown): E.Either<EcbError, A> => {
    const result = codec.decode(input);
    if (E.isRight(result)) return result;
    return E.left(badRequest(describe(result.left[0])));
  };

const describe = (error: t.ValidationError | undefined): string => {
  if (error === undefined) return 'invalid request';
  const path = error.context
    .map((entry) => entry.key)
    .filter((key) => key !== '' && !/^\d+$/.test(key))
    .join('.');
  const expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value';
  return path === ''
    ? `the request must be ${expected}`
    : `invalid ${path}: expected ${expected}`;
};
