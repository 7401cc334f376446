import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import { pageOfListing, validatePaging, type Paged } from '../domain/paging.js';
import type { Thread } from '../domain/thread.js';
import type { Actor } from './actor.js';
import type { BackendGateway } from './ports/backend-gateway.js';
import type { PagingRequest } from './requests.js';

/** One page of the threads the caller belongs to. */
export class ListThreads {
  constructor(private readonly backend: BackendGateway) {}

  execute(actor: Actor, request: PagingRequest): TE.TaskEither<EcbError, Paged<Thread>> {
    return pipe(
      TE.fromEither(validatePaging(request)),
      TE.chain((paging) =>
        pipe(
          this.backend.getThreads(actor.caller, paging),
          TE.map((listing) => pageOfListing(listing, paging)),
        ),
      ),
    );
  }
}
