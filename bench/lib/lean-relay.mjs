// Servers A and B of the benchmark as functions on a Socket.IO server, so that the relay
// process (relay-server.mjs) and the in-process pipeline benchmark (pipeline.mjs) run the same code.
//   A, the floor: a bare Socket.IO relay: ack + room broadcast, no auth, no backend.
//   B, the best pipeline: what ECB must do per message, written as lean as
//      possible: RS256 verify (node:crypto) with a cache, one keep-alive POST
//      on an undici Pool (through its dispatch handler API) with the headers
//      of the backend contract (ECB-SPEC §6), ack, push the message to the thread room and the
//      refreshed thread to every member's room (for threads of more than 50
//      members at most one `thread` event per interval, the latest: 1 s, or
//      longer to keep the thread's events within 8 MB/s, as ECB's default
//      ECB_THREAD_EVENT_* settings do).
import { randomUUID, verify } from 'node:crypto';

/** A: ack and broadcast, nothing else. */
export const installBareRelay = (io) => {
  io.on('connection', (socket) => {
    socket.on('getThread', (payload, ack) => {
      void socket.join(`t:${payload.threadToken}`);
      ack({ ok: true, data: {} });
    });
    socket.on('sendMessage', (payload, ack) => {
      ack({ ok: true, data: {} });
      socket.to(`t:${payload.threadToken}`).emit('message', { message: payload.message });
    });
  });
};

/** B on `io`: thread tokens verified with `publicKey` (a KeyObject), backend calls through `pool` (an undici Pool). */
export const installLeanRelay = (io, publicKey, pool) => {
  const CACHE_SIZE = 10_000;
  const cache = new Map();

  const verifyToken = (token) => {
    const now = Date.now() / 1000;
    const hit = cache.get(token);
    if (hit !== undefined && hit.exp > now) return hit;
    if (typeof token !== 'string' || token.length > 8192) return undefined;
    const [header, payload, signature] = token.split('.');
    if (signature === undefined) return undefined;
    const ok = verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims.exp === 'number' && claims.exp <= now) return undefined;
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value);
    cache.set(token, claims);
    return claims;
  };

  // The headers every backend call carries by the contract (ECB-SPEC §6): Content-Type, the user's
  // token, X-ECB-Request-Id, and Idempotency-Key when the client gave a clientMessageId. The request id
  // is a per-process random prefix and a counter, as ECB's (src/adapters/request-id.ts).
  const idPrefix = randomUUID().slice(0, 24);
  let idCounter = 0;
  const headersFor = (userToken, idempotencyKey) => {
    const headers = ['content-type', 'application/json', 'authorization', `Bearer ${userToken}`];
    headers.push('x-ecb-request-id', idPrefix + (idCounter++).toString(16).padStart(12, '0'));
    if (idempotencyKey !== undefined) headers.push('idempotency-key', idempotencyKey);
    return headers;
  };

  // The POST through undici's dispatch handler API, as ECB's transport does (no response stream):
  // the leanest known way; RELAY_POST=request runs the former Pool.request + body.json() (docs/benchmarks.md, finding 6)
  const postDispatch = (operation, userToken, body) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let statusCode = 0;
      pool.dispatch(
        {
          path: `/${operation}`,
          method: 'POST',
          headers: headersFor(userToken, body.clientMessageId),
          body: JSON.stringify(body),
        },
        {
          onRequestStart() {},
          onResponseStart(_controller, status) {
            statusCode = status;
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (statusCode !== 200) return reject(new Error(`backend ${statusCode}`));
            resolve(JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
          },
          onResponseError(_controller, error) {
            reject(error);
          },
        },
      );
    });

  const post = process.env.RELAY_POST !== 'request' ? postDispatch : async (operation, userToken, body) => {
    const { statusCode, body: answer } = await pool.request({
      path: `/${operation}`,
      method: 'POST',
      headers: headersFor(userToken, body.clientMessageId),
      body: JSON.stringify(body),
    });
    const json = await answer.json();
    if (statusCode !== 200) throw new Error(`backend ${statusCode}`);
    return json;
  };

  // the same conflation of large threads' `thread` events as ECB's defaults (ECB_THREAD_EVENT_*):
  // an interval of at least 1 s, long enough that the thread's events (event bytes × members)
  // stay within 8 MB/s, at most 60 s; RELAY_THREAD_EVENT_* override them for experiments
  const LARGE_THREAD_MEMBERS = 50;
  const THREAD_EVENT_INTERVAL_MS = Number(process.env.RELAY_THREAD_EVENT_INTERVAL_MS ?? 1000);
  const THREAD_EVENT_BYTES_PER_SECOND = Number(process.env.RELAY_THREAD_EVENT_BYTES_PER_SECOND ?? 8_000_000);
  const THREAD_EVENT_MAX_INTERVAL_MS = 60_000;
  const intervalAfter = (thread) => {
    if (THREAD_EVENT_BYTES_PER_SECOND === 0) return THREAD_EVENT_INTERVAL_MS;
    const bytes = Buffer.byteLength(JSON.stringify({ thread })) * thread.members.length;
    return Math.min(THREAD_EVENT_MAX_INTERVAL_MS, Math.max(THREAD_EVENT_INTERVAL_MS, Math.ceil((bytes * 1000) / THREAD_EVENT_BYTES_PER_SECOND)));
  };
  const held = new Map(); // threadId -> latest thread not pushed yet, or null
  const pushThreadNow = (thread) => io.to(thread.members.map((m) => `u:${m.userId}`)).emit('thread', { thread });
  const endInterval = (threadId) => {
    const thread = held.get(threadId);
    held.delete(threadId);
    if (thread) pushThreadNow(thread), startInterval(thread);
  };
  const startInterval = (pushed) => {
    held.set(pushed.threadId, null);
    setTimeout(endInterval, intervalAfter(pushed), pushed.threadId);
  };
  const pushThread = (thread) => {
    if (thread.members.length <= LARGE_THREAD_MEMBERS) return pushThreadNow(thread);
    if (!held.has(thread.threadId)) return pushThreadNow(thread), startInterval(thread);
    const previous = held.get(thread.threadId);
    if (!previous || thread.lastMessageTime >= previous.lastMessageTime) held.set(thread.threadId, thread);
  };

  const threadFor = (socket, threadToken) => {
    const grant = verifyToken(threadToken);
    if (grant === undefined || !grant.memberIds.includes(socket.data.userId)) return undefined;
    return grant;
  };

  io.use((socket, next) => {
    const claims = verifyToken(socket.handshake.auth?.userToken);
    if (claims === undefined || typeof claims.userId !== 'string') return next(new Error('UNAUTHORIZED'));
    socket.data = { userId: claims.userId, userToken: socket.handshake.auth.userToken };
    next();
  });
  io.on('connection', (socket) => {
    void socket.join(`u:${socket.data.userId}`);
    const user = { userId: socket.data.userId };
    socket.on('getThread', (payload, ack) => {
      const grant = threadFor(socket, payload?.threadToken);
      if (grant === undefined) return ack({ ok: false, error: { code: 'FORBIDDEN' } });
      post('getThread', socket.data.userToken, { user, threadId: grant.threadId }).then(
        (data) => {
          void socket.join(`t:${grant.threadId}`);
          ack({ ok: true, data });
        },
        () => ack({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } }),
      );
    });
    socket.on('sendMessage', (payload, ack) => {
      const grant = threadFor(socket, payload?.threadToken);
      if (grant === undefined) return ack({ ok: false, error: { code: 'FORBIDDEN' } });
      const request = { user, threadId: grant.threadId, message: payload.message, clientMessageId: payload.clientMessageId };
      post('addThreadMessage', socket.data.userToken, request).then(
        ({ thread, messages }) => {
          const stored = messages[messages.length - 1];
          ack({ ok: true, data: { thread, messages: [stored] } });
          socket.to(`t:${thread.threadId}`).emit('message', { threadId: thread.threadId, message: stored });
          pushThread(thread);
        },
        () => ack({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } }),
      );
    });
  });
};
