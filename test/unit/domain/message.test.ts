import { expect } from 'chai';
import fc from 'fast-check';
import {
  isTyping,
  messageSize,
  messagesSince,
  storedMessage,
  messageSizeBound,
  nestsDeeperThan,
  utf8ByteLength,
  validateOutgoingMessage,
  type OutgoingMessage,
} from '../../../src/domain/message.js';
import { aMessage } from '../../support/builders.js';
import { leftOf, rightOf } from './expect-either.js';

const text = (messageText: string): OutgoingMessage => ({ type: 'text', data: { messageText } });

/** The JSON of a text message with an empty text: every byte but the text's own. */
const EMPTY_TEXT_BYTES = JSON.stringify(text('')).length;

describe('message rules', () => {
  describe('messageSize', () => {
    it('is the byte length of the JSON for plain ASCII', () => {
      const message = text('hello');
      expect(messageSize(message)).to.equal(JSON.stringify(message).length);
      expect(messageSize(message)).to.equal(EMPTY_TEXT_BYTES + 5);
    });

    it('counts multibyte characters in UTF-8 bytes, not characters', () => {
      expect(messageSize(text('é'))).to.equal(EMPTY_TEXT_BYTES + 2);
      expect(messageSize(text('€'))).to.equal(EMPTY_TEXT_BYTES + 3);
      expect(messageSize(text('😀'))).to.equal(EMPTY_TEXT_BYTES + 4);
      expect(messageSize(text('日本語'))).to.equal(EMPTY_TEXT_BYTES + 9);
    });

    it('counts the escapes JSON adds', () => {
      // `"` and `\n` each become two characters in JSON.
      expect(messageSize(text('"\n'))).to.equal(EMPTY_TEXT_BYTES + 4);
    });

    it('counts custom data and the type too', () => {
      const custom: OutgoingMessage = { type: 'poll', data: { options: ['yes', 'no'] } };
      expect(messageSize(custom)).to.equal(Buffer.byteLength(JSON.stringify(custom), 'utf8'));
      expect(messageSize(custom)).to.equal('{"type":"poll","data":{"options":["yes","no"]}}'.length);
    });
  });

  describe('utf8ByteLength', () => {
    const encoded = (s: string): number => new TextEncoder().encode(s).byteLength;
    /** Any UTF-16 code units: lone and reversed surrogates included, not only valid pairs. */
    const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 }).map((units) => String.fromCharCode(...units));
    const surrogateHeavy = fc
      .array(fc.constantFrom('a', 'é', '€', '😀', '\ud83d', '\ude00', '\udbff', '\udc00', '\u0000', '\u07ff', '\u0800', '\uffff'), { maxLength: 64 })
      .map((parts) => parts.join(''));

    it('counts what TextEncoder encodes, for any string of code units', () => {
      fc.assert(fc.property(fc.oneof(codeUnits, surrogateHeavy, fc.string({ unit: 'binary' })), (s) => utf8ByteLength(s) === encoded(s)), {
        numRuns: 5000,
      });
    });

    it('counts strings longer than its buffer, whatever straddles the slice boundaries', () => {
      for (const filler of ['a', 'é', '€']) {
        for (let shift = 0; shift < 6; shift++) {
          for (const tail of ['😀😀😀', '\ud83d', '\ude00x', '\ud83d\ud83d\ude00', 'é€']) {
            const s = `${filler.repeat(Math.ceil((64 * 1024) / encoded(filler)) * 2 + shift)}${tail}`.repeat(2);
            expect(utf8ByteLength(s), `${filler} ${shift} ${JSON.stringify(tail)}`).to.equal(encoded(s));
          }
        }
      }
      fc.assert(
        fc.property(fc.tuple(surrogateHeavy, fc.integer({ min: 1, max: 3000 })), ([s, times]) => utf8ByteLength(s.repeat(times)) === encoded(s.repeat(times))),
        { numRuns: 200 },
      );
    });
  });

  describe('messageSizeBound', () => {
    /** Any JSON scalar: strings of any code units (escapes, lone surrogates), any double, booleans, null. */
    const scalar = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.double(),
      fc.integer(),
      fc.constantFrom(true, false, null, -0, Number.MAX_VALUE, -Number.MIN_VALUE, -1.2345678901234567e-6, -1.2345678901234567e20),
    );
    const flatData = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), scalar, { maxKeys: 5 });

    it('is never below the size of a message whose data is a scalar or an object of scalars', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 8 }), fc.oneof(scalar, flatData), (type, data) => {
          const message = { type, data };
          expect(messageSizeBound(message)).to.be.at.least(messageSize(message));
        }),
        { numRuns: 3000 },
      );
    });

    it('is exact when every character takes 6 bytes (control characters, written as \\u00XX escapes)', () => {
      const message = { type: '\u0001', data: { '\u0004': '\u0002\u0003', '': '', '\u0005\u0006': '\u0007' } };
      expect(messageSizeBound(message)).to.equal(messageSize(message));
      expect(messageSizeBound({ type: '\u0001', data: {} })).to.equal(messageSize({ type: '\u0001', data: {} }));
      expect(messageSizeBound({ type: '', data: '\u0001' })).to.equal(messageSize({ type: '', data: '\u0001' }));
      expect(messageSizeBound({ type: 'typing', data: false })).to.equal(messageSize({ type: 'typing', data: false }) + 5 * 'typing'.length);
      expect(messageSizeBound(text(''))).to.equal(EMPTY_TEXT_BYTES + 5 * ('text'.length + 'messageText'.length));
    });

    it('has no bound (NaN) for a message with nested data or a key besides type and data', () => {
      const others: OutgoingMessage[] = [
        { type: 'text', data: { messageText: 'hi', extra: { nested: 'x'.repeat(1000) } } },
        { type: 'text', data: { messageText: 'hi', list: ['x'.repeat(1000)] } },
        { type: 'poll', data: ['yes', 'no'] },
        { type: 'text', data: { messageText: 'hi', missing: undefined } },
        { type: 'blob', data: { messageText: 'hi' }, extra: 'x'.repeat(1000) } as OutgoingMessage,
      ];
      for (const message of others) expect(messageSizeBound(message), JSON.stringify(message)).to.be.NaN;
    });
  });

  describe('nestsDeeperThan', () => {
    const nested = (depth: number, leaf: unknown = 1): unknown => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
      return value;
    };

    it('counts each object or array as one level, scalars as none', () => {
      expect(nestsDeeperThan('x', 0)).to.equal(false);
      expect(nestsDeeperThan({}, 0)).to.equal(true);
      expect(nestsDeeperThan({}, 1)).to.equal(false);
      expect(nestsDeeperThan(nested(64), 64)).to.equal(false);
      expect(nestsDeeperThan(nested(65), 64)).to.equal(true);
      expect(nestsDeeperThan({ a: 1, b: [2, { c: [3] }] }, 4)).to.equal(false);
      expect(nestsDeeperThan({ a: 1, b: [2, { c: [3] }] }, 3)).to.equal(true);
    });

    it('answers for a million levels without overflowing the call stack', () => {
      expect(nestsDeeperThan(nested(1_000_000), 64)).to.equal(true);
    });
  });

  describe('validateOutgoingMessage', () => {
    const limit = 100;
    const validate = validateOutgoingMessage(limit);

    it('accepts a message of exactly the limit', () => {
      const message = text('a'.repeat(limit - EMPTY_TEXT_BYTES));
      expect(messageSize(message)).to.equal(limit);
      expect(rightOf(validate(message))).to.deep.equal(message);
    });

    it('refuses a message one byte over the limit as PAYLOAD_TOO_LARGE', () => {
      const message = text('a'.repeat(limit - EMPTY_TEXT_BYTES + 1));
      expect(leftOf(validate(message))._tag).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('measures the limit in bytes: multibyte text under the limit in characters is still too large', () => {
      // Each '€' is 3 bytes: this text is under the limit in characters and one byte over it in bytes.
      const room = limit - EMPTY_TEXT_BYTES;
      const atLimit = text('€'.repeat(Math.floor(room / 3)) + 'a'.repeat(room % 3));
      expect(messageSize(atLimit)).to.equal(limit);
      expect(rightOf(validate(atLimit))).to.deep.equal(atLimit);
      const overLimit = text('€'.repeat(Math.floor(room / 3)) + 'a'.repeat((room % 3) + 1));
      expect(JSON.stringify(overLimit).length).to.be.below(limit);
      expect(leftOf(validate(overLimit))._tag).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('gives the verdict of the exact size for every message near the limit (the bound only skips measuring)', () => {
      const extra = fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 20 }), { maxKeys: 2 });
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 6 }), extra, extra, (messageText, type, more, moreData) => {
          const message = { ...more, type: type === '' ? 'text' : type, data: { ...moreData, messageText } };
          const verdict = validate(message);
          if (messageSize(message) > limit) expect(leftOf(verdict)._tag).to.equal('PAYLOAD_TOO_LARGE');
          else expect(verdict._tag === 'Left' && verdict.left._tag === 'PAYLOAD_TOO_LARGE').to.equal(false);
        }),
        { numRuns: 3000 },
      );
    });

    it('applies the limit to custom messages as well', () => {
      const big: OutgoingMessage = { type: 'blob', data: 'x'.repeat(limit) };
      expect(leftOf(validate(big))._tag).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('accepts a text message with a string messageText, even an empty one', () => {
      expect(rightOf(validate(text('hi')))).to.deep.equal(text('hi'));
      expect(rightOf(validate(text('')))).to.deep.equal(text(''));
    });

    it('refuses a text message whose data is not { messageText: string }', () => {
      for (const data of [{}, { messageText: 5 }, { messageText: null }, null, 'hi', 42, ['hi']]) {
        const error = leftOf(validate({ type: 'text', data }));
        expect(error._tag, JSON.stringify(data)).to.equal('BAD_REQUEST');
        expect(error.message).to.contain('messageText');
      }
    });

    it('accepts a typing signal with a boolean', () => {
      expect(rightOf(validate({ type: 'typing', data: true }))).to.deep.equal({ type: 'typing', data: true });
      expect(rightOf(validate({ type: 'typing', data: false }))).to.deep.equal({ type: 'typing', data: false });
    });

    it('refuses a typing signal whose data is not a boolean', () => {
      for (const data of ['true', 1, 0, null, {}, { isTyping: true }]) {
        expect(leftOf(validate({ type: 'typing', data }))._tag, JSON.stringify(data)).to.equal('BAD_REQUEST');
      }
    });

    it('passes custom data through untouched', () => {
      const data = { nested: { list: [1, 'two', null] }, flag: false };
      const custom: OutgoingMessage = { type: 'order-update', data };
      const valid = rightOf(validate(custom));
      expect(valid.data).to.equal(data);
      expect(valid).to.deep.equal({ type: 'order-update', data: { nested: { list: [1, 'two', null] }, flag: false } });
    });

    it('answers type and data alone: another key beside them counts in the size, as sent, and is dropped', () => {
      const sent = { type: 'text', data: { messageText: 'hi' }, fromUserId: 'someone-else', messageId: 'forged' } as OutgoingMessage;
      expect(rightOf(validate(sent))).to.deep.equal({ type: 'text', data: { messageText: 'hi' } });
      const padded = { type: 'text', data: { messageText: 'hi' }, padding: 'x'.repeat(limit) } as OutgoingMessage;
      expect(leftOf(validate(padded))._tag).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('refuses data nested deeper than the limit as BAD_REQUEST, however deep, where serializing it would overflow the stack', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const error = leftOf(validateOutgoingMessage(1_000_000, 64)({ type: 'custom', data: deep }));
      expect(error._tag).to.equal('BAD_REQUEST');
      expect(error.message).to.contain('64');
      let ok: unknown = 'leaf';
      for (let i = 0; i < 64; i++) ok = { k: ok };
      rightOf(validateOutgoingMessage(1_000_000, 64)({ type: 'custom', data: ok }));
      expect(leftOf(validateOutgoingMessage(1_000_000, 64)({ type: 'custom', data: { k: ok } }))._tag).to.equal('BAD_REQUEST');
    });

    it('refuses an empty type and a missing data as BAD_REQUEST', () => {
      expect(leftOf(validate({ type: '', data: 1 }))._tag).to.equal('BAD_REQUEST');
      expect(leftOf(validate({ type: 'custom', data: undefined }))._tag).to.equal('BAD_REQUEST');
    });
  });

  describe('isTyping', () => {
    it('is true for the reserved "typing" type only', () => {
      expect(isTyping({ type: 'typing', data: true })).to.equal(true);
      expect(isTyping({ type: 'text', data: { messageText: 'typing' } })).to.equal(false);
      expect(isTyping({ type: 'Typing', data: true })).to.equal(false);
    });
  });

  describe('messagesSince', () => {
    const at = (creationTime: number) => aMessage({ messageId: `m-${creationTime}`, creationTime });

    it('keeps every message when since is absent', () => {
      const messages = [at(1), at(2)];
      expect(messagesSince(messages, undefined)).to.deep.equal(messages);
    });

    it('keeps only messages strictly later than since, comparing decimals as numbers', () => {
      const messages = [at(10), at(10.4), at(10.5), at(10.50001), at(11), at(9.99)];
      expect(messagesSince(messages, 10.5).map((m) => m.creationTime)).to.deep.equal([10.50001, 11]);
    });

    it('treats an integer since as a number, so later decimals of the same second are kept', () => {
      expect(messagesSince([at(10), at(10.1)], 10).map((m) => m.creationTime)).to.deep.equal([10.1]);
    });

    it('keeps the backend order of what it keeps', () => {
      const messages = [at(30), at(20), at(25)];
      expect(messagesSince(messages, 21).map((m) => m.creationTime)).to.deep.equal([30, 25]);
    });

    it('returns an empty list when nothing is later', () => {
      expect(messagesSince([at(5)], 5)).to.deep.equal([]);
    });
  });

  describe('storedMessage', () => {
    it('is undefined when the backend returned no message', () => {
      expect(storedMessage([])).to.equal(undefined);
    });

    it('is the latest message by creationTime, wherever it sits in the list', () => {
      const latest = aMessage({ messageId: 'latest', creationTime: 30.5 });
      const messages = [aMessage({ creationTime: 10 }), latest, aMessage({ creationTime: 30.25 })];
      expect(storedMessage(messages)).to.equal(latest);
    });

    it('prefers the later entry in the list when two messages share a creationTime', () => {
      const first = aMessage({ messageId: 'first', creationTime: 7 });
      const second = aMessage({ messageId: 'second', creationTime: 7 });
      expect(storedMessage([first, second])).to.equal(second);
    });
  });
});
