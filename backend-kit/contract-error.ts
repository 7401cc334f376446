/**
 * Why a backend refused a request. Handlers return one (or throw one) and
 * the contract router answers with its status and the error body ECB
 * understands, `{ "error": { "code", "message" } }` (ECB-SPEC §6).
 */
export const CONTRACT_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** ECB maps 409 to BAD_REQUEST, passing the message on. */
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ContractErrorCode = keyof typeof CONTRACT_STATUS;

/** A refusal with a contract status. Its message reaches the client: never put a token, key or stack in it. */
export class ContractError extends Error {
  readonly status: number;

  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
    this.status = CONTRACT_STATUS[code];
  }

  /** The wire form. */
  toBody(): { error: { code: ContractErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }

  static badRequest = (message: string): ContractError => new ContractError('BAD_REQUEST', message);
  static unauthorized = (message: string): ContractError => new ContractError('UNAUTHORIZED', message);
  static forbidden = (message: string): ContractError => new ContractError('FORBIDDEN', message);
  static notFound = (message: string): ContractError => new ContractError('NOT_FOUND', message);
  static conflict = (message: string): ContractError => new ContractError('CONFLICT', message);
  static rateLimited = (message: string): ContractError => new ContractError('RATE_LIMITED', message);
}
