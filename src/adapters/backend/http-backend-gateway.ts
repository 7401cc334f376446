import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable, optional } from 'inversify';
import type { BackendGateway, NewMessage, NewThread } from '../../application/ports/backend-gateway.js';
import type { EcbConfig } from '../../config.js';
import { backendError, type EcbError } from '../../domain/errors.js';
import type { Listing, Paging } from '../../domain/paging.js';
import type { Thread, ThreadAndMessages } from '../../domain/thread.js';
import { userReference, type Caller, type User } from '../../domain/user.js';
import { TOKENS } from '../../tokens.js';
import {
  contactsAnswer,
  mismatches,
  threadAndMessagesAnswer,
  threadsAnswer,
  userTokenAnswer,
  type AnswerDecoder,
} from './backend-answers.js';
import { BackendCircuit } from './backend-circuit.js';
import type { BackendCallObserver, BackendOperation } from './backend-call-observer.js';
import {
  backendErrorMessage,
  safeBackendMessage,
  statusFailure,
  transportFailure,
  type Failure,
} from './backend-failures.js';
import type { BackendAnswer, BackendTransport, HeaderList } from './backend-transport.js';
import { kyBackendTransport } from './ky-backend-transport.js';
import { undiciBackendTransport } from './undici-backend-transport.js';
import { BACKEND_LIMITS } from './backend-limits.js';
import { backoffDelayMs, pause } from './read-backoff.js';
import { SharedDeadlines } from './shared-deadlines.js';

/** One backend call: what to send, and how to read a successful answer. */
interface BackendCall<A> {
  readonly operation: BackendOperation;
  /** The request body, as JSON: serialized once, when the call is made. */
  readonly payload: string;
  readonly headers: HeaderList;
  readonly decode: AnswerDecoder<A>;
  /** The credential this call sends (a token), never to be echoed in an error message, nor the API key (`secretsWith`). */
  readonly credential: string;
}

type Attempt<A> = E.Either<Failure, A>;

/** Reads may be tried again after a refused connection or a 502/503/504; writes never (ECB-SPEC §6). */
const READS: ReadonlySet<BackendOperation> = new Set(['getUserToken', 'getContacts', 'getThreads', 'getThread']);

/**
 * The BackendGateway over HTTP (ECB-SPEC §6): `POST {backendUrl}/{operation}`
 * through a BackendTransport (undici's Pool by default, or ky: the
 * ECB_BACKEND_CLIENT setting). Every answer is validated
 * with the domain's codecs; every failure, the timeout included, becomes an
 * EcbError value. One deadline of `backendTimeoutMs` bounds each call,
 * waiting for a place in the circuit, reading the answer and the read
 * retries (with a jittered pause) included; calls that start within a few
 * ms of each other share its timer (shared-deadlines.ts), so it fires at
 * most `min(50 ms, backendTimeoutMs / 100)` late.
 * Every call goes through the node's BackendCircuit (breaker and in-flight
 * cap; its own one when none is given). Call `close()` on shutdown to
 * release the connections.
 */
@injectable()
export class HttpBackendGateway implements BackendGateway {
  private readonly http: BackendTransport;
  private readonly circuit: BackendCircuit;
  private readonly deadlines: SharedDeadlines;

  constructor(
    @inject(TOKENS.Config) private readonly config: EcbConfig,
    @inject(TOKENS.Metrics) @optional() private readonly observer?: BackendCallObserver,
    @inject(BackendCircuit) @optional() circuit?: BackendCircuit,
  ) {
    this.circuit = circuit ?? new BackendCircuit(config);
    this.deadlines = new SharedDeadlines(config.backendTimeoutMs);
    const transport = config.backendClient === 'ky' ? kyBackendTransport : undiciBackendTransport;
    this.http = transport({ backendUrl: config.backendUrl, ...BACKEND_LIMITS });
  }

  exchangeAccessToken(accessToken: string, requestId: string): TE.TaskEither<EcbError, string> {
    return this.call({
      operation: 'getUserToken',
      payload: JSON.stringify({ accessToken }),
      headers: this.headers(requestId),
      decode: userTokenAnswer,
      credential: accessToken,
    });
  }

  // Each body is one literal, the user first: JSON.stringify leaves out a property that is
  // undefined (an absent clientMessageId or paging field), so no spread is needed, which would
  // copy the object and add its properties one by one on V8's slow path (docs/benchmarks.md, finding 13).

  getContacts(caller: Caller, paging: Paging): TE.TaskEither<EcbError, Listing<User>> {
    return this.call(this.asCaller(caller, 'getContacts', pagedBody(caller, paging), contactsAnswer));
  }

  getThreads(caller: Caller, paging: Paging): TE.TaskEither<EcbError, Listing<Thread>> {
    return this.call(this.asCaller(caller, 'getThreads', pagedBody(caller, paging), threadsAnswer));
  }

  createThread(caller: Caller, thread: NewThread): TE.TaskEither<EcbError, ThreadAndMessages> {
    const body = {
      user: userReference(caller.user),
      memberIds: thread.memberIds,
      message: thread.message,
      clientMessageId: thread.clientMessageId,
    };
    return this.call(this.asCaller(caller, 'createThread', body, threadAndMessagesAnswer, thread.clientMessageId));
  }

  getThread(
    caller: Caller,
    query: { readonly threadId: string; readonly since?: number | undefined },
  ): TE.TaskEither<EcbError, ThreadAndMessages> {
    const body = { user: userReference(caller.user), threadId: query.threadId, since: query.since };
    return this.call(this.asCaller(caller, 'getThread', body, threadAndMessagesAnswer));
  }

  addThreadMessage(caller: Caller, message: NewMessage): TE.TaskEither<EcbError, ThreadAndMessages> {
    const body = {
      user: userReference(caller.user),
      threadId: message.threadId,
      message: message.message,
      clientMessageId: message.clientMessageId,
    };
    return this.call(this.asCaller(caller, 'addThreadMessage', body, threadAndMessagesAnswer, message.clientMessageId));
  }

  /** Lets calls in progress finish (each bounded by the timeout), then closes the connections. */
  close(): Promise<void> {
    return this.http.close();
  }

  /** The headers of ECB-SPEC §6, with the JSON content type and accept. */
  private headers(requestId: string, credential?: string, clientMessageId?: string): HeaderList {
    const headers = ['accept', 'application/json', 'content-type', 'application/json', 'x-ecb-request-id', requestId];
    if (credential !== undefined) headers.push('authorization', `Bearer ${credential}`);
    if (clientMessageId !== undefined) headers.push('idempotency-key', clientMessageId);
    if (this.config.backendApiKey !== undefined) headers.push('x-ecb-key', this.config.backendApiKey);
    return headers;
  }

  /** What a call sends that no answer may repeat: its own credential, and the key of every call. */
  private secretsWith(credential: string): readonly string[] {
    return this.config.backendApiKey === undefined ? [credential] : [credential, this.config.backendApiKey];
  }

  /** A call made as `caller`: `body` names the user first (see above). */
  private asCaller<A>(
    caller: Caller,
    operation: BackendOperation,
    body: { readonly user: { readonly userId: string } },
    decode: AnswerDecoder<A>,
    clientMessageId?: string,
  ): BackendCall<A> {
    return {
      operation,
      payload: JSON.stringify(body),
      headers: this.headers(caller.requestId, caller.credential, clientMessageId),
      decode,
      credential: caller.credential,
    };
  }

  // a method call rather than an async closure: the task itself holds nothing while the backend answers
  private call<A>(call: BackendCall<A>): TE.TaskEither<EcbError, A> {
    return () => this.perform(call);
  }

  private async perform<A>(call: BackendCall<A>): Promise<E.Either<EcbError, A>> {
    const started = performance.now();
    // one deadline for the whole call: waiting in the queue or for a half-open trial, every try
    // and every pause; shared with the calls started in the same few ms, it aborts only once
    // every one of them is past its own
    const deadline = this.deadlines.acquire(started);
    try {
      let result: E.Either<EcbError, A> | undefined;
      if (!READS.has(call.operation) && this.circuit.tryEnter()) {
        // a write on a closed circuit with a place free, nearly every message: tried once, here,
        // so that one frame (this one) is alive while the backend answers, then given back
        try {
          result = settled(this.interpret(call, await this.http.post(call.operation, call.payload, call.headers, deadline.signal)));
        } catch (error) {
          result = settled(this.transportFailure(call, error, deadline.signal));
        } finally {
          this.circuit.leave(result);
        }
      } else {
        result = await this.circuit.run(
          READS.has(call.operation)
            ? () => this.tries(call, deadline.signal, started)
            : () => this.attempt(call, deadline.signal).then(settled),
          deadline.signal,
        );
      }
      this.observe(call.operation, result, started);
      return result;
    } finally {
      this.deadlines.release(deadline);
    }
  }

  /**
   * The first try, then, for a read whose failure allows it, at most
   * `readRetries` more after a jittered pause, while the deadline leaves
   * room for the pause.
   */
  private async tries<A>(call: BackendCall<A>, deadline: AbortSignal, started: number): Promise<E.Either<EcbError, A>> {
    let result = await this.attempt(call, deadline);
    for (let retry = 0; retry < BACKEND_LIMITS.readRetries && E.isLeft(result) && result.left.retryable; retry++) {
      const wait = backoffDelayMs(retry, BACKEND_LIMITS);
      if (performance.now() - started + wait >= this.config.backendTimeoutMs) break;
      if (!(await pause(wait, deadline))) break;
      result = await this.attempt(call, deadline);
    }
    return settled(result);
  }

  private async attempt<A>(call: BackendCall<A>, deadline: AbortSignal): Promise<Attempt<A>> {
    try {
      return this.interpret(call, await this.http.post(call.operation, call.payload, call.headers, deadline));
    } catch (error) {
      return this.transportFailure(call, error, deadline);
    }
  }

  private interpret<A>(call: BackendCall<A>, { status, body }: BackendAnswer): Attempt<A> {
    if (status < 200 || status > 299) return E.left(this.refusal(call, status, body._tag === 'Read' ? body.text : ''));
    if (body._tag === 'TooLarge') {
      return invalidAnswer(call, `the backend answer exceeds ${BACKEND_LIMITS.maxResponseBytes} bytes`);
    }
    return this.decode(call, body.text);
  }

  private transportFailure<A>(call: BackendCall<A>, error: unknown, deadline: AbortSignal): Attempt<A> {
    const context = { operation: call.operation, timedOut: deadline.aborted, timeoutMs: this.config.backendTimeoutMs };
    return E.left(transportFailure(error, context));
  }

  private refusal(call: BackendCall<unknown>, status: number, text: string): Failure {
    const explanation = pipe(parseJson(text), E.map(backendErrorMessage), E.getOrElseW(() => undefined));
    const safe =
      explanation === undefined
        ? undefined
        : safeBackendMessage(explanation, this.secretsWith(call.credential), BACKEND_LIMITS.maxErrorMessageChars);
    return statusFailure(status, safe, call.operation);
  }

  private decode<A>(call: BackendCall<A>, text: string): Attempt<A> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      return invalidAnswer(call, 'the backend answer is not JSON');
    }
    const decoded = call.decode(parsed);
    if (E.isRight(decoded)) return decoded;
    return E.left({
      error: backendError(`the backend answer to ${call.operation} does not match the contract`, {
        operation: call.operation,
        mismatches: mismatches(decoded.left),
      }),
      retryable: false,
    });
  }

  private observe(operation: BackendOperation, result: E.Either<EcbError, unknown>, started: number): void {
    if (this.observer === undefined) return;
    const outcome = E.isLeft(result) ? result.left._tag : 'OK';
    try {
      this.observer.onCall(operation, outcome, (performance.now() - started) / 1000);
    } catch {
      // metrics must never change a call's outcome
    }
  }
}

/** An attempt's outcome as the call's: a failure's error (whether it could be retried no longer matters). */
const settled = <A>(result: Attempt<A>): E.Either<EcbError, A> => (E.isLeft(result) ? E.left(result.left.error) : result);

const parseJson = (text: string): E.Either<unknown, unknown> => E.tryCatch(() => JSON.parse(text) as unknown, (e) => e);

/** A listing's request body: the user, then the page asked for. */
const pagedBody = (caller: Caller, paging: Paging) => ({
  user: userReference(caller.user),
  pageStartIndex: paging.pageStartIndex,
  pageSize: paging.pageSize,
});

const invalidAnswer = <A>(call: BackendCall<A>, message: string): Attempt<A> =>
  E.left({ error: backendError(message, { operation: call.operation }), retryable: false });
