import { expect } from 'chai';
import fc from 'fast-check';
import * as t from 'io-ts/lib/index.js';
import {
  contactsAnswer,
  threadAndMessagesAnswer,
  threadsAnswer,
  userTokenAnswer,
  type AnswerDecoder,
} from '../../../src/adapters/backend/backend-answers.js';
import { ThreadMessageCodec } from '../../../src/domain/message.js';
import { ThreadCodec } from '../../../src/domain/thread.js';
import { UserCodec } from '../../../src/domain/user.js';

/** What a caller sees of a result: the value (deeply), or the paths and messages of the errors. */
const observed = (result: t.Validation<unknown>): unknown =>
  result._tag === 'Right'
    ? { right: result.right }
    : { left: result.left.map((error) => ({ keys: error.context.map((entry) => entry.key), value: error.value, message: error.message })) };

/** A value as a backend answer is: parsed JSON. */
const asJson = <A>(arbitrary: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  arbitrary.map((value) => {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  });

/** Mostly the right shape, sometimes anything in its place. */
const mostly = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue() });

const record = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) });

const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(2 ** 53, 2 ** 60, -1, 0, 1.5));
const member = record({ userId: mostly(fc.string()), displayName: mostly(fc.string()), data: fc.jsonValue() });
const thread = record({
  threadId: mostly(fc.string()),
  threadToken: mostly(fc.string()),
  members: mostly(fc.array(mostly(member), { maxLength: 3 })),
  lastMessageTime: mostly(anyNumber),
  data: fc.jsonValue(),
});
const message = record({
  messageId: mostly(fc.string()),
  fromUserId: mostly(fc.string()),
  creationTime: mostly(anyNumber),
  type: mostly(fc.string()),
  data: fc.jsonValue(),
});
const page = <A>(item: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  record({
    pageStartIndex: mostly(anyNumber),
    pageSize: mostly(anyNumber),
    items: mostly(fc.array(mostly(item), { maxLength: 3 })),
    previousPage: mostly(fc.oneof(fc.constant(null), record({ pageStartIndex: mostly(anyNumber), pageSize: mostly(anyNumber) }))),
    nextPage: mostly(fc.oneof(fc.constant(null), record({ pageStartIndex: mostly(anyNumber), pageSize: mostly(anyNumber) }))),
  });

// The same answers decoded by io-ts alone: what the compiled checks must agree with.
const NonNegativeInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger');
const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'PositiveInteger');
const pagedOf = (item: t.Mixed): t.Mixed =>
  t.type({
    pageStartIndex: NonNegativeInteger,
    pageSize: NonNegativeInteger,
    items: t.array(item),
    previousPage: t.union([t.type({ pageStartIndex: NonNegativeInteger, pageSize: PositiveInteger }), t.null]),
    nextPage: t.union([t.type({ pageStartIndex: NonNegativeInteger, pageSize: PositiveInteger }), t.null]),
  });
const listingBy = (item: t.Mixed) => (answer: unknown): t.Validation<unknown> =>
  Array.isArray(answer) ? t.array(item).decode(answer) : pagedOf(item).decode(answer);
const unwrapListing = (result: t.Validation<unknown>): t.Validation<unknown> =>
  result._tag === 'Right' ? t.success((result.right as { items?: unknown; page?: unknown }).items ?? (result.right as { page: unknown }).page) : result;

const agrees = (decode: AnswerDecoder<unknown>, plain: (answer: unknown) => t.Validation<unknown>, answers: fc.Arbitrary<unknown>, unwrap = (r: t.Validation<unknown>) => r): void =>
  fc.assert(
    fc.property(answers, (answer) => {
      expect(observed(unwrap(decode(answer)))).to.deep.equal(observed(plain(answer)));
    }),
    { numRuns: 3000 },
  );

describe('backend answers (compiled checks first)', () => {
  it('decode a threadAndMessages exactly as io-ts does: acceptance, value and errors', () => {
    const plain = t.type({ thread: ThreadCodec, messages: t.array(ThreadMessageCodec) });
    agrees(threadAndMessagesAnswer, (a) => plain.decode(a), asJson(mostly(record({ thread: mostly(thread), messages: mostly(fc.array(mostly(message), { maxLength: 3 })) }))));
  });

  it('decode contact and thread listings, bare or paged, exactly as io-ts does (unsafe integers refused)', () => {
    const users = asJson(mostly(fc.oneof(fc.array(mostly(member), { maxLength: 3 }), page(member))));
    agrees(contactsAnswer, listingBy(UserCodec), users, unwrapListing);
    const threads = asJson(mostly(fc.oneof(fc.array(mostly(thread), { maxLength: 3 }), page(thread))));
    agrees(threadsAnswer, listingBy(ThreadCodec), threads, unwrapListing);
  });

  it('decode a user token answer exactly as io-ts does', () => {
    const plain = t.type({ userToken: t.string });
    const answers = asJson(mostly(record({ userToken: mostly(fc.string()), user: fc.jsonValue() })));
    const tokenOf = (r: t.Validation<unknown>): t.Validation<unknown> => (r._tag === 'Right' ? t.success((r.right as { userToken: string }).userToken) : r);
    agrees(userTokenAnswer, (a) => tokenOf(plain.decode(a)), answers);
  });

  it('answer a valid answer itself, unknown properties kept', () => {
    const answer = {
      thread: { threadId: 't', threadToken: 'x.y.z', members: [{ userId: 'a' }], lastMessageTime: 1, extra: true },
      messages: [{ messageId: 'm', fromUserId: 'a', creationTime: 1, type: 'text', data: { messageText: 'hi' } }],
    };
    const decoded = threadAndMessagesAnswer(answer);
    expect(decoded._tag === 'Right' && decoded.right).to.equal(answer);
  });

  it('refuse a page index past the safe integers, as io-ts does', () => {
    const paged = { pageStartIndex: 2 ** 60, pageSize: 1, items: [], previousPage: null, nextPage: null };
    expect(contactsAnswer(paged)._tag).to.equal('Left');
  });
});
