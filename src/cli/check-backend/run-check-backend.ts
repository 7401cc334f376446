import { parseArgs } from 'node:util';
import { checkBackend, DEFAULT_CHECK_TIMEOUT_MS } from './check-backend.js';
import { formatReport } from './check-report.js';
import { isUsageProblem, parsedOrProblem, rsaPrivateKeyPem } from '../usage-checks.js';

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
  const parsed = parsedOrProblem(() => parseOptions(argv));
  if (isUsageProblem(parsed)) return usage(parsed.problem);
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
  const privateKeyPem = rsaPrivateKeyPem(keyFile!);
  if (isUsageProblem(privateKeyPem)) return usage(privateKeyPem.problem);
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
