import { Ajv2020 } from 'ajv/dist/2020.js';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { decodeRequest } from '../application/requests.js';
import type { EcbError } from '../domain/errors.js';
import { jsonSchemaOf, type JsonSchema } from '../openapi/json-schema.js';

/**
 * Strings measured as io-ts measures them (`.length`, UTF-16 units), not in
 * code points: a length limit then accepts exactly what the codec's
 * refinement does. (ajv logs `unicode` as deprecated, though it honours it:
 * its logger is off; a strict-mode problem still throws.)
 */
const ajv = new Ajv2020({ strict: true, allErrors: false, unicode: false, logger: false });

/**
 * The codec's check, compiled: ajv turns the codec's JSON Schema (the one the
 * OpenAPI documents publish, src/openapi/json-schema.ts, with every
 * refinement spelled out exactly) into a function that reads each property by
 * name, where io-ts walks its codec tree and reads every property through one
 * generic, megamorphic site (docs/benchmarks.md, findings 14 and 25). A value
 * it accepts is answered as itself (the codecs here only check); any other
 * goes to the codec, whose errors name what did not match.
 *
 * For parsed JSON: there the schema and the codec accept exactly the same
 * values (property-tested in test/unit/adapters/backend-answers.test.ts and
 * compiled-checks.test.ts; they differ only on values JSON cannot carry,
 * such as NaN or undefined).
 */
export const compiledFirst = <C extends t.Mixed>(codec: C): ((value: unknown) => t.Validation<t.TypeOf<C>>) => {
  const accepts = ajv.compile(jsonSchemaOf(codec, true));
  return (value) => (accepts(value) ? t.success(value as t.TypeOf<C>) : codec.decode(value));
};

/**
 * A client request's decoder (`decodeRequest`: BAD_REQUEST naming the first
 * problem) with the codec's compiled check first. A Socket.IO payload is
 * parsed JSON, except for the binary attachments a client may put anywhere
 * in it (Buffers): ajv takes a Buffer for an object, io-ts does not. So every
 * object of the schema must require a property (no Buffer has one of the
 * request's names); a codec with an object of optional properties only
 * (paging) is refused when the decoder is built, and keeps `decodeRequest`.
 */
export const compiledRequest = <A, O>(codec: t.Type<A, O, unknown>): ((input: unknown) => E.Either<EcbError, A>) => {
  const schema = jsonSchemaOf(codec as unknown as t.Mixed, true);
  assertObjectsRequireProperties(schema, codec.name);
  const accepts = ajv.compile(schema);
  const decode = decodeRequest(codec);
  return (input) => (accepts(input) ? E.right(input as A) : decode(input));
};

const assertObjectsRequireProperties = (schema: JsonSchema, name: string): void => {
  if (schema['type'] === 'object' && !(Array.isArray(schema['required']) && schema['required'].length > 0)) {
    throw new Error(`compiledRequest: ${name} has an object with no required property, which a Buffer would pass`);
  }
  for (const value of Object.values(schema)) {
    if (Array.isArray(value)) value.forEach((item) => isSchema(item) && assertObjectsRequireProperties(item, name));
    else if (isSchema(value)) assertObjectsRequireProperties(value, name);
  }
};

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
