import { createPrivateKey, type KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isUsageProblem, parsedOrProblem, rsaPrivateKeyPem } from './usage-checks.js';
import { SignJWT } from 'jose';

/** Default lifetime of a minted user or thread token. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Default lifetime of a minted server token. */
export const DEFAULT_SERVER_TOKEN_TTL_SECONDS = 60;
/** ECB refuses server tokens that live longer than this (ECB-SPEC §2). */
export const MAX_SERVER_TOKEN_TTL_SECONDS = 300;

export const TOKEN_USAGE =
  'token --private-key <pem-file> (--user-id U [--display-name N] | --thread-id T --member-ids a,b | --server) [--ttl S] [--kid K]';

/** Which of the three token kinds to mint (ECB-SPEC §2); kinds never mix claims. */
export type TokenRequest =
  | { readonly kind: 'user'; readonly userId: string; readonly displayName?: string | undefined }
  | { readonly kind: 'thread'; readonly threadId: string; readonly memberIds: readonly string[] }
  | { readonly kind: 'server' };

const claimsOf = (request: TokenRequest): Record<string, unknown> => {
  switch (request.kind) {
    case 'user':
      return request.displayName === undefined
        ? { userId: request.userId }
        : { userId: request.userId, displayName: request.displayName };
    case 'thread':
      return { threadId: request.threadId, memberIds: [...request.memberIds] };
    case 'server':
      return { role: 'server' };
  }
};

/** Signs a test token RS256 with the backend's private key, as the backend would; `kid` names the key in a JWKS. */
export const mintToken = (
  privateKey: KeyObject,
  request: TokenRequest,
  ttlSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  kid?: string,
): Promise<string> =>
  new SignJWT(claimsOf(request))
    .setProtectedHeader(kid === undefined ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid })
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttlSeconds)
    .sign(privateKey);

/** Turns the flags into one token request, or says what is wrong with them. */
export const tokenRequestOf = (values: {
  'user-id'?: string | undefined;
  'display-name'?: string | undefined;
  'thread-id'?: string | undefined;
  'member-ids'?: string | undefined;
  server?: boolean | undefined;
}): TokenRequest | string => {
  const kinds = [values['user-id'] !== undefined, values['thread-id'] !== undefined, values.server === true];
  if (kinds.filter(Boolean).length !== 1) return 'give exactly one of --user-id, --thread-id or --server';
  if (values['user-id'] !== undefined) {
    return { kind: 'user', userId: values['user-id'], displayName: values['display-name'] };
  }
  if (values['thread-id'] !== undefined) {
    const memberIds = (values['member-ids'] ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
    return memberIds.length === 0 ? '--thread-id needs --member-ids a,b' : { kind: 'thread', threadId: values['thread-id'], memberIds };
  }
  return { kind: 'server' };
};

/** `ecb token`: prints one freshly minted token, for tests and curl. Exit code 2 on a usage error. */
export const runToken = async (argv: readonly string[]): Promise<void> => {
  const usage = (problem: string): void => {
    process.stderr.write(`ecb token: ${problem}\nusage: ecb ${TOKEN_USAGE}\n`);
    process.exitCode = 2;
  };
  const parsed = parsedOrProblem(() =>
    parseArgs({
      args: [...argv],
      options: {
        'private-key': { type: 'string' },
        'user-id': { type: 'string' },
        'display-name': { type: 'string' },
        'thread-id': { type: 'string' },
        'member-ids': { type: 'string' },
        server: { type: 'boolean', default: false },
        ttl: { type: 'string' },
        kid: { type: 'string' },
      },
    }),
  );
  if (isUsageProblem(parsed)) return usage(parsed.problem);
  const { values } = parsed;
  const request = tokenRequestOf(values);
  const defaultTtl = values.server ? DEFAULT_SERVER_TOKEN_TTL_SECONDS : DEFAULT_TOKEN_TTL_SECONDS;
  const ttl = values.ttl === undefined ? defaultTtl : Number(values.ttl);
  const problem =
    values['private-key'] === undefined ? 'give --private-key <pem-file>'
      : typeof request === 'string' ? request
        : !Number.isSafeInteger(ttl) || ttl < 1 ? '--ttl must be a positive number of seconds'
          : values.server && ttl > MAX_SERVER_TOKEN_TTL_SECONDS ? `--ttl of a server token is at most ${MAX_SERVER_TOKEN_TTL_SECONDS} (ECB refuses longer ones)`
            : values.kid === '' ? '--kid needs the key id of your JWKS'
              : undefined;
  if (problem !== undefined || typeof request === 'string') return usage(problem ?? '');
  const pem = rsaPrivateKeyPem(values['private-key']!);
  if (isUsageProblem(pem)) return usage(pem.problem);
  process.stdout.write(`${await mintToken(createPrivateKey(pem), request, ttl, undefined, values.kid)}\n`);
};
