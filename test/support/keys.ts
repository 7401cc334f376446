import { exportSPKI, exportPKCS8, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/** An RS256 key pair as the backend would hold it, made fresh per test run. */
export interface TestKeys {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicPem: string;
  readonly privatePem: string;
}

let cached: Promise<TestKeys> | undefined;

/** One RS256 key pair shared by the whole test run (generation is slow). */
export const testKeys = (): Promise<TestKeys> => (cached ??= newKeys());

/** A second, unrelated key pair: tokens it signs must never verify. */
export const newKeys = async (): Promise<TestKeys> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    privateKey,
    publicKey,
    publicPem: await exportSPKI(publicKey),
    privatePem: await exportPKCS8(privateKey),
  };
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  /** Seconds from now; default one hour. `null` leaves `exp` out. */
  readonly expiresIn?: number | null;
  readonly notBefore?: number;
  readonly issuedAt?: number;
  readonly issuer?: string;
  readonly audience?: string;
  readonly keys?: TestKeys;
  readonly header?: Record<string, unknown>;
}

/** Signs any claims with RS256, as a backend would. */
export const signToken = async (claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> => {
  const keys = options.keys ?? (await testKeys());
  const jwt = new SignJWT(claims).setProtectedHeader({ ...(options.header ?? {}), alg: 'RS256' });
  jwt.setIssuedAt(options.issuedAt ?? nowSeconds());
  if (options.expiresIn !== null) jwt.setExpirationTime(nowSeconds() + (options.expiresIn ?? 3600));
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(keys.privateKey);
};

export const userToken = (userId: string, displayName?: string, options?: SignOptions): Promise<string> =>
  signToken(displayName === undefined ? { userId } : { userId, displayName }, options);

export const threadToken = (threadId: string, memberIds: readonly string[], options?: SignOptions): Promise<string> =>
  signToken({ threadId, memberIds: [...memberIds] }, options);

export const serverToken = (options: SignOptions = {}): Promise<string> =>
  signToken({ role: 'server' }, { expiresIn: 120, ...options });
