import * as t from 'io-ts/lib/index.js';

/** A chat participant as the backend describes it (ECB-SPEC §1). */
export const UserCodec = t.intersection([
  t.type({ userId: t.string, displayName: t.string }),
  t.partial({ data: t.unknown }),
]);
export type User = t.TypeOf<typeof UserCodec>;

/** Who is asking: the user proven by a verified user token. */
export interface UserIdentity {
  readonly user: User;
  /** When the proof stops being valid, UNIX epoch seconds. */
  readonly expiresAt: number;
}

/**
 * A caller of the backend: the verified user plus the credential that proves
 * it, which the backend receives unchanged so it can check it itself.
 */
export interface Caller {
  readonly user: User;
  readonly credential: string;
  /** Correlates the inbound request with the backend call and the logs. */
  readonly requestId: string;
}

/** The `user` the backend contract carries: only what the token proved. */
export const userReference = (user: User): { userId: string; displayName: string } => ({
  userId: user.userId,
  displayName: user.displayName,
});
