import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts/lib/index.js';
import { mismatches } from '../../adapters/backend/backend-answers.js';
import { describeAnswer, type Answer } from './backend-probe.js';
import { fail, pass, type Outcome } from './check-result.js';

const FIX_NO_ANSWER =
  'Answer every call within ECB_BACKEND_TIMEOUT_MS (the checker\'s --timeout-ms), and check that the URL (and its ' +
  'path prefix) is the one ECB calls: without an answer this rule could not be checked.';

/** The answer's status is one of `expected`, or a failure with `fix` (or, when there was no answer, with how to get one). */
export const statusIs = (answer: Answer, expected: readonly number[], fix: string): Outcome =>
  answer._tag === 'Answered' && expected.includes(answer.status)
    ? pass(`HTTP ${answer.status}`)
    : fail(`expected HTTP ${expected.join(' or ')}, got ${describeAnswer(answer)}`, answer._tag === 'Answered' ? fix : FIX_NO_ANSWER);

/**
 * A 200 answer decoded with ECB's own decoder, so "passes here" means
 * "ECB accepts it"; or the failure naming the mismatched fields.
 */
export const decodedAnswer = <A>(
  answer: Answer,
  decode: (body: unknown) => t.Validation<A>,
  fix: string,
): E.Either<Outcome, A> => {
  if (answer._tag !== 'Answered' || answer.status !== 200) {
    return E.left(fail(`expected HTTP 200, got ${describeAnswer(answer)}${errorMessageOf(answer)}`, fix));
  }
  const decoded = decode(answer.body);
  return E.isRight(decoded)
    ? E.right(decoded.right)
    : E.left(fail(`the body does not match: ${mismatches(decoded.left, 3).join('; ')}`, fix));
};

/** The backend's own explanation of a refusal, when it gave one. */
const errorMessageOf = (answer: Answer): string => {
  if (answer._tag !== 'Answered') return '';
  const message = (answer.body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? ` ("${message.slice(0, 120)}")` : '';
};
