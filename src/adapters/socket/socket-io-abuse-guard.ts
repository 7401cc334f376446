import type { Socket } from 'socket.io';
import type { EcbConfig, ScopedRates } from '../../config.js';
import { rateLimited, type EcbError } from '../../domain/errors.js';
import type { PromMetrics } from '../observability/prom-metrics.js';
import { KeyedTokenBuckets, monotonic, retryHint, TokenBucket, type MonotonicMs } from '../token-buckets.js';
import { toWireError } from '../wire-error.js';

type EventKind = 'messages' | 'typing' | 'other';

/**
 * Asked first by the handler of each event ECB serves: true when the event
 * may proceed; false when it was refused (RATE_LIMITED through `ack`, if given).
 */
export type EventGate = (event: string, payload: unknown, ack: ((answer: unknown) => void) | undefined) => boolean;

const WHAT: Readonly<Record<EventKind, string>> = { messages: 'messages', typing: 'typing events', other: 'requests' };

/** A transport connection (engine.io socket), as far as the guard needs it. */
type Transport = Socket['conn'];

/**
 * ECB's defences against a flooding or probing client, on top of what
 * Socket.IO does itself (packet size, handshake timeout):
 * - a transport that keeps failing (or stacking up) handshakes is closed,
 *   so a client cannot make ECB verify tokens for free on one connection;
 * - a user holds at most `maxConnectionsPerUser` sockets on this node;
 * - events are rate limited per connection and per user, by kind (messages,
 *   typing, everything else), and answered RATE_LIMITED with a retry hint;
 * - event names ECB does not serve (numbers, `error`, `__proto__`...) reach
 *   no handler and go unanswered (`error` too: Socket.IO listens to it with a no-op).
 */
export class SocketIoAbuseGuard {
  private readonly unresolvedHandshakes = new WeakMap<Transport, number>();
  private readonly socketsOfUser = new Map<string, Set<string>>();
  private readonly perUser: Readonly<Record<EventKind, KeyedTokenBuckets>>;

  constructor(
    private readonly config: EcbConfig,
    private readonly metrics: PromMetrics,
    private readonly now?: MonotonicMs,
  ) {
    const rates = config.rateLimits;
    this.perUser = {
      messages: new KeyedTokenBuckets(rates.messages.perUser, now),
      typing: new KeyedTokenBuckets(rates.typing.perUser, now),
      other: new KeyedTokenBuckets(rates.other.perUser, now),
    };
  }

  /**
   * A handshake starts: false (and the transport is closed) when this
   * transport already has `maxHandshakeFailures` handshakes refused or
   * still pending.
   */
  beginHandshake(socket: Socket): boolean {
    const transport = socket.conn;
    const unresolved = this.unresolvedHandshakes.get(transport) ?? 0;
    if (unresolved >= this.config.maxHandshakeFailures) {
      transport.close();
      return false;
    }
    this.unresolvedHandshakes.set(transport, unresolved + 1);
    return true;
  }

  /** The handshake was refused: at the limit, the transport closes once the refusal is written. */
  handshakeFailed(socket: Socket): void {
    const transport = socket.conn;
    if ((this.unresolvedHandshakes.get(transport) ?? 0) < this.config.maxHandshakeFailures) return;
    // connect_error is written on the next tick; engine.io flushes its buffer before closing
    setImmediate(() => transport.close());
  }

  /**
   * The handshake authenticated `userId`: undefined when the socket may
   * connect (it then counts against the user until it closes), else the
   * RATE_LIMITED refusal.
   */
  admit(socket: Socket, userId: string): EcbError | undefined {
    const transport = socket.conn;
    const max = this.config.maxConnectionsPerUser;
    const sockets = this.socketsOfUser.get(userId) ?? new Set<string>();
    if (max > 0 && sockets.size >= max) {
      return rateLimited(`this user already has ${max} connections open on this node; close one, or retry in 1.0 s`);
    }
    this.unresolvedHandshakes.set(transport, Math.max(0, (this.unresolvedHandshakes.get(transport) ?? 1) - 1));
    if (transport.readyState !== 'open') return undefined; // never connects: nothing to count
    sockets.add(socket.id);
    this.socketsOfUser.set(userId, sockets);
    // released on disconnect, or when the transport closes before the socket ever connected
    const release = (): void => {
      socket.off('disconnect', release);
      transport.off('close', release);
      this.release(userId, socket.id);
    };
    socket.on('disconnect', release);
    transport.on('close', release);
    return undefined;
  }

  /** Sockets `userId` holds on this node. */
  connectionsOf(userId: string): number {
    return this.socketsOfUser.get(userId)?.size ?? 0;
  }

  /**
   * Rate limits for the events of a connected socket: the returned gate is
   * asked by each of ECB's event handlers first, and answers false (after
   * refusing the event RATE_LIMITED through its ack, when it has one) when
   * the connection or the user is over its rate for the event's kind.
   *
   * No Socket.IO middleware (`socket.use`) does this: its runner costs a
   * copy of the middleware list and two closures per event, on the hot path
   * of every message (docs/benchmarks.md, finding 13). An event ECB does not
   * serve reaches no handler, so Socket.IO drops it unanswered; `error`,
   * which Node's EventEmitter would throw for when nobody listens, has
   * Socket.IO's own no-op listener on every socket.
   */
  eventGate(socket: Socket, userId: string): EventGate {
    const rates = this.config.rateLimits;
    const perConnection: Readonly<Record<EventKind, TokenBucket>> = {
      messages: this.bucket(rates.messages),
      typing: this.bucket(rates.typing),
      other: this.bucket(rates.other),
    };
    // the user's buckets, held while the socket is open: taken from directly, not looked up per event
    const perUser: Readonly<Record<EventKind, TokenBucket>> = {
      messages: this.perUser.messages.hold(userId),
      typing: this.perUser.typing.hold(userId),
      other: this.perUser.other.hold(userId),
    };
    socket.once('disconnect', () => {
      this.perUser.messages.release(userId);
      this.perUser.typing.release(userId);
      this.perUser.other.release(userId);
    });
    return (name, payload, ack) => {
      const kind = kindOf(name, payload);
      const wait = this.take(perConnection[kind], perUser[kind]);
      if (wait === 0) return true;
      this.refuse(name, ack, rateLimited(`too many ${WHAT[kind]}; ${retryHint(wait)}`));
      return false;
    };
  }

  private bucket(rates: ScopedRates): TokenBucket {
    return new TokenBucket(rates.perConnection, this.now);
  }

  /** One token from the connection's bucket and one from the user's: 0, or ms to wait. The clock is read once. */
  private take(connection: TokenBucket, user: TokenBucket): number {
    const now = (this.now ?? monotonic)();
    const connectionWait = connection.take(now);
    if (connectionWait > 0) return connectionWait;
    const userWait = user.take(now);
    if (userWait > 0) connection.refund();
    return userWait;
  }

  private refuse(event: string, ack: ((answer: unknown) => void) | undefined, error: EcbError): void {
    this.metrics.operation(event, 'socket', error._tag);
    ack?.({ ok: false, error: toWireError(error) });
  }

  private release(userId: string, socketId: string): void {
    const sockets = this.socketsOfUser.get(userId);
    if (sockets === undefined) return;
    sockets.delete(socketId);
    if (sockets.size === 0) this.socketsOfUser.delete(userId);
  }
}

/** sendMessage of type typing is its own kind: cheap, but sent on every keystroke. */
const kindOf = (event: string, payload: unknown): EventKind => {
  if (event !== 'sendMessage') return 'other';
  const message = isRecord(payload) && Object.hasOwn(payload, 'message') ? payload['message'] : undefined;
  return isRecord(message) && Object.hasOwn(message, 'type') && message['type'] === 'typing' ? 'typing' : 'messages';
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
