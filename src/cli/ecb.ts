import { parseArgs } from 'node:util';
import { writeKeyPair } from './keygen.js';

const USAGE = `usage: ecb <command>

commands:
  start                     run ECB from the environment (ECB_BACKEND_URL, ECB_PUBLIC_KEY_FILE, ...)
  keygen [--out DIR] [--force]
                            write a new RS256 key pair (DIR/private.pem, DIR/public.pem; default DIR: .)
  demo [--port N]           ECB + a reference backend + the web chat on one port, nothing to configure
  check-backend <backend-url> --private-key <pem-file> [--access-token T | --user-id U [--display-name N]]
                [--member-id M] [--api-key K] [--timeout-ms 5000] [--json]
                            check that your backend follows the ECB backend contract (docs/integrate.md)
  token --private-key <pem-file> (--user-id U [--display-name N] | --thread-id T --member-ids a,b | --server) [--ttl S]
                            print a freshly signed RS256 test token
  help                      this text

Configuration: docs/configuration.md`;

/** The `ecb` command line (ECB-SPEC §8). */
export const run = async (argv: readonly string[]): Promise<void> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { main } = await import('../main.js');
      await main();
      return;
    }
    case 'keygen': {
      const { values } = parseArgs({
        args: [...rest],
        options: { out: { type: 'string', default: '.' }, force: { type: 'boolean', default: false } },
      });
      const files = writeKeyPair(values.out, { overwrite: values.force });
      process.stdout.write(
        `wrote ${files.privateKeyFile} (keep it on your backend, secret)\n` +
          `wrote ${files.publicKeyFile} (give it to ECB: ECB_PUBLIC_KEY_FILE=${files.publicKeyFile})\n`,
      );
      return;
    }
    case 'demo': {
      const { values } = parseArgs({ args: [...rest], options: { port: { type: 'string' } } });
      const { runDemo } = await import('./demo.js');
      await runDemo({ port: values.port === undefined ? undefined : Number(values.port) });
      return;
    }
    case 'check-backend': {
      const { runCheckBackend } = await import('./check-backend/run-check-backend.js');
      await runCheckBackend(rest);
      return;
    }
    case 'token': {
      const { runToken } = await import('./token.js');
      await runToken(rest);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`ecb: unknown command "${command}"\n${USAGE}\n`);
      process.exitCode = 2;
  }
};

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`ecb: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
