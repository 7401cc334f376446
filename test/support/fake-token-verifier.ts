import * as TE from 'fp-ts/lib/TaskEither.js';
import { forbidden, unauthorized, type EcbError } from '../../src/domain/errors.js';
import type { ThreadGrant } from '../../src/domain/thread.js';
import type { UserIdentity } from '../../src/domain/user.js';
import type { TokenVerifier } from '../../src/application/ports/token-verifier.js';

/**
 * A TokenVerifier that knows only the credentials a test registered. As the
 * port documents, an unknown user or server credential is UNAUTHORIZED and
 * an unknown thread credential FORBIDDEN; a credential of one kind is never
 * accepted as another.
 */
export class FakeTokenVerifier implements TokenVerifier {
  private readonly users = new Map<string, UserIdentity | EcbError>();
  private readonly threads = new Map<string, ThreadGrant | EcbError>();
  private readonly servers = new Set<string>();

  withUser(token: string, identity: UserIdentity): this {
    this.users.set(token, identity);
    return this;
  }

  withThread(token: string, grant: ThreadGrant): this {
    this.threads.set(token, grant);
    return this;
  }

  withServer(token: string): this {
    this.servers.add(token);
    return this;
  }

  /** A user credential that is recognised but refused with this error (e.g. TOKEN_EXPIRED). */
  withRejectedUser(token: string, error: EcbError): this {
    this.users.set(token, error);
    return this;
  }

  verifyUser(credential: string): TE.TaskEither<EcbError, UserIdentity> {
    const known = this.users.get(credential);
    if (known === undefined) return TE.left(unauthorized('invalid user token'));
    return isError(known) ? TE.left(known) : TE.right(known);
  }

  verifyThread(credential: string): TE.TaskEither<EcbError, ThreadGrant> {
    const known = this.threads.get(credential);
    if (known === undefined) return TE.left(forbidden('invalid thread token'));
    return isError(known) ? TE.left(known) : TE.right(known);
  }

  verifyServer(credential: string): TE.TaskEither<EcbError, void> {
    return this.servers.has(credential) ? TE.right(undefined) : TE.left(unauthorized('invalid server token'));
  }
}

const isError = (value: object): value is EcbError => '_tag' in value;
