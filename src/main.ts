import { ConfigError, loadConfig, type EcbConfig } from './config.js';
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
    exitWith(`ecb: cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`),
  );
  stopOnSignals(running);
  return running;
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
