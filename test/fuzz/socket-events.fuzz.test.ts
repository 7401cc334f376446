import { expect } from 'chai';
import fc from 'fast-check';
import type { Socket as ClientSocket } from 'socket.io-client';
import { PEER_THREAD_ID } from '../../reference-backend/seed.js';
import { DEFAULT_ABUSE_LIMITS } from '../../src/config.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { request, requestOk, startEcbWorld, type EcbWorld } from '../support/ecb-harness.js';
import { RawSocketIo } from '../integration/abuse/raw-socket-io.js';

/**
 * Property: whatever payload a client sends with any event, the ack is
 * `{ ok: true, data }` or `{ ok: false, error: { code, message, retryable } }`
 * with a spec error code (never INTERNAL), nothing throws or rejects
 * unhandled (the test setup rethrows those), and ECB keeps serving.
 * Runs against a real ECB in front of the reference backend; the rate
 * limits are off so that every run reaches the handlers.
 */
const RUNS = 200;
const EVENTS = ['getContacts', 'getThreads', 'createThread', 'getThread', 'leaveThread', 'sendMessage'] as const;
const OFF = { perSecond: 0, burst: 1 };
const NO_LIMITS = {
  ...DEFAULT_ABUSE_LIMITS.rateLimits,
  messages: { perConnection: OFF, perUser: OFF },
  typing: { perConnection: OFF, perUser: OFF },
  other: { perConnection: OFF, perUser: OFF },
};

const expectWellFormedAck = (ack: unknown): void => {
  expect(ack).to.be.an('object');
  const answer = ack as { ok: unknown; data?: unknown; error?: { code: unknown; message: unknown; retryable: unknown } };
  if (answer.ok === true) {
    expect(answer).to.have.property('data');
    return;
  }
  expect(answer.ok).to.equal(false);
  expect(ERROR_CODES).to.include(answer.error?.code);
  expect(answer.error?.code, String(answer.error?.message)).to.not.equal('INTERNAL');
  expect(answer.error?.message).to.be.a('string');
  expect(answer.error?.retryable).to.be.a('boolean');
};

/** Nested arrays and objects `depth` levels deep. */
const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
};

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then');

/** Any JSON-ish value a client could send, from plain to nasty. */
const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(fc.oneof(fc.string(), hostileKey), fc.anything({ maxDepth: 2 }), { maxKeys: 8 }),
    fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
    fc.nat({ max: 2_000 }).map((depth) => nested(depth, 'deep')),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, -1, 0.5, 1e21),
  );

describe('fuzz: every socket event with arbitrary payloads', function () {
  this.timeout(60_000);
  let world: EcbWorld;
  let alice: ClientSocket;
  let threadToken: string;

  before(async () => {
    world = await startEcbWorld({ rateLimits: NO_LIMITS });
    alice = await world.connect('alice');
    threadToken = await world.threadToken(PEER_THREAD_ID);
  });
  after(async () => {
    await world.close();
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  /** Payloads shaped like the real ones, with every field possibly wrong. */
  const shaped = (event: (typeof EVENTS)[number]): fc.Arbitrary<unknown> => {
    const token = fc.oneof(fc.constant(threadToken), fc.string(), anyValue());
    const message = fc.oneof(
      fc.record({ type: fc.constantFrom('text', 'typing', 'custom'), data: anyValue() }),
      fc.record({ type: fc.oneof(fc.string(), anyValue()), data: anyValue() }, { requiredKeys: [] }),
      anyValue(),
    );
    const number = fc.oneof(fc.integer(), fc.double(), anyValue());
    switch (event) {
      case 'getContacts':
      case 'getThreads':
        return fc.record({ pageStartIndex: number, pageSize: number }, { requiredKeys: [] });
      case 'createThread':
        return fc.record(
          { memberIds: fc.oneof(fc.array(fc.constantFrom('bob', 'carol', 'alice', '', 'nobody')), anyValue()), message, clientMessageId: anyValue() },
          { requiredKeys: [] },
        );
      case 'getThread':
        return fc.record({ threadToken: token, since: number }, { requiredKeys: [] });
      case 'leaveThread':
        return fc.record({ threadToken: token }, { requiredKeys: [] });
      case 'sendMessage':
        return fc.record({ threadToken: token, message, clientMessageId: fc.oneof(fc.uuid(), anyValue()) }, { requiredKeys: [] });
    }
  };

  for (const event of EVENTS) {
    it(`${event}: every ack is well formed and ECB keeps serving`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyValue(), shaped(event)), async (payload) => {
          expectWellFormedAck(await request(alice, event, payload));
        }),
        { numRuns: RUNS },
      );
      expect(alice.connected).to.equal(true);
      await requestOk(alice, 'getContacts', {});
    });
  }

  it('numbers JSON.stringify cannot write (1e999, -0, huge integers), sent as raw frames', async () => {
    const raw = await RawSocketIo.connected(world.ecb.url, { userToken: await world.userToken('alice') });
    try {
      const weird = fc.constantFrom('1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '0.1e1', '1E2');
      const token = JSON.stringify(threadToken);
      const templates = fc.constantFrom(
        (w: string) => ['getContacts', `{"pageStartIndex":${w},"pageSize":${w}}`],
        (w: string) => ['getThreads', `{"pageSize":${w}}`],
        (w: string) => ['getThread', `{"threadToken":${token},"since":${w}}`],
        (w: string) => ['sendMessage', `{"threadToken":${token},"message":{"type":"custom","data":${w}},"clientMessageId":${w}}`],
        (w: string) => ['createThread', `{"memberIds":["bob"],"message":{"type":"text","data":{"messageText":${w}}}}`],
      );
      let id = 0;
      await fc.assert(
        fc.asyncProperty(templates, weird, async (template, number) => {
          const [event, payload] = template(number);
          id += 1;
          const from = raw.frames.length;
          raw.send(`42${id}["${event}",${payload}]`);
          const frame = await raw.next((f) => f.startsWith(`43${id}[`), 3_000, from);
          expectWellFormedAck((JSON.parse(frame.slice(`43${id}`.length)) as unknown[])[0]);
        }),
        { numRuns: RUNS },
      );
    } finally {
      raw.close();
    }
    await requestOk(alice, 'getContacts', {});
  });
});
