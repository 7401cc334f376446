/**
 * Entry of the single-file browser bundle (dist/ecb-client.js): an IIFE that
 * defines `window.EcbClient` = `{ EcbClient, EcbClientError }`, with
 * socket.io-client inside.
 */
export { EcbClient } from './ecb-client.js';
export { EcbClientError } from './ecb-client-error.js';
