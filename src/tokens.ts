/**
 * The injection tokens: one Symbol per port, use-case and setting. Only the
 * composition root (container.ts) binds them; adapters name them in
 * `@inject(...)`. The core never sees this file.
 */
export const TOKENS = {
  // settings
  Config: Symbol.for('ecb.Config'),
  ChatPolicy: Symbol.for('ecb.ChatPolicy'),
  Logger: Symbol.for('ecb.Logger'),
  Metrics: Symbol.for('ecb.Metrics'),
  InFlight: Symbol.for('ecb.InFlight'),
  OriginPolicy: Symbol.for('ecb.OriginPolicy'),
  Readiness: Symbol.for('ecb.Readiness'),
  // ports
  TokenVerifier: Symbol.for('ecb.TokenVerifier'),
  BackendGateway: Symbol.for('ecb.BackendGateway'),
  PushChannel: Symbol.for('ecb.PushChannel'),
  Clock: Symbol.for('ecb.Clock'),
  // use-cases
  AuthenticateUser: Symbol.for('ecb.AuthenticateUser'),
  AuthenticateServer: Symbol.for('ecb.AuthenticateServer'),
  ExchangeAccessToken: Symbol.for('ecb.ExchangeAccessToken'),
  ListContacts: Symbol.for('ecb.ListContacts'),
  ListThreads: Symbol.for('ecb.ListThreads'),
  CreateThread: Symbol.for('ecb.CreateThread'),
  OpenThread: Symbol.for('ecb.OpenThread'),
  LeaveThread: Symbol.for('ecb.LeaveThread'),
  SendMessage: Symbol.for('ecb.SendMessage'),
  PushStoredMessage: Symbol.for('ecb.PushStoredMessage'),
  DisconnectUser: Symbol.for('ecb.DisconnectUser'),
  // edges
  HttpServer: Symbol.for('ecb.HttpServer'),
  SocketServer: Symbol.for('ecb.SocketServer'),
  /** Multi-node push (bound only with a Redis URL): resolves asynchronously, its client library loaded on demand. */
  FanOut: Symbol.for('ecb.FanOut'),
} as const;
