import type * as t from 'io-ts/lib/index.js';
import { CLIENT_MESSAGE_ID_RULE, MAX_ID_LENGTH, MAX_MEMBER_IDS } from '../application/requests.js';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = Record<string, unknown>;

/**
 * What a named refinement means in JSON Schema. A refinement's predicate is
 * code and cannot be read, so each one used on the wire is spelled out here;
 * an unknown one falls back to its base type (looser, never stricter).
 */
const REFINEMENTS: Readonly<Record<string, JsonSchema>> = {
  // safe integers, as Number.isSafeInteger has them (ECB reads them as JavaScript numbers)
  NonNegativeInteger: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  PositiveInteger: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  'a finite number': { type: 'number' },
  [`a string of 1 to ${MAX_ID_LENGTH} characters`]: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
  [CLIENT_MESSAGE_ID_RULE]: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, pattern: '^[!-~]+$' },
  [`1 to ${MAX_MEMBER_IDS} member ids`]: {
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
    minItems: 1,
    maxItems: MAX_MEMBER_IDS,
  },
};

type Codec = t.Mixed & { readonly _tag?: string };

/**
 * The JSON Schema of an io-ts codec, for the codec kinds ECB's wire shapes
 * use: type, partial, intersection, union, array, refinement, literal and
 * the primitives. `undefined` members of a union mean "may be absent", which
 * the enclosing object already expresses by leaving the key out of `required`.
 * Throws on a codec kind it does not know: a programming error, caught by the tests.
 * `exact`: also throws on a refinement it cannot spell out, instead of
 * loosening it to its base type (for a schema that must accept nothing the
 * codec refuses: compiled checks, src/adapters/compiled-checks.ts).
 */
export const jsonSchemaOf = (codec: t.Mixed, exact = false): JsonSchema => {
  const c = codec as Codec & Record<string, unknown>;
  switch (c._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
      return {};
    case 'LiteralType':
      return { const: c['value'] };
    case 'ArrayType':
      return { type: 'array', items: jsonSchemaOf(c['type'] as t.Mixed, exact) };
    case 'RefinementType': {
      const known = REFINEMENTS[codec.name];
      if (known !== undefined) return known;
      if (exact) throw new Error(`jsonSchemaOf: the refinement "${codec.name}" has no exact JSON Schema`);
      return { ...jsonSchemaOf(c['type'] as t.Mixed), description: codec.name };
    }
    case 'InterfaceType':
      return objectOf(c['props'] as t.Props, true, exact);
    case 'PartialType':
      return objectOf(c['props'] as t.Props, false, exact);
    case 'IntersectionType':
      return mergeObjects((c['types'] as t.Mixed[]).map((member) => jsonSchemaOf(member, exact)));
    case 'UnionType': {
      const present = (c['types'] as Codec[]).filter((member) => member._tag !== 'UndefinedType');
      const schemas = present.map((member) => jsonSchemaOf(member, exact));
      return schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
    }
    default:
      throw new Error(`jsonSchemaOf: no JSON Schema for io-ts ${String(c._tag)} (${codec.name})`);
  }
};

const objectOf = (props: t.Props, required: boolean, exact: boolean): JsonSchema => {
  const properties = Object.fromEntries(Object.entries(props).map(([key, codec]) => [key, jsonSchemaOf(codec, exact)]));
  return required && Object.keys(props).length > 0
    ? { type: 'object', properties, required: Object.keys(props) }
    : { type: 'object', properties };
};

// io-ts intersections of objects are one object with the union of the properties.
const mergeObjects = (schemas: JsonSchema[]): JsonSchema => {
  if (!schemas.every((s) => s['type'] === 'object')) return { allOf: schemas };
  const required = schemas.flatMap((s) => (s['required'] as string[] | undefined) ?? []);
  return {
    type: 'object',
    properties: Object.assign({}, ...schemas.map((s) => s['properties'])),
    ...(required.length > 0 ? { required } : {}),
  };
};
