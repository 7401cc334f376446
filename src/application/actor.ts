import type { Caller } from '../domain/user.js';
import type { SubscriberId } from './ports/push-channel.js';

/**
 * Who performs an operation, and through which live connection, if any
 * (REST calls have none: nothing to subscribe, nobody to leave out).
 */
export interface Actor {
  readonly caller: Caller;
  readonly subscriber?: SubscriberId | undefined;
}
