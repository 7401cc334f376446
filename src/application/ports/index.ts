export type { TokenVerifier } from './token-verifier.js';
export type { BackendGateway, NewThread, NewMessage } from './backend-gateway.js';
export type { PushChannel, SubscriberId } from './push-channel.js';
export type { Clock } from './clock.js';
