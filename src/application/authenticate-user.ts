import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import type { UserIdentity } from '../domain/user.js';
import type { TokenVerifier } from './ports/token-verifier.js';

/** Proves a user from their user credential (socket handshake, REST calls). */
export class AuthenticateUser {
  constructor(private readonly tokens: TokenVerifier) {}

  execute(userToken: string): TaskEither<EcbError, UserIdentity> {
    return this.tokens.verifyUser(userToken);
  }
}
