// Servers A and B of the benchmark (ECB itself is C, started from its CLI); what they do is in
// lib/lean-relay.mjs.
// Usage: node relay-server.mjs A|B <backendUrl> <publicKeyFile>; prints "listening <port>".
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { Pool } from 'undici';
import { installBareRelay, installLeanRelay } from './lib/lean-relay.mjs';

const [mode, backendUrl, keyFile] = process.argv.slice(2);
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

if (mode === 'A') installBareRelay(io);
else {
  const publicKey = createPublicKey(readFileSync(keyFile, 'utf8'));
  // Same bounds as ECB's backend client: 128 keep-alive connections, no pipelining.
  installLeanRelay(io, publicKey, new Pool(backendUrl, { connections: 128, pipelining: 1, keepAliveTimeout: 4_000 }));
}

httpServer.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${httpServer.address().port}\n`));
process.on('SIGTERM', () => {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
