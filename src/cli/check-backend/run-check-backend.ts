import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkBackend, DEFAULT_CHECK_TIMEOUT_MS } from './check-backend.js';
import { formatReport } from './check-report.js';

export const CHECK_BACKEND_USAGE =
  'check-backend <backend-url> --private-key <pem-file> [--access-token T | --user-id U [--display-name N]]\n' +
  '                [--member-id M] [--api-key K] [--timeout-ms 5000] [--json]';

/**
 * `ecb check-backend`: runs the conformance checks and prints the report.
 * Exit code 0 when everything passed, 1 when a check failed, 2 on a usage error.
 */
export const runCheckBackend = async (argv: readonly string[]): Promise<void> => {
  const usage = (problem: string): void => {
    process.stderr.write(`ecb check-backend: ${problem}\nusage: ecb ${CHECK_BACKEND_USAGE}\n`);
    process.exitCode = 2;
  };
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const backendUrl = positionals[0];
  const keyFile = values['private-key'];
  const timeoutMs = values['timeout-ms'] === undefined ? DEFAULT_CHECK_TIMEOUT_MS : Number(values['timeout-ms']);
  const usageError =
    backendUrl === undefined || !/^https?:\/\//.test(backendUrl) ? 'give the backend URL (http:// or https://)'
      : keyFile === undefined ? 'give --private-key <pem-file>'
        : values['access-token'] === undefined && values['user-id'] === undefined ? 'give --access-token or --user-id'
          : !Number.isInteger(timeoutMs) || timeoutMs < 1 ? '--timeout-ms must be a positive integer'
            : undefined;
  if (usageError !== undefined) return usage(usageError);
  const privateKeyPem = readPrivateKey(keyFile!);
  if (typeof privateKeyPem !== 'string') return usage(privateKeyPem.problem);
  const report = await checkBackend({
    backendUrl: backendUrl!,
    privateKeyPem,
    accessToken: values['access-token'],
    userId: values['user-id'],
    displayName: values['display-name'],
    memberId: values['member-id'],
    apiKey: values['api-key'],
    timeoutMs,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  process.exitCode = report.passed ? 0 : 1;
};

const parseOptions = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'private-key': { type: 'string' },
      'access-token': { type: 'string' },
      'user-id': { type: 'string' },
      'display-name': { type: 'string' },
      'member-id': { type: 'string' },
      'api-key': { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });

/** The PEM of --private-key, or why it cannot be used (a usage error, before any check). */
const readPrivateKey = (file: string): string | { readonly problem: string } => {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read --private-key ${file} (${(error as { code?: string }).code ?? String(error)})` };
  }
  try {
    if (createPrivateKey(pem).asymmetricKeyType === 'rsa') return pem;
  } catch {
    // not a private key in PEM: a public key, a certificate, something else
  }
  return { problem: `--private-key ${file} must hold an RSA private key in PEM (the key the backend signs tokens with, not its public key)` };
};
