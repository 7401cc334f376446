import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import type { TokenVerifier } from './ports/token-verifier.js';

/** Proves that a server-API call comes from the backend. */
export class AuthenticateServer {
  constructor(private readonly tokens: TokenVerifier) {}

  execute(serverToken: string): TaskEither<EcbError, void> {
    return this.tokens.verifyServer(serverToken);
  }
}
