import type { BackendProbe } from './backend-probe.js';
import type { CheckKeys } from './check-keys.js';
import type { CheckLog } from './check-result.js';

/** `user` as ECB puts it in every request body (ECB-SPEC §6). */
export interface UserReference {
  readonly userId: string;
  readonly displayName: string;
}

/** What every check group needs: the backend, the keys, the log, and who the checker acts as. */
export interface CheckContext {
  readonly probe: BackendProbe;
  readonly keys: CheckKeys;
  readonly log: CheckLog;
  /** Distinguishes this run's messages and keys from earlier runs against the same backend. */
  readonly runId: string;
}

/** The user the checker acts as, and the user token ECB would forward for it. */
export interface Acting {
  readonly user: UserReference;
  readonly token: string;
}
