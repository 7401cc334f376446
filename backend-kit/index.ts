/** The Node backend kit: everything a Koa or Express backend needs to serve ECB. */
export { ContractError, CONTRACT_STATUS, type ContractErrorCode } from './contract-error.js';
export { MAX_IDEMPOTENCY_KEY_LENGTH, type ContractOptions, type ContractResponse } from './contract-core.js';
export { OPERATIONS, type Answer, type ContractHandlers, type Operation, type Paging } from './contract-handlers.js';
export { createContractRouter, DEFAULT_BODY_LIMIT_BYTES, type ContractRouter, type ContractRouterOptions } from './contract-router.js';
export {
  DEFAULT_MAX_IDEMPOTENCY_RECORDS,
  InMemoryIdempotencyStore,
  type IdempotencyRecord,
  type IdempotencyStore,
} from './idempotency.js';
export type { NewMessage } from './requests.js';
export {
  DEFAULT_SERVER_API_TIMEOUT_MS,
  ServerApiClient,
  type PushedMessage,
  type PushedThread,
  type ServerApiClientOptions,
  type ServerApiResult,
} from './server-api-client.js';
export {
  BackendTokens,
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_SERVER_TOKEN_LIFETIME_SECONDS,
  DEFAULT_THREAD_TOKEN_LIFETIME_SECONDS,
  DEFAULT_USER_TOKEN_LIFETIME_SECONDS,
  MAX_SERVER_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LENGTH,
  type BackendTokensOptions,
  type KeyInput,
  type TokenUser,
} from './tokens.js';
