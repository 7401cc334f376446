/**
 * The limits of ECB's backend client, named in one place so an operator, a
 * benchmark or a later setting can find them. The per-call timeout is the
 * `ECB_BACKEND_TIMEOUT_MS` setting (EcbConfig.backendTimeoutMs); the circuit
 * breaker and the in-flight cap are settings too (see backend-circuit.ts).
 */
export const BACKEND_LIMITS = {
  /** Largest backend answer ECB reads, in bytes; a larger one is BACKEND_ERROR. */
  maxResponseBytes: 8 * 1024 * 1024,
  /** Longest backend `error.message` passed on to a client, in characters. */
  maxErrorMessageChars: 500,
  /** How often a failed read is tried again (ECB-SPEC §6: once, never a write). */
  readRetries: 1,
  /** Pause ceiling before the first read retry, ms (jittered, see read-backoff.ts). */
  retryBaseDelayMs: 50,
  /** Largest pause ceiling before a read retry, ms. */
  retryMaxDelayMs: 400,
  /** Most connections open to the backend at once; further calls queue. */
  maxConnections: 128,
  /** How long an idle keep-alive connection to the backend is kept, ms. */
  keepAliveTimeoutMs: 4_000,
} as const;

export type BackendLimits = typeof BACKEND_LIMITS;
