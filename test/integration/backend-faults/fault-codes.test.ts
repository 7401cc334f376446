import { expect } from 'chai';
import type { Socket as ClientSocket } from 'socket.io-client';
import { request, startEcbWorld, type Ack, type EcbWorld } from '../../support/ecb-harness.js';

/**
 * Each backend fault of docs/reliability.md, seen by a real client through a
 * real ECB: the error code and retryability of ECB-SPEC §6 in the ack, and
 * the socket still usable afterwards.
 */
describe('backend faults: what a client is told', () => {
  let world: EcbWorld;
  let alice: ClientSocket;

  beforeEach(async () => {
    world = await startEcbWorld({ backendTimeoutMs: 1_000, backendBreakerThreshold: 1_000 });
    alice = await world.connect('alice');
  });
  afterEach(async () => world.close());

  const expectCode = (ack: Ack, code: string, retryable: boolean): void => {
    if (ack.ok) expect.fail(`expected ${code}, got success`);
    expect(ack.error.code).to.equal(code);
    expect(ack.error.retryable).to.equal(retryable);
  };

  const HTML_PAGE = '<!doctype html><html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
  const faults: Array<[string, (w: EcbWorld) => void, string, boolean]> = [
    ['a 500', (w) => w.stub.fail('getThreads', { status: 500 }), 'BACKEND_UNAVAILABLE', true],
    ['a 503 on the read and on its retry', (w) => w.stub.fail('getThreads', { status: 503, times: 2 }), 'BACKEND_UNAVAILABLE', true],
    [
      "a proxy's HTML error page (502)",
      (w) => w.stub.fail('getThreads', { status: 502, body: HTML_PAGE, contentType: 'text/html', times: 2 }),
      'BACKEND_UNAVAILABLE',
      true,
    ],
    ['a connection reset before any answer', (w) => w.stub.destroySocket('getThreads'), 'BACKEND_UNAVAILABLE', true],
    ['a backend slower than the timeout', (w) => w.stub.delay('getThreads', 5_000), 'BACKEND_UNAVAILABLE', true],
    ['malformed JSON with a 200', (w) => w.stub.respond('getThreads', '[{"threadId": "t1", '), 'BACKEND_ERROR', false],
    ['JSON of the wrong schema with a 200', (w) => w.stub.respond('getThreads', { threads: 'none' }), 'BACKEND_ERROR', false],
    [
      'an HTML page with a 200',
      (w) => w.stub.fail('getThreads', { status: 200, body: HTML_PAGE, contentType: 'text/html' }),
      'BACKEND_ERROR',
      false,
    ],
  ];

  for (const [fault, inject, code, retryable] of faults) {
    it(`${fault} -> ${code}${retryable ? ' (retryable)' : ''}, and the next call works`, async () => {
      inject(world);
      expectCode(await request(alice, 'getThreads', {}), code, retryable);
      const next = await request(alice, 'getThreads', {});
      expect(next.ok).to.equal(true);
    });
  }

  it('a backend that refuses connections -> BACKEND_UNAVAILABLE (retryable), the socket stays connected', async () => {
    await world.stub.close();
    expectCode(await request(alice, 'getThreads', {}), 'BACKEND_UNAVAILABLE', true);
    expectCode(await request(alice, 'getContacts', {}), 'BACKEND_UNAVAILABLE', true);
    expect(alice.connected).to.equal(true);
  });
});
