import { Ajv2020 } from 'ajv/dist/2020.js';
import * as E from 'fp-ts/lib/Either.js';
import { componentSchemas } from '../../../src/openapi/wire-schemas.js';

/**
 * Validates a value against one of the generated component schemas with a
 * real JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1).
 */
export const schemaAccepts = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addSchema({ $id: 'ecb', components: { schemas: componentSchemas() } });
  return (name: string, value: unknown): boolean => {
    const validate = ajv.getSchema(`ecb#/components/schemas/${name}`);
    if (validate === undefined) throw new Error(`no schema ${name}`);
    return validate(value) as boolean;
  };
})();

/** Whether an io-ts style decoder accepts a value. */
export const codecAccepts = (decode: (value: unknown) => E.Either<unknown, unknown>, value: unknown): boolean =>
  E.isRight(decode(value));
