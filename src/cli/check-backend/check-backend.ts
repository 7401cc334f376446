import { randomUUID } from 'node:crypto';
import type { Thread } from '../../domain/thread.js';
import type { User } from '../../domain/user.js';
import { BackendProbe } from './backend-probe.js';
import type { CheckContext } from './check-context.js';
import { CheckKeys } from './check-keys.js';
import { CheckLog, fail, type CheckResult } from './check-result.js';
import { checkIdentity } from './identity-checks.js';
import { checkLatency } from './latency-checks.js';
import { checkListing } from './listing-checks.js';
import { checkRefusals } from './refusal-checks.js';
import { checkThreads } from './thread-checks.js';

/** ECB's default ECB_BACKEND_TIMEOUT_MS: a slower answer is a failure for ECB. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

export interface CheckBackendOptions {
  /** ECB_BACKEND_URL of the backend under test. */
  readonly backendUrl: string;
  /** PEM of the backend's RSA private key. */
  readonly privateKeyPem: string;
  /** An access token getUserToken accepts; the checker then acts as its user. */
  readonly accessToken?: string | undefined;
  /** Without an access token, the checker mints a user token for this user. */
  readonly userId?: string | undefined;
  readonly displayName?: string | undefined;
  /** Member of the thread the checker creates; default the first contact, else the user alone. */
  readonly memberId?: string | undefined;
  /** Sent as X-ECB-Key, like ECB_BACKEND_API_KEY. */
  readonly apiKey?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface CheckReport {
  readonly backendUrl: string;
  readonly results: readonly CheckResult[];
  readonly passed: boolean;
}

/**
 * Plays ECB against a backend and checks every rule of the backend contract
 * (ECB-SPEC §6). It writes real data: one thread with two messages.
 * Never throws for what the backend does; only for an unusable private key.
 */
export const checkBackend = async (options: CheckBackendOptions): Promise<CheckReport> => {
  const keys = CheckKeys.fromPem(options.privateKeyPem);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const probe = new BackendProbe(options.backendUrl, { apiKey: options.apiKey, timeoutMs });
  const log = new CheckLog();
  const context: CheckContext = { probe, keys, log, runId: randomUUID().slice(0, 8) };

  const acting = await checkIdentity(context, options);
  if (acting === undefined) {
    log.add(
      'identity',
      'the checker has a user to act as',
      fail(
        'no user token: getUserToken failed, or neither --access-token nor --user-id was given',
        'Pass --access-token <a token getUserToken accepts>, or --user-id <an existing user> to act as that user.',
      ),
    );
  } else {
    const threads = await checkListing<Thread>(context, acting, 'getThreads');
    const contacts = await checkListing<User>(context, acting, 'getContacts');
    const memberId = options.memberId ?? contacts.find((c) => c.userId !== acting.user.userId)?.userId ?? acting.user.userId;
    const threadId = await checkThreads(context, acting, memberId, threads);
    await checkRefusals(context, acting, {
      threadId: threadId ?? `ecb-check-no-such-thread-${context.runId}`,
      memberId,
      otherUserId: memberId !== acting.user.userId ? memberId : `ecb-check-someone-else-${context.runId}`,
    });
  }
  checkLatency(probe, log, timeoutMs);
  const results = options.apiKey === undefined ? log.results().map(withApiKeyHint) : log.results();
  return { backendUrl: options.backendUrl, results, passed: results.every((r) => r.verdict !== 'fail') };
};

/** A backend that checks X-ECB-Key refuses every call of a checker run without --api-key: say so where a 401 was seen. */
const withApiKeyHint = (result: CheckResult): CheckResult =>
  result.verdict === 'fail' && result.detail !== undefined && /\bHTTP 401\b/.test(result.detail)
    ? { ...result, fix: `${result.fix ?? ''} If your backend checks X-ECB-Key (ECB_BACKEND_API_KEY), run the checker with --api-key <key>.`.trim() }
    : result;
