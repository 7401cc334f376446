import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import { pageOfListing, validatePaging, type Paged } from '../domain/paging.js';
import type { User } from '../domain/user.js';
import type { Actor } from './actor.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { PagingRequest } from './requests.js';

/** One page of the caller's contacts. */
export class ListContacts {
  constructor(private readonly backend: BackendGateway) {}

  execute(actor: Actor, request: PagingRequest): TE.TaskEither<EcbError, Paged<User>> {
    return pipe(
      TE.fromEither(validatePaging(request)),
      TE.chain((paging) =>
        pipe(
          this.backend.getContacts(actor.caller, paging),
          TE.map((listing) => pageOfListing(listing, paging)),
        ),
      ),
    );
  }
}
