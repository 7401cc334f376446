import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPairFiles {
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

/**
 * Writes a new RS256 key pair (RSA 2048, PKCS#8 private, SPKI public, PEM).
 * The private key stays with the backend; ECB only ever needs the public one.
 */
export const writeKeyPair = (directory: string, options: { overwrite?: boolean } = {}): KeyPairFiles => {
  const privateKeyFile = join(directory, 'private.pem');
  const publicKeyFile = join(directory, 'public.pem');
  if (!options.overwrite && (existsSync(privateKeyFile) || existsSync(publicKeyFile))) {
    throw new Error(`${privateKeyFile} or ${publicKeyFile} already exists (pass --force to replace them)`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  mkdirSync(directory, { recursive: true });
  writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey, { mode: 0o644 });
  return { privateKeyFile, publicKeyFile };
};
