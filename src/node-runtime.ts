import type { Logger } from './adapters/observability/pino-logger.js';

/**
 * The Node runtime setting ECB is tuned for: V8's young generation with
 * semi-spaces of 32 MiB instead of Node's 16 (docs/benchmarks.md, finding 8).
 * Under load every request in flight keeps a few kilobytes alive until the
 * backend answers; with the default size the scavenger copies (and promotes)
 * much of it, with 32 MiB it mostly dies young. `./bin/ecb.js` and `npx ecb`
 * start Node with it (the executable's `#!/usr/bin/env -S node ...` line).
 * It cannot be set once Node runs, so `node bin/ecb.js` needs it passed.
 */
export const RECOMMENDED_SEMI_SPACE_MIB = 32;

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
const FLAG = /^--max[-_]semi[-_]space[-_]size=(\d+)$/;

/**
 * The semi-space size (MiB) this process was started with, from its Node
 * flags (`process.execArgv`) and `NODE_OPTIONS`; undefined when neither sets
 * it (Node's default). Where both do, Node applies `NODE_OPTIONS` first and
 * the command line last, so the command line wins.
 */
export const configuredSemiSpaceMiB = (execArgv: readonly string[], nodeOptions: string | undefined): number | undefined => {
  let size: number | undefined;
  for (const arg of [...(nodeOptions ?? '').split(/\s+/), ...execArgv]) {
    const mib = Number(FLAG.exec(arg)?.[1]);
    if (mib > 0) size = mib;
  }
  return size;
};

/**
 * Started by `node bin/ecb.js` without the young-generation setting that
 * `./bin/ecb.js` passes: one line saying what that costs and how to pass it.
 */
export const adviseOnYoungGeneration = (logger: Logger, semiSpaceMiB: number | undefined): void => {
  if (semiSpaceMiB !== undefined) return;
  logger.info(
    { semiSpaceMiB: 'default', recommended: RECOMMENDED_SEMI_SPACE_MIB },
    `Node runs with its default young generation: under load ECB spends 10-20 % more CPU per message than with --max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MIB}; start it with ./bin/ecb.js (which passes it) or pass it to node yourself (docs/operations.md#sizing-notes)`,
  );
};
