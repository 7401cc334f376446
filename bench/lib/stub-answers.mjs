// The backend stub's answers, as strings: shared by the stub process
// (backend-stub.mjs) and the in-process pipeline (pipeline.mjs), so both
// answer alike. `threads`: threadId -> { threadToken, memberIds }.
export const stubAnswers = (threads) => {
  let messageCounter = 0;
  // The thread part of every answer is serialized once; only lastMessageTime varies.
  const threadHeads = new Map(
    Object.entries(threads).map(([threadId, t]) => [
      threadId,
      `{"thread":{"threadId":${JSON.stringify(threadId)},"threadToken":${JSON.stringify(t.threadToken)},"members":${JSON.stringify(
        t.memberIds.map((userId) => ({ userId })),
      )},"lastMessageTime":`,
    ]),
  );
  return {
    /** threadAndMessages of `body.threadId` with no message, or undefined for an unknown thread. */
    getThread: (body) => {
      const head = threadHeads.get(body.threadId);
      return head === undefined ? undefined : `${head}${Date.now() / 1000}},"messages":[]}`;
    },
    /** threadAndMessages holding the message of `body` as stored, or undefined for an unknown thread. */
    addThreadMessage: (body) => {
      const head = threadHeads.get(body.threadId);
      if (head === undefined) return undefined;
      const now = Date.now() / 1000;
      const stored = {
        messageId: `m${++messageCounter}`,
        fromUserId: body.user?.userId ?? '',
        creationTime: now,
        type: body.message?.type,
        data: body.message?.data,
      };
      return `${head}${now}},"messages":[${JSON.stringify(stored)}]}`;
    },
  };
};
