import type { Logger } from './adapters/observability/pino-logger.js';

/**
 * The Node runtime setting ECB is tuned for: V8's young generation with
 * semi-spaces of 32 MiB instead of Node's 16 (docs/benchmarks.md, finding 8).
 * Under load every request in flight keeps a few kilobytes alive until the
 * backend answers; with the default size the scavenger copies (and promotes)
 * much of it, with 32 MiB it mostly dies young.
 */
export const RECOMMENDED_SEMI_SPACE_MIB = 32;

/**
 * The Node flags ECB runs with (ADR 0009, ADR 0010): the young-generation
 * size above, and V8's allocation-site pretenuring off. Pretenuring moves an
 * object literal's allocations straight to the old generation once enough
 * of them survived a scavenge; under a burst it picks per-request literals,
 * which then die in the old generation while keeping everything they point
 * to alive through every scavenge (docs/benchmarks.md, finding 12).
 * `./bin/ecb.js` and `npx ecb` start Node with them (the executable's
 * `#!/usr/bin/env -S node ...` line). Neither can be set once Node runs, and
 * Node refuses the second in NODE_OPTIONS, so `node bin/ecb.js` needs them
 * on its command line.
 */
const SEMI_SPACE_FLAG = `--max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MIB}`;
const PRETENURING_FLAG = '--no-allocation-site-pretenuring';
export const ECB_NODE_FLAGS: readonly string[] = [SEMI_SPACE_FLAG, PRETENURING_FLAG];

/**
 * The Node flags of an executable's `#!/usr/bin/env -S node <flags>` line
 * (bin/ecb.js): what `./bin/ecb.js` and `npx ecb` start Node with. None for
 * any other first line.
 */
export const shebangNodeFlags = (script: string): string[] => {
  const match = /^#!\/usr\/bin\/env -S node(.*)$/.exec(script.split('\n')[0] ?? '');
  return match === null ? [] : match[1]!.trim().split(/\s+/).filter(Boolean);
};

// V8 takes dashes or underscores in a flag's name; Node takes its value only after `=`
const SEMI_SPACE = /^--max[-_]semi[-_]space[-_]size=(\d+)$/;
// a boolean V8 flag is turned off by `--no-<name>` or `--no<name>`, on by `--<name>`
const PRETENURING = /^--(no[-_]?)?allocation[-_]site[-_]pretenuring$/;

/**
 * The semi-space size (MiB) this process was started with, from its Node
 * flags (`process.execArgv`) and `NODE_OPTIONS`; undefined when neither sets
 * it (Node's default). Where both do, Node applies `NODE_OPTIONS` first and
 * the command line last, so the command line wins.
 */
export const configuredSemiSpaceMiB = (execArgv: readonly string[], nodeOptions: string | undefined): number | undefined => {
  let size: number | undefined;
  for (const arg of [...(nodeOptions ?? '').split(/\s+/), ...execArgv]) {
    const mib = Number(SEMI_SPACE.exec(arg)?.[1]);
    if (mib > 0) size = mib;
  }
  return size;
};

/** Whether V8's allocation-site pretenuring is on for this process (its default), from its Node flags; the last one wins. */
export const pretenuringOn = (execArgv: readonly string[]): boolean => {
  let on = true;
  for (const arg of execArgv) {
    const match = PRETENURING.exec(arg);
    if (match !== null) on = match[1] === undefined;
  }
  return on;
};

/** What this process runs with, of the two settings ECB_NODE_FLAGS sets. */
export interface NodeRuntime {
  readonly semiSpaceMiB: number | undefined;
  readonly pretenuring: boolean;
}

/** The runtime of a process started with `execArgv` and `NODE_OPTIONS`. */
export const nodeRuntimeOf = (execArgv: readonly string[], nodeOptions: string | undefined): NodeRuntime => ({
  semiSpaceMiB: configuredSemiSpaceMiB(execArgv, nodeOptions),
  pretenuring: pretenuringOn(execArgv),
});

/**
 * Started without the flags that `./bin/ecb.js` passes (say, as
 * `node bin/ecb.js start`): one line saying which are missing, what that
 * costs, and how to pass them. A semi-space size of the operator's own
 * choosing counts as passed.
 */
export const adviseOnNodeFlags = (logger: Logger, runtime: NodeRuntime): void => {
  const missing: Array<{ readonly flag: string; readonly cost: string }> = [
    ...(runtime.semiSpaceMiB === undefined ? [{ flag: SEMI_SPACE_FLAG, cost: 'ECB spends 10-20 % more CPU per message under load' }] : []),
    ...(runtime.pretenuring ? [{ flag: PRETENURING_FLAG, cost: 'its scavenges can pause twice as long after a burst' }] : []),
  ];
  if (missing.length === 0) return;
  logger.info(
    {
      semiSpaceMiB: runtime.semiSpaceMiB ?? 'default',
      pretenuring: runtime.pretenuring ? 'on' : 'off',
      missing: missing.map((m) => m.flag),
      recommended: ECB_NODE_FLAGS,
    },
    `Node runs without ${missing.map((m) => `${m.flag} (${m.cost})`).join(' and ')}; start ECB with ./bin/ecb.js (which passes ${ECB_NODE_FLAGS.join(' ')}) or pass them to node on its command line (NODE_OPTIONS refuses the second; docs/operations.md#sizing-notes)`,
  );
};
