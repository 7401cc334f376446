import { expect } from 'chai';
import fc from 'fast-check';
import * as t from 'io-ts/lib/index.js';
import { checkedFirst } from '../../../src/domain/checked-first.js';
import { ThreadMessageCodec } from '../../../src/domain/message.js';
import { ThreadAndMessagesCodec, ThreadCodec } from '../../../src/domain/thread.js';
import { UserCodec } from '../../../src/domain/user.js';

/**
 * Everything a caller can see of a decode result: the output (deeply), error
 * paths, types, values. Not the output's identity: io-ts answers a copy of an
 * object holding a NaN (its "changed?" test is `!==`), checkedFirst the input
 * itself, with the same content; JSON never carries a NaN.
 */
const observed = (result: t.Validation<unknown>): unknown =>
  result._tag === 'Right'
    ? { right: result.right }
    : {
        left: result.left.map((error) => ({
          keys: error.context.map((entry) => entry.key),
          names: error.context.map((entry) => entry.type.name),
          tags: error.context.map((entry) => (entry.type as unknown as { _tag?: string })._tag),
          actuals: error.context.map((entry) => entry.actual),
          value: error.value,
          message: error.message,
        })),
      };

/** Either a valid value, or anything at all, or (as a record key) nothing. */
const mostly = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });

const record = <R extends Record<string, fc.Arbitrary<unknown>>>(fields: R): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record(fields) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.tuple(fc.record(fields), fc.dictionary(fc.string(), fc.jsonValue())).map(([r, extra]) => ({ ...extra, ...r })) },
  );

const member = record({
  userId: mostly(fc.string()),
  displayName: mostly(fc.string()),
  data: fc.jsonValue(),
});

const answer = mostly(
  record({
    thread: mostly(
      record({
        threadId: mostly(fc.string()),
        threadToken: mostly(fc.string()),
        members: mostly(fc.array(member, { maxLength: 4 })),
        lastMessageTime: mostly(fc.double()),
        data: fc.jsonValue(),
      }),
    ),
    messages: mostly(
      fc.array(
        mostly(
          record({
            messageId: mostly(fc.string()),
            fromUserId: mostly(fc.string()),
            creationTime: mostly(fc.double()),
            type: mostly(fc.string()),
            data: fc.jsonValue(),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
  }),
);

const Id = t.refinement(t.string, (s) => s.length > 0 && s.length <= 8, 'a short id');
const RequestLike = t.intersection([
  t.type({ token: t.string, message: t.type({ type: t.string, data: t.unknown }), ids: t.array(Id) }),
  t.partial({ clientMessageId: t.union([Id, t.undefined]), since: t.union([t.number, t.undefined, t.null]) }),
]);
const request = mostly(
  record({
    token: mostly(fc.string()),
    message: mostly(record({ type: mostly(fc.string()), data: fc.jsonValue() })),
    ids: mostly(fc.array(mostly(fc.string({ maxLength: 10 })), { maxLength: 3 })),
    clientMessageId: mostly(fc.oneof(fc.string({ maxLength: 10 }), fc.constant(undefined))),
    since: mostly(fc.oneof(fc.double(), fc.constant(null), fc.constant(undefined))),
  }),
);

describe('checkedFirst', () => {
  const sameAs = (original: t.Mixed, fast: t.Mixed, inputs: fc.Arbitrary<unknown>): void =>
    fc.assert(
      fc.property(inputs, (input) => {
        const decoded = fast.decode(input);
        expect(observed(decoded)).to.deep.equal(observed(original.decode(input)));
        // input `is` accepts is answered as itself, unknown properties kept
        if (original.is(input)) expect(decoded._tag === 'Right' && decoded.right).to.equal(input);
      }),
      { numRuns: 2000 },
    );

  it('decodes a backend answer exactly as the plain codec does: acceptance, output and errors', () => {
    const original = t.type({ thread: ThreadCodec, messages: t.array(ThreadMessageCodec) });
    sameAs(original, ThreadAndMessagesCodec, answer);
    sameAs(original, checkedFirst(original), answer);
  });

  it('decodes requests (refinements, unions, partial keys) exactly as the plain codec does', () => {
    sameAs(RequestLike, checkedFirst(RequestLike), request);
  });

  it('decodes anything at all exactly as the plain codec does', () => {
    sameAs(UserCodec, checkedFirst(UserCodec), fc.anything());
    sameAs(RequestLike, checkedFirst(RequestLike), fc.anything());
  });

  it('answers valid input itself, unknown properties kept', () => {
    const input = { userId: 'u1', displayName: 'Ann', data: { x: 1 }, extra: true };
    const decoded = checkedFirst(UserCodec).decode(input);
    expect(decoded._tag === 'Right' && decoded.right).to.equal(input);
  });

  it('keeps the kind, name and parts of the codec (what the schema generator reads)', () => {
    const fast = checkedFirst(RequestLike);
    expect(fast._tag).to.equal('IntersectionType');
    expect(fast.name).to.equal(RequestLike.name);
    expect(fast.types).to.equal(RequestLike.types);
    expect(fast).to.be.instanceOf(t.IntersectionType);
  });

  it('refuses codecs that may transform what they decode', () => {
    expect(() => checkedFirst(t.exact(t.type({ a: t.string })))).to.throw(/may transform/);
    expect(() => checkedFirst(t.type({ a: t.array(t.strict({ b: t.string })) })))
      .to.throw(/may transform/);
  });
});
