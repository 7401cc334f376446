import { signToken, type SignOptions } from '../../support/keys.js';
import { T } from './outcome.js';

export interface At extends Omit<SignOptions, 'expiresIn' | 'issuedAt'> {
  /** Absolute `exp`; default T + 1 hour; `null` leaves it out. */
  readonly exp?: number | null;
  /** Absolute `iat`; default T. */
  readonly iat?: number;
}

/** Signs claims (RS256, the test key) with absolute times around the frozen clock. */
export const tokenAt = (claims: Record<string, unknown>, at: At = {}): Promise<string> => {
  const { exp = T + 3600, iat = T, ...options } = at;
  return signToken(exp === null ? claims : { ...claims, exp }, { ...options, expiresIn: null, issuedAt: iat });
};

export const userAt = (extra: Record<string, unknown> = {}, at?: At): Promise<string> =>
  tokenAt({ userId: 'alice', displayName: 'Alice', ...extra }, at);

export const threadAt = (extra: Record<string, unknown> = {}, at?: At): Promise<string> =>
  tokenAt({ threadId: 'thread-1', memberIds: ['alice', 'bob'], ...extra }, at);

export const serverAt = (extra: Record<string, unknown> = {}, at: At = {}): Promise<string> =>
  tokenAt({ role: 'server', ...extra }, { exp: T + 120, ...at });
