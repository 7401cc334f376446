import { describeCause } from './adapters/observability/describe-cause.js';
import type { Logger } from './adapters/observability/pino-logger.js';
import { ConfigError, loadConfig, type EcbConfig } from './config.js';
import { adviseOnNodeFlags, nodeRuntimeOf } from './node-runtime.js';
import { TOKENS } from './tokens.js';
import { startEcb, type RunningEcb, type StartOptions } from './server.js';

/**
 * config -> container -> listen, then stop gracefully on SIGTERM/SIGINT.
 * A bad or missing setting stops start-up with one line naming it.
 */
export const main = async (env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningEcb> => {
  let config: EcbConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) exitWith(`ecb: configuration error: ${error.message}`);
    throw error;
  }
  const running = await startEcb(config, options).catch((error: NodeJS.ErrnoException) =>
    exitWith(`ecb: cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}): check ECB_HOST and ECB_PORT`),
  );
  stopOnSignals(running);
  const logger = running.container.get<Logger>(TOKENS.Logger);
  logUnhandledRejections(logger);
  adviseOnNodeFlags(logger, nodeRuntimeOf(process.execArgv, env['NODE_OPTIONS']));
  return running;
};

/**
 * The last line of defence: every adapter catches its own failures, so an
 * unhandled rejection is a bug; it is logged (without its stack, which may
 * quote a token) instead of taking every connection of the node down with it.
 */
export const logUnhandledRejections = (logger: Logger): void => {
  process.on('unhandledRejection', (reason) => {
    logger.error({ cause: describeCause(reason) }, 'unhandled rejection (a bug: please report it)');
  });
};

/** SIGTERM/SIGINT: graceful close, exit 0; a second signal exits at once. */
export const stopOnSignals = (running: { close(): Promise<void> }): void => {
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

const exitWith = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};
