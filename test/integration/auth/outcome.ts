import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError, ErrorCode } from '../../../src/domain/errors.js';
import { FixedClock } from '../../support/fixed-clock.js';

/** The frozen "now" of most tests, far from the real time, so that only the injected clock can make tokens valid. */
export const T = 1_700_000_000;

export const frozenClock = (): FixedClock => new FixedClock(T);

/** Runs a TaskEither and returns its success, failing the test on a refusal. */
export const accepted = async <A>(task: TaskEither<EcbError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) expect.fail(`expected success, got ${result.left._tag}: ${result.left.message}`);
  return result.right;
};

/**
 * Runs a TaskEither and checks it was refused with `code`, with a message a
 * client may see: short, one line, and free of the token and its pieces.
 */
export const refused = async <A>(task: TaskEither<EcbError, A>, code: ErrorCode, token?: string): Promise<EcbError> => {
  const result = await task();
  if (E.isRight(result)) return expect.fail(`expected ${code}, got success ${JSON.stringify(result.right)}`);
  const error = result.left;
  expect(error._tag, error.message).to.equal(code);
  expect(error.message.length).to.be.below(120);
  expect(error.message).not.to.match(/\n|\bat .*:\d+/);
  if (token !== undefined && token.length > 0) {
    const logged = `${error.message} ${JSON.stringify(error.cause ?? null)}`;
    for (const part of token.split('.').filter((p) => p.length >= 8)) expect(logged).not.to.include(part);
  }
  return error;
};
