import { expect } from 'chai';
import fc from 'fast-check';
import * as t from 'io-ts/lib/index.js';
import {
  CreateThreadRequestCodec,
  GetThreadRequestCodec,
  LeaveThreadRequestCodec,
  MAX_ID_LENGTH,
  PagingRequestCodec,
  SendMessageRequestCodec,
  decodeRequest,
} from '../../../src/application/requests.js';
import { compiledFirst, compiledRequest } from '../../../src/adapters/compiled-checks.js';

/** Either a valid value, or anything at all (JSON or not), or a Buffer as Socket.IO's binary attachments give. */
const mostly = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)) },
  );

const record = <R extends Record<string, fc.Arbitrary<unknown>>>(fields: R): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record(fields) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.tuple(fc.record(fields), fc.dictionary(fc.string(), fc.jsonValue())).map(([r, extra]) => ({ ...extra, ...r })) },
  );

/** Ids near the length limit, in UTF-16 units: surrogate pairs count two, as io-ts counts them. */
const id = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', minLength: MAX_ID_LENGTH / 2 - 2, maxLength: MAX_ID_LENGTH / 2 + 2 }),
  fc.string({ minLength: MAX_ID_LENGTH - 1, maxLength: MAX_ID_LENGTH + 1 }),
);
const clientMessageId = fc.oneof(id, fc.stringMatching(/^[\x21-\x7e]{1,8}$/), fc.constant('a b'));
const message = record({
  type: mostly(fc.constantFrom('text', 'typing', '', 'custom')),
  data: mostly(fc.oneof(fc.jsonValue(), fc.record({ messageText: fc.string() }))),
});

const send = record({ threadToken: mostly(fc.string()), message: mostly(message), clientMessageId: mostly(clientMessageId) });
const create = record({ memberIds: mostly(fc.array(mostly(id), { maxLength: 3 })), message: mostly(message), clientMessageId: mostly(clientMessageId) });
const getThread = record({ threadToken: mostly(fc.string()), since: mostly(fc.oneof(fc.double(), fc.constant(null))) });
const leave = record({ threadToken: mostly(fc.string()) });

/** What a caller sees: the value (the input itself when accepted), or the error's code and message. */
const agrees = <A, O>(codec: t.Type<A, O, unknown>, inputs: fc.Arbitrary<unknown>): void => {
  const compiled = compiledRequest(codec);
  const plain = decodeRequest(codec);
  fc.assert(
    fc.property(mostly(inputs), (input) => {
      const a = compiled(input);
      const b = plain(input);
      expect(a).to.deep.equal(b);
      // where the codec answers the input itself, so does the compiled check (a copy only where it fills in an absent key)
      if (a._tag === 'Right' && b._tag === 'Right' && b.right === input) expect(a.right).to.equal(input);
    }),
    { numRuns: 3000 },
  );
};

describe('compiled request checks (ajv first, the codec for what it refuses)', () => {
  it('decode sendMessage exactly as the codec does, Buffers and surrogate pairs included', () => {
    agrees(SendMessageRequestCodec, send);
  });

  it('decode createThread, getThread and leaveThread exactly as their codecs do', () => {
    agrees(CreateThreadRequestCodec, create);
    agrees(GetThreadRequestCodec, getThread);
    agrees(LeaveThreadRequestCodec, leave);
  });

  it('take a Buffer where a message belongs for what it is: not a message', () => {
    const decoded = compiledRequest(SendMessageRequestCodec)({ threadToken: 't', message: Buffer.from('{"type":"text"}') });
    expect(decoded._tag).to.equal('Left');
  });

  it('count an id of 129 surrogate pairs as 258 characters, over the limit, as io-ts does', () => {
    const long = '😀'.repeat(129);
    const decoded = compiledRequest(CreateThreadRequestCodec)({ memberIds: [long], message: { type: 'text', data: { messageText: 'x' } } });
    expect(decoded._tag).to.equal('Left');
  });

  it('refuse to compile a request with an object of optional properties only (a Buffer would pass it)', () => {
    expect(() => compiledRequest(PagingRequestCodec)).to.throw(/no required property/);
  });

  it('refuse to compile a refinement it cannot spell out exactly', () => {
    const Even = t.refinement(t.number, (n) => n % 2 === 0, 'Even');
    expect(() => compiledFirst(t.type({ n: Even }))).to.throw(/no exact JSON Schema/);
    expect(() => compiledRequest(t.type({ n: Even }))).to.throw(/no exact JSON Schema/);
  });
});
