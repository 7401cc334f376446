import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A mistake in how a command was called: reported in one line, with the usage, exit code 2, before the command does anything. */
export interface UsageProblem {
  readonly problem: string;
}

export const isUsageProblem = (value: unknown): value is UsageProblem =>
  typeof value === 'object' && value !== null && typeof (value as { problem?: unknown }).problem === 'string';

/** The parsed command line, or node:util's parseArgs refusal (an unknown option, a missing value) as a usage problem. */
export const parsedOrProblem = <T>(parse: () => T): T | UsageProblem => {
  try {
    return parse();
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
};

/** The PEM of a `--private-key` file, or why it cannot be used (unreadable, a public key, not RSA). */
export const rsaPrivateKeyPem = (file: string): string | UsageProblem => {
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
