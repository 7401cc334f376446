import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './cluster.js';

const ECB_BIN = fileURLToPath(new URL('../../../../bin/ecb.js', import.meta.url));

/** `ecb start` in a process of its own, as an operator runs it (needs `npm run build`). */
export interface EcbProcess {
  readonly child: ChildProcess;
  /** From the "ECB listening" log line. */
  readonly url: string;
  readonly stdout: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// A run that ends half-way (mocha --exit) must not leave ECB processes behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export const startEcbProcess = async (env: Record<string, string>): Promise<EcbProcess> => {
  const child = spawn(process.execPath, [ECB_BIN, 'start'], {
    env: { PATH: process.env['PATH'], ECB_HOST: '127.0.0.1', ECB_PORT: '0', ECB_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const listening = (): string | undefined =>
    stdout
      .split('\n')
      .filter((line) => line.includes('"ECB listening"'))
      .map((line) => (JSON.parse(line) as { url: string }).url)[0];
  try {
    await waitUntil('ecb start logs that it listens', () => {
      if (child.exitCode !== null) throw new Error(`ecb start exited with ${child.exitCode}: ${stderr.trim()}`);
      return listening() !== undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, url: listening()!, stdout: () => stdout, stop };
};
