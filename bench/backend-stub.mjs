// The backend for servers B and C: a minimal node:http server that answers
// getThread and addThreadMessage with a valid threadAndMessages after a
// configurable delay. Deliberately not the reference backend, whose cost
// would dominate the measurement. Run as its own process (forked by run.mjs).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const fixture = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let delayMs = 0;
let messageCounter = 0;

// The thread part of every answer is serialized once; only lastMessageTime varies.
const threadHeads = new Map(
  Object.entries(fixture.threads).map(([threadId, t]) => [
    threadId,
    `{"thread":{"threadId":${JSON.stringify(threadId)},"threadToken":${JSON.stringify(t.threadToken)},"members":${JSON.stringify(
      t.memberIds.map((userId) => ({ userId })),
    )},"lastMessageTime":`,
  ]),
);

const answer = (res, status, body) => {
  const send = () => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (delayMs > 0) setTimeout(send, delayMs);
  else send();
};

const handle = (path, body, res) => {
  if (path === '/__delay') {
    delayMs = Number(body.ms) || 0;
    return answer(res, 200, '{}');
  }
  const head = threadHeads.get(body.threadId);
  if (head === undefined) return answer(res, 404, '{"error":{"message":"no such thread"}}');
  const now = Date.now() / 1000;
  if (path === '/getThread') return answer(res, 200, `${head}${now}},"messages":[]}`);
  if (path === '/addThreadMessage') {
    const stored = {
      messageId: `m${++messageCounter}`,
      fromUserId: body.user?.userId ?? '',
      creationTime: now,
      type: body.message?.type,
      data: body.message?.data,
    };
    return answer(res, 200, `${head}${now}},"messages":[${JSON.stringify(stored)}]}`);
  }
  return answer(res, 404, '{"error":{"message":"not in the stub"}}');
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return answer(res, 400, '{"error":{"message":"bad json"}}');
    }
    handle(req.url ?? '/', body, res);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
