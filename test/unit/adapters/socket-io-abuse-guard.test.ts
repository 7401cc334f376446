import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { PromMetrics } from '../../../src/adapters/observability/prom-metrics.js';
import { SocketIoAbuseGuard } from '../../../src/adapters/socket/socket-io-abuse-guard.js';
import type { KeyedTokenBuckets } from '../../../src/adapters/token-buckets.js';
import { aConfig } from '../../support/config.js';

/**
 * The per-user rate buckets a connection holds while it is open: one bucket
 * for all of a user's connections, released when each disconnects, then
 * forgotten like any full bucket (the abuse tests in test/integration/abuse
 * drive the same gate through real sockets).
 */
describe('SocketIoAbuseGuard: per-user buckets held by connections', () => {
  let now = 0;
  const socket = (): Socket & EventEmitter => new EventEmitter() as unknown as Socket & EventEmitter;
  const text = { threadToken: 't', message: { type: 'text', data: { messageText: 'hi' } } };
  const aGuard = async (): Promise<SocketIoAbuseGuard> => {
    const base = await aConfig();
    const wide = { perSecond: 1_000, burst: 1_000 };
    const config = await aConfig({
      rateLimits: { ...base.rateLimits, messages: { perConnection: wide, perUser: { perSecond: 1, burst: 1 } } },
    });
    return new SocketIoAbuseGuard(config, new PromMetrics({ defaultMetrics: false }), () => now);
  };
  /** Users whose message buckets the guard remembers. */
  const remembered = (guard: SocketIoAbuseGuard): number =>
    (guard as unknown as { perUser: { messages: KeyedTokenBuckets } }).perUser.messages.size;

  beforeEach(() => {
    now = 0;
  });

  it("shares one bucket among a user's connections", async () => {
    const guard = await aGuard();
    const answers: unknown[] = [];
    const first = guard.eventGate(socket(), 'alice');
    const second = guard.eventGate(socket(), 'alice');
    expect(first('sendMessage', text, (a) => answers.push(a))).to.equal(true);
    expect(second('sendMessage', text, (a) => answers.push(a))).to.equal(false);
    expect(answers).to.have.length(1);
    expect(JSON.stringify(answers[0])).to.include('RATE_LIMITED');
  });

  it('keeps a held bucket past the sweep, and forgets it once every connection of its user has disconnected', async () => {
    const guard = await aGuard();
    const first = socket();
    const second = socket();
    guard.eventGate(first, 'alice');
    guard.eventGate(second, 'alice');
    now = 61_000;
    guard.eventGate(socket(), 'bob'); // a connection sweeps: alice's full bucket is held
    expect(remembered(guard)).to.equal(2);
    first.emit('disconnect');
    now = 122_000;
    guard.eventGate(socket(), 'carol');
    expect(remembered(guard)).to.equal(3); // alice's second connection still holds hers
    second.emit('disconnect');
    now = 183_000;
    guard.eventGate(socket(), 'dave');
    expect(remembered(guard)).to.equal(3); // bob, carol and dave: alice's is forgotten
  });
});
