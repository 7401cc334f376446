// The backend for servers B and C: a minimal node:http server that answers
// getThread and addThreadMessage with a valid threadAndMessages after a
// configurable delay. Deliberately not the reference backend, whose cost
// would dominate the measurement. Run as its own process (forked by run.mjs).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { stubAnswers } from './lib/stub-answers.mjs';

const fixture = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let delayMs = 0;
const answers = stubAnswers(fixture.threads);

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
  if (path !== '/getThread' && path !== '/addThreadMessage') return answer(res, 404, '{"error":{"message":"not in the stub"}}');
  const text = path === '/getThread' ? answers.getThread(body) : answers.addThreadMessage(body);
  if (text === undefined) return answer(res, 404, '{"error":{"message":"no such thread"}}');
  return answer(res, 200, text);
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
