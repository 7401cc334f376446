import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EcbError } from '../domain/errors.js';
import type { PushChannel } from './ports/push-channel.js';

/** Revocation: closes every connection of a user, on every node. */
export class DisconnectUser {
  constructor(private readonly push: PushChannel) {}

  execute(userId: string): TaskEither<EcbError, void> {
    return this.push.disconnectUser(userId);
  }
}
