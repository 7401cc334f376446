import * as t from 'io-ts/lib/index.js';

/**
 * The codec kinds whose `decode` only checks: on success it returns its input
 * itself (the very same object, unknown properties kept), and its `is` accepts
 * nothing that `validate` refuses. `t.exact`/`t.strict` (which strip) and
 * custom codecs (which may transform) are not among them.
 */
const CHECKING_ONLY = new Set([
  'StringType',
  'NumberType',
  'BooleanType',
  'NullType',
  'UndefinedType',
  'UnknownType',
  'LiteralType',
  'ArrayType',
  'RefinementType',
  'InterfaceType',
  'PartialType',
  'IntersectionType',
  'UnionType',
]);

const assertCheckingOnly = (codec: t.Mixed): void => {
  const c = codec as t.Mixed & Record<string, unknown>;
  const tag = c['_tag'];
  if (typeof tag !== 'string' || !CHECKING_ONLY.has(tag)) {
    throw new Error(`checkedFirst: io-ts ${String(tag)} (${codec.name}) may transform what it decodes`);
  }
  if (tag === 'ArrayType' || tag === 'RefinementType') assertCheckingOnly(c['type'] as t.Mixed);
  if (tag === 'InterfaceType' || tag === 'PartialType') Object.values(c['props'] as t.Props).forEach(assertCheckingOnly);
  if (tag === 'IntersectionType' || tag === 'UnionType') (c['types'] as t.Mixed[]).forEach(assertCheckingOnly);
};

/**
 * The same codec, decoding valid input faster: it first asks `is`, which
 * walks the value without building a validation context per property (what
 * makes io-ts `validate` costly on a hot path), and answers the input itself
 * when it matches. Only input that does not match (or that `is` judges more
 * strictly: an absent required `t.unknown` key) goes through the codec's own
 * `validate`, so acceptance, output and errors (paths, contexts, messages)
 * are exactly the codec's. The copy keeps the codec's kind (`_tag`), name and
 * parts, so tools that read codecs (the OpenAPI schema generator) see no difference.
 *
 * One difference, in identity only: where io-ts answers a copy of an object
 * holding a NaN (it tests "changed?" with `!==`), this answers the input
 * itself, with the same content. JSON never carries a NaN.
 *
 * For checking-only codecs (no `t.exact`, no transforming codec inside):
 * anything else is refused when the module loads.
 */
export const checkedFirst = <C extends t.Mixed>(codec: C): C => {
  assertCheckingOnly(codec);
  const is = codec.is;
  const validate = codec.validate;
  const fast = Object.assign(Object.create(Object.getPrototypeOf(codec) as object) as C, codec);
  // io-ts binds `decode` to its codec in the constructor: the copy needs its own
  return Object.assign(fast, {
    validate: (input: unknown, context: t.Context): t.Validation<t.TypeOf<C>> =>
      is(input) ? t.success(input) : validate(input, context),
    decode: (input: unknown): t.Validation<t.TypeOf<C>> =>
      is(input) ? t.success(input) : validate(input, [{ key: '', type: fast, actual: input }]),
  });
};
