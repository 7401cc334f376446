import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as sinon from 'sinon';
import { BackendCircuit, type BackendCircuitSettings } from '../../../src/adapters/backend/backend-circuit.js';
import { backendError, backendUnavailable, type EcbError } from '../../../src/domain/errors.js';
import { CockatielCircuit } from '../../support/cockatiel-circuit.js';

type Outcome = 'ok' | 'unavailable' | 'other';

const result = (outcome: Outcome): E.Either<EcbError, string> =>
  outcome === 'ok'
    ? E.right('stored')
    : E.left(outcome === 'unavailable' ? backendUnavailable('HTTP 503') : backendError('malformed'));

/** What a caller can see of a result: the value, or the code and the circuit's reason. */
const seen = (r: E.Either<EcbError, string>): string =>
  E.isRight(r) ? r.right : `${r.left._tag}/${String((r.left.cause as { circuit?: string } | undefined)?.circuit ?? r.left.message)}`;

interface Deferred {
  readonly promise: Promise<E.Either<EcbError, string>>;
  resolve(outcome: Outcome): void;
}

const deferred = (): Deferred => {
  let settle!: (r: E.Either<EcbError, string>) => void;
  const promise = new Promise<E.Either<EcbError, string>>((resolve) => (settle = resolve));
  return { promise, resolve: (outcome) => settle(result(outcome)) };
};

/** Lets every promise chain started so far run to its end (only Date is faked). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The written-out BackendCircuit against the cockatiel policy it replaced
 * (test/support/cockatiel-circuit.ts), on the same calls, outcomes and clock:
 * every caller must see the same result, and the circuit the same position.
 */
describe('BackendCircuit, the same policy as cockatiel', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  const both = (settings: BackendCircuitSettings) => ({
    ours: new BackendCircuit(settings, () => Date.now()),
    reference: new CockatielCircuit(settings),
  });

  it('one call at a time: any run of outcomes and pauses gives the same results and positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({
            pauseMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 250 })),
            outcome: fc.constantFrom<Outcome>('ok', 'unavailable', 'unavailable', 'other'),
          }),
          { maxLength: 40 },
        ),
        async (threshold, steps) => {
          const settings = { backendBreakerThreshold: threshold, backendBreakerCooldownMs: 100, backendMaxConcurrency: 4, backendMaxQueued: 4 };
          const { ours, reference } = both(settings);
          for (const step of steps) {
            clock.tick(step.pauseMs);
            const [a, b] = await Promise.all([
              ours.run(() => Promise.resolve(result(step.outcome))),
              reference.run(() => Promise.resolve(result(step.outcome))),
            ]);
            expect(seen(a)).to.equal(seen(b));
            expect(ours.position).to.equal(reference.position);
          }
        },
      ),
      { numRuns: Number(process.env['CIRCUIT_RUNS'] ?? 300) },
    );
  });

  it('concurrent calls: the in-flight cap, the queue, the trial and its waiters behave the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // start some calls, then settle some of those in flight (in an arbitrary order), then let time pass
            start: fc.integer({ min: 0, max: 4 }),
            // ours: the calls of this round made through tryEnter/leave where it admits them (as the gateway's writes)
            fast: fc.boolean(),
            settle: fc.array(fc.record({ pick: fc.nat(), outcome: fc.constantFrom<Outcome>('ok', 'unavailable', 'other') }), { maxLength: 4 }),
            pauseMs: fc.constantFrom(0, 0, 50, 150),
          }),
          { maxLength: 12 },
        ),
        async (rounds) => {
          const settings = { backendBreakerThreshold: 2, backendBreakerCooldownMs: 100, backendMaxConcurrency: 2, backendMaxQueued: 2 };
          const circuits = both(settings);
          // each circuit's calls that reached the backend, by caller (the order they reach it in is not compared)
          const reached = { ours: new Map<number, Deferred>(), reference: new Map<number, Deferred>() };
          const answers = { ours: new Map<number, string>(), reference: new Map<number, string>() };
          const start = (side: 'ours' | 'reference', caller: number, fast: boolean): void => {
            if (side === 'ours' && fast && circuits.ours.tryEnter()) {
              const call = deferred();
              reached.ours.set(caller, call);
              void call.promise.then((r) => {
                circuits.ours.leave(r);
                answers.ours.set(caller, seen(r));
              });
              return;
            }
            void circuits[side]
              .run(() => {
                const call = deferred();
                reached[side].set(caller, call);
                return call.promise;
              })
              .then((r) => answers[side].set(caller, seen(r)));
          };
          const settled = new Set<number>();
          const unsettled = (): number[] => [...reached.ours.keys()].filter((c) => !settled.has(c)).sort((x, y) => x - y);
          const settle = (caller: number, outcome: Outcome): void => {
            settled.add(caller);
            reached.ours.get(caller)!.resolve(outcome);
            reached.reference.get(caller)!.resolve(outcome);
          };
          const same = (): void => {
            expect([...reached.ours.keys()].sort()).to.deep.equal([...reached.reference.keys()].sort());
            expect(new Map([...answers.ours].sort())).to.deep.equal(new Map([...answers.reference].sort()));
            expect(circuits.ours.position).to.equal(circuits.reference.position);
          };
          let started = 0;
          for (const round of rounds) {
            for (let i = 0; i < round.start; i++, started++) {
              start('ours', started, round.fast);
              start('reference', started, round.fast);
            }
            await flush();
            same();
            for (const { pick, outcome } of round.settle) {
              const open = unsettled();
              if (open.length === 0) break;
              settle(open[pick % open.length]!, outcome);
              await flush();
              same();
            }
            clock.tick(round.pauseMs);
          }
          // settle whatever is left as successes, until every caller has its answer
          for (let i = 0; i < 20 && answers.ours.size < started; i++) {
            for (const caller of unsettled()) settle(caller, 'ok');
            await flush();
            same();
          }
          expect(answers.ours.size).to.equal(started);
          expect(circuits.ours.position).to.equal(circuits.reference.position);
        },
      ),
      {
        numRuns: Number(process.env['CIRCUIT_RUNS'] ?? 300),
        // always tried: a failure of a call started before the circuit opened arrives while the trial is in flight
        examples: [
          [
            [
              { start: 3, fast: false, settle: [{ pick: 0, outcome: 'unavailable' }, { pick: 0, outcome: 'unavailable' }], pauseMs: 150 },
              { start: 1, fast: false, settle: [{ pick: 0, outcome: 'unavailable' }], pauseMs: 0 },
            ],
          ],
          [
            [
              { start: 2, fast: true, settle: [], pauseMs: 0 },
              { start: 1, fast: false, settle: [{ pick: 0, outcome: 'unavailable' }, { pick: 0, outcome: 'unavailable' }], pauseMs: 150 },
              { start: 1, fast: true, settle: [{ pick: 0, outcome: 'unavailable' }], pauseMs: 0 },
            ],
          ],
        ],
      },
    );
  });

  it('tryEnter admits only on a closed circuit with a place free; leave counts the result and frees the place', async () => {
    const circuit = new BackendCircuit({ backendBreakerThreshold: 2, backendBreakerCooldownMs: 100, backendMaxConcurrency: 1, backendMaxQueued: 1 });
    expect(circuit.tryEnter()).to.equal(true);
    expect(circuit.tryEnter()).to.equal(false); // full
    let ran = false;
    const queued = circuit.run(() => {
      ran = true;
      return Promise.resolve(result('unavailable'));
    });
    circuit.leave(result('unavailable')); // the place goes to the queued call
    expect(seen(await queued)).to.equal('BACKEND_UNAVAILABLE/HTTP 503');
    expect(ran).to.equal(true);
    expect(circuit.position).to.equal('open'); // two consecutive failures, one through each path
    expect(circuit.tryEnter()).to.equal(false); // open: the caller must go through run, which fails fast
    clock.tick(100);
    expect(circuit.tryEnter()).to.equal(false); // the trial is run's
    expect(seen(await circuit.run(() => Promise.resolve(result('ok'))))).to.equal('stored');
    expect(circuit.tryEnter()).to.equal(true);
    circuit.leave(undefined); // a call that threw: frees the place, counts neither way
    expect(circuit.tryEnter()).to.equal(true);
    circuit.leave(result('ok'));
  });

  it('refuses a call that waited in the queue past its deadline, without running it', async () => {
    const circuit = new BackendCircuit({ backendBreakerThreshold: 1, backendBreakerCooldownMs: 100, backendMaxConcurrency: 1, backendMaxQueued: 1 });
    const first = deferred();
    const running = circuit.run(() => first.promise);
    const deadline = new AbortController();
    let ran = false;
    const queued = circuit.run(() => {
      ran = true;
      return Promise.resolve(result('ok'));
    }, deadline.signal);
    deadline.abort();
    first.resolve('ok');
    expect(seen(await running)).to.equal('stored');
    expect(seen(await queued)).to.equal('BACKEND_UNAVAILABLE/queued');
    expect(ran).to.equal(false);
    expect(circuit.position).to.equal('closed');
  });

  it('refuses thousands of queued calls past their deadline one after another, without deepening the stack', async () => {
    const queued = 20_000;
    const circuit = new BackendCircuit({ backendBreakerThreshold: 5, backendBreakerCooldownMs: 100, backendMaxConcurrency: 1, backendMaxQueued: queued });
    const first = deferred();
    const running = circuit.run(() => first.promise);
    const deadline = new AbortController();
    const waiting = Array.from({ length: queued }, () => circuit.run(() => Promise.resolve(result('ok')), deadline.signal));
    deadline.abort();
    first.resolve('ok');
    expect(seen(await running)).to.equal('stored');
    const answers = new Set((await Promise.all(waiting)).map(seen));
    expect([...answers]).to.deep.equal(['BACKEND_UNAVAILABLE/queued']);
    expect(seen(await circuit.run(() => Promise.resolve(result('ok'))))).to.equal('stored'); // every place given back
  });

  it('answers a call that throws or rejects instead of returning a result as BACKEND_UNAVAILABLE, and frees its place', async () => {
    const circuit = new BackendCircuit({ backendBreakerThreshold: 5, backendBreakerCooldownMs: 100, backendMaxConcurrency: 1, backendMaxQueued: 0 });
    const thrown = await circuit.run((): Promise<E.Either<EcbError, string>> => {
      throw new TypeError('bug');
    });
    expect(seen(thrown)).to.equal('BACKEND_UNAVAILABLE/TypeError');
    const rejected = await circuit.run((): Promise<E.Either<EcbError, string>> => Promise.reject(new RangeError('bug')));
    expect(seen(rejected)).to.equal('BACKEND_UNAVAILABLE/RangeError');
    expect(seen(await circuit.run(() => Promise.resolve(result('ok'))))).to.equal('stored');
  });
});
