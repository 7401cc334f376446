import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { EcbError } from '../../../src/domain/errors.js';

/** The success inside, or a test failure that says which error came instead. */
export const rightOf = <A>(result: E.Either<EcbError, A>): A => {
  if (E.isLeft(result)) expect.fail(`expected success, got ${result.left._tag}: ${result.left.message}`);
  return result.right;
};

/** The error inside, or a test failure that shows the unexpected success. */
export const leftOf = <A>(result: E.Either<EcbError, A>): EcbError => {
  if (E.isRight(result)) expect.fail(`expected a failure, got success: ${JSON.stringify(result.right)}`);
  return result.left;
};
