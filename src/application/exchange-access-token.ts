import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { backendError, type EcbError } from '../domain/errors.js';
import type { User } from '../domain/user.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { TokenVerifier } from './ports/token-verifier.js';

export interface Session {
  readonly userToken: string;
  readonly user: User;
  readonly expiresAt: number;
}

/**
 * Trades an access token for a user token through the backend, and checks
 * that what the backend issued is a valid user token before handing it out.
 */
export class ExchangeAccessToken {
  constructor(
    private readonly backend: BackendGateway,
    private readonly tokens: TokenVerifier,
  ) {}

  execute(accessToken: string, requestId: string): TE.TaskEither<EcbError, Session> {
    return pipe(
      this.backend.exchangeAccessToken(accessToken, requestId),
      TE.chain((userToken) =>
        pipe(
          this.tokens.verifyUser(userToken),
          TE.mapLeft(issuedInvalidToken),
          TE.map((identity) => ({ userToken, user: identity.user, expiresAt: identity.expiresAt })),
        ),
      ),
    );
  }
}

const issuedInvalidToken = (cause: EcbError): EcbError =>
  backendError('the backend issued a user token that does not verify', cause);
