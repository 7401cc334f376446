import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts/lib/index.js';
import { inject, injectable } from 'inversify';
import type { Socket } from 'socket.io';
import type { Actor } from '../../application/actor.js';
import type { AuthenticateUser } from '../../application/authenticate-user.js';
import type { CreateThread } from '../../application/create-thread.js';
import type { ExchangeAccessToken } from '../../application/exchange-access-token.js';
import type { LeaveThread } from '../../application/leave-thread.js';
import type { ListContacts } from '../../application/list-contacts.js';
import type { ListThreads } from '../../application/list-threads.js';
import type { OpenThread } from '../../application/open-thread.js';
import type { Clock } from '../../application/ports/clock.js';
import {
  CreateThreadRequestCodec,
  decodeRequest,
  GetThreadRequestCodec,
  LeaveThreadRequestCodec,
  PagingRequestCodec,
  SendMessageRequestCodec,
} from '../../application/requests.js';
import type { SendMessage } from '../../application/send-message.js';
import type { EcbConfig } from '../../config.js';
import { badRequest, internal, tokenExpired, unauthorized, type EcbError } from '../../domain/errors.js';
import type { User, UserIdentity } from '../../domain/user.js';
import { TOKENS } from '../../tokens.js';
import type { InFlightOperations } from '../in-flight-operations.js';
import { compiledRequest } from '../compiled-checks.js';
import { describeCause } from '../observability/describe-cause.js';
import type { Logger } from '../observability/pino-logger.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { newRequestId } from '../request-id.js';
import { isServerSideFailure, toWireError } from '../wire-error.js';
import { userRoom } from './rooms.js';
import { SocketIoAbuseGuard, type EventGate } from './socket-io-abuse-guard.js';
import { SocketIoHub } from './socket-io-hub.js';

/** What ECB keeps per connection: the handshake's proof, verified once. */
interface ConnectionState {
  readonly identity: UserIdentity;
  readonly credential: string;
  readonly session?: { readonly userToken: string; readonly user: User } | undefined;
}

type Ack = (answer: unknown) => void;

type Decoder<A> = (payload: unknown) => E.Either<EcbError, A>;

/** One event ECB serves: its payload decoded, then one use-case run as the request's actor. */
type Handler = (actor: Actor, payload: unknown) => Promise<E.Either<EcbError, unknown>>;

/** An event ECB serves: its name, its handler, and the counter of its successes (kept at hand: PromMetrics.operationCounter). */
type Operation = readonly [event: string, handle: Handler, succeeded: () => void];

const HandshakeAuthCodec = t.partial({ userToken: t.string, accessToken: t.string });

/**
 * The Socket.IO face of ECB (ECB-SPEC §3): authenticates the handshake,
 * joins each socket to its user's room, and turns each event into a
 * use-case call whose result or error is the acknowledgement.
 */
@injectable()
export class SocketIoClientEvents {
  /** Rate limits, connection caps and event-name filtering (docs/security.md#rate-limits-and-connection-caps). */
  private readonly guard: SocketIoAbuseGuard;
  /** The events ECB serves, built once for every connection: nothing per event but the request itself. */
  private readonly operations: readonly Operation[];
  /** Their names, to answer an event ECB does not serve. */
  private readonly served: ReadonlySet<string>;
  /** The refusal of an event ECB does not serve, sent with an ack. */
  private readonly unknownEvent: EcbError;

  constructor(
    @inject(TOKENS.SocketServer) private readonly hub: SocketIoHub,
    @inject(TOKENS.Config) private readonly config: EcbConfig,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: PromMetrics,
    @inject(TOKENS.InFlight) private readonly inFlight: InFlightOperations,
    @inject(TOKENS.AuthenticateUser) private readonly authenticateUser: AuthenticateUser,
    @inject(TOKENS.ExchangeAccessToken) private readonly exchangeAccessToken: ExchangeAccessToken,
    @inject(TOKENS.ListContacts) private readonly listContacts: ListContacts,
    @inject(TOKENS.ListThreads) private readonly listThreads: ListThreads,
    @inject(TOKENS.CreateThread) private readonly createThread: CreateThread,
    @inject(TOKENS.OpenThread) private readonly openThread: OpenThread,
    @inject(TOKENS.LeaveThread) private readonly leaveThread: LeaveThread,
    @inject(TOKENS.SendMessage) private readonly sendMessage: SendMessage,
  ) {
    this.guard = new SocketIoAbuseGuard(config, metrics);
    const operations: Operation[] = [];
    // decoded input feeds the use-case; a decoding failure answers at once
    const serve = <A>(event: string, decode: Decoder<A>, run: (actor: Actor, request: A) => TaskEither<EcbError, unknown>): void => {
      operations.push([
        event,
        (actor, payload) => {
          const input = decode(payload);
          return E.isLeft(input) ? Promise.resolve(input) : run(actor, input.right)();
        },
        metrics.operationCounter(event, 'socket', 'OK'),
      ]);
    };
    const decodePaging = decodeRequest(PagingRequestCodec);
    serve('getContacts', (payload) => decodePaging(payload ?? {}), (actor, r) => this.listContacts.execute(actor, r));
    serve('getThreads', (payload) => decodePaging(payload ?? {}), (actor, r) => this.listThreads.execute(actor, r));
    // the others with their compiled checks first (paging has no required property: compiled-checks.ts)
    serve('createThread', compiledRequest(CreateThreadRequestCodec), (actor, r) => this.createThread.execute(actor, r));
    serve('getThread', compiledRequest(GetThreadRequestCodec), (actor, r) => this.openThread.execute(actor, r));
    serve('leaveThread', compiledRequest(LeaveThreadRequestCodec), (actor, r) => this.leaveThread.execute(actor, r));
    serve('sendMessage', compiledRequest(SendMessageRequestCodec), (actor, r) => this.sendMessage.execute(actor, r));
    this.operations = operations;
    this.served = new Set(operations.map(([event]) => event));
    this.unknownEvent = badRequest(`unknown event; ECB serves ${[...this.served].join(', ')}`);
  }

  install(): void {
    const io = this.hub.io;
    io.use((socket, next) => {
      if (!this.guard.beginHandshake(socket)) return;
      const refuse = (error: EcbError): void => {
        this.guard.handshakeFailed(socket);
        next(handshakeError(error));
      };
      this.authenticate(socket).then(
        (result) => {
          if (E.isLeft(result)) return refuse(result.left);
          const overCap = this.guard.admit(socket, result.right.identity.user.userId);
          if (overCap !== undefined) return refuse(overCap);
          socket.data = result.right;
          next();
        },
        (cause: unknown) => refuse(internal('authentication failed', cause)),
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));
  }

  private async authenticate(socket: Socket): Promise<E.Either<EcbError, ConnectionState>> {
    const auth = HandshakeAuthCodec.decode(socket.handshake.auth);
    if (E.isLeft(auth)) return E.left(unauthorized('auth must carry a userToken or an accessToken string'));
    const { userToken, accessToken } = auth.right;
    if (userToken !== undefined) {
      const identity = await this.authenticateUser.execute(userToken)();
      return E.map((verified: UserIdentity) => ({ identity: verified, credential: userToken }))(identity);
    }
    if (accessToken !== undefined) {
      const session = await this.exchangeAccessToken.execute(accessToken, newRequestId())();
      return E.map((s: { userToken: string; user: User; expiresAt: number }) => ({
        identity: { user: s.user, expiresAt: s.expiresAt },
        credential: s.userToken,
        session: { userToken: s.userToken, user: s.user },
      }))(session);
    }
    return E.left(unauthorized('auth must carry a userToken or an accessToken'));
  }

  private onConnection(socket: Socket): void {
    const state = socket.data as ConnectionState;
    this.metrics.connectionOpened();
    void socket.join(userRoom(state.identity.user.userId));
    const expiry = this.scheduleExpiry(socket, state.identity.expiresAt);
    socket.once('disconnect', () => {
      if (expiry !== undefined) clearTimeout(expiry);
      this.metrics.connectionClosed();
    });
    if (state.session !== undefined) socket.emit('session', state.session);
    const gate = this.guard.eventGate(socket, state.identity.user.userId);
    const refuseFrom = requestsRefusedFrom(state.identity.expiresAt, this.clock.nowSeconds(), this.config.clockToleranceSeconds);
    for (const operation of this.operations) this.on(socket, state, gate, refuseFrom, operation);
    socket.onAny((event: unknown, ...args: unknown[]) => this.onUnknown(socket, gate, event, args));
  }

  /**
   * An event ECB does not serve, sent with an ack, is answered BAD_REQUEST
   * rather than left to the client's timeout (rate limited as "other" events
   * are; its name is neither echoed nor used as a metric label). Without an
   * ack it is ignored, as Socket.IO ignores an event nobody listens to.
   */
  private onUnknown(socket: Socket, gate: EventGate, event: unknown, args: unknown[]): void {
    if (typeof event === 'string' && this.served.has(event)) return;
    const last = args[args.length - 1];
    if (typeof last !== 'function') return;
    const ack = last as Ack;
    if (gate(UNKNOWN_EVENT, undefined, ack)) this.refuse(socket, UNKNOWN_EVENT, ack, this.unknownEvent);
  }

  /**
   * One event: the ack is the last argument (when it is a function), the
   * payload the first. The gate (rate limits) sees every event first; an
   * event without an ack cannot be answered and is then ignored. Requests
   * from `refuseFrom` on (the user token's expiry) are refused and the
   * socket is disconnected (ECB-SPEC §2).
   */
  private on(socket: Socket, state: ConnectionState, gate: EventGate, refuseFrom: number, [event, handle, succeeded]: Operation): void {
    const { user } = state.identity;
    const { credential } = state;
    const subscriber = socket.id;
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as Ack) : undefined;
      const payload = args.length > (ack === undefined ? 0 : 1) ? args[0] : undefined;
      if (!gate(event, payload, ack) || ack === undefined) return;
      if (this.clock.nowSeconds() >= refuseFrom) {
        this.refuse(socket, event, ack, tokenExpired('the user token has expired; reconnect with a fresh one'));
        socket.disconnect(true);
        return;
      }
      // a literal per request: cheaper than spreading a per-connection template
      const requestActor: Actor = { caller: { user, credential, requestId: newRequestId() }, subscriber };
      // counted without a wrapping async frame: one less object per request alive while the backend answers
      this.inFlight.begin();
      let handled: Promise<E.Either<EcbError, unknown>>;
      try {
        handled = handle(requestActor, payload);
      } catch (cause) {
        handled = Promise.reject(cause);
      }
      void handled.then(
        (result) => {
          this.inFlight.end();
          if (E.isRight(result)) {
            succeeded();
            ack({ ok: true, data: result.right });
          } else {
            this.refuse(socket, event, ack, result.left);
          }
        },
        (cause: unknown) => {
          this.inFlight.end();
          this.refuse(socket, event, ack, internal('the operation failed', cause));
        },
      );
    });
  }

  /** An event answered with an error (a success is acked and counted in its handler). */
  private refuse(socket: Socket, event: string, ack: Ack, error: EcbError): void {
    this.metrics.operation(event, 'socket', error._tag);
    if (isServerSideFailure(error)) {
      this.logger.warn({ event, socketId: socket.id, code: error._tag, cause: describeCause(error.cause) }, error.message);
    }
    ack({ ok: false, error: toWireError(error) });
  }

  /** Disconnects an idle socket once its token is past expiry and tolerance. */
  private scheduleExpiry(socket: Socket, expiresAt: number): NodeJS.Timeout | undefined {
    const ms = (expiresAt + this.config.clockToleranceSeconds - this.clock.nowSeconds()) * 1000;
    if (ms > 2 ** 31 - 1) return undefined;
    const timer = setTimeout(() => socket.disconnect(true), Math.max(0, ms));
    timer.unref();
    return timer;
  }
}

/** How an event ECB does not serve is named in metrics and to the rate gate. */
const UNKNOWN_EVENT = 'unknown';

/**
 * When a connection's requests start being refused as TOKEN_EXPIRED: at the
 * user token's `exp` (ECB-SPEC §2: "requests after `exp`"), unless the
 * handshake accepted a token already past `exp` by this clock, within the
 * clock tolerance: that one is served until `exp` + tolerance, as the
 * handshake's verification judged it (refusing its first request would only
 * make the client reconnect with the same token, in a loop).
 */
const requestsRefusedFrom = (expiresAt: number, connectedAt: number, toleranceSeconds: number): number =>
  connectedAt >= expiresAt ? expiresAt + toleranceSeconds : expiresAt;

/** connect_error: `message` is the code, `data` is `{ code, message }` (ECB-SPEC §3). */
const handshakeError = (error: EcbError): Error & { data: unknown } => {
  const wire = toWireError(error);
  return Object.assign(new Error(wire.code), { data: { code: wire.code, message: wire.message } });
};
