import * as E from 'fp-ts/lib/Either.js';
import { threadAndMessagesAnswer } from '../../adapters/backend/backend-answers.js';
import { storedMessage, type ThreadMessage } from '../../domain/message.js';
import type { Thread, ThreadAndMessages } from '../../domain/thread.js';
import type { Acting, CheckContext } from './check-context.js';
import { fail, pass, skip } from './check-result.js';
import { decodedAnswer, statusIs } from './expectations.js';
import { checkEveryThreadToken, checkThreadToken } from './thread-token-checks.js';

const FIX_CREATE =
  'createThread must store the thread (members: the caller plus memberIds) with its first message and answer ' +
  '200 { thread: { threadId, threadToken, members: [{ userId }], lastMessageTime }, messages: [<the stored message>] }, ' +
  'each message { messageId, fromUserId: <caller>, creationTime: <epoch seconds>, type, data }.';
const FIX_GET =
  'getThread must answer 200 { thread, messages } for a thread the caller belongs to, with every stored message ' +
  'in messages (thread and message shapes as in ECB-SPEC §1).';
const FIX_ADD =
  'addThreadMessage must store the message and answer 200 { thread, messages } where the latest message ' +
  '(highest creationTime) is the one just stored, with fromUserId = the caller and the sent type and data.';
const FIX_IDEMPOTENT =
  'Keep the result of each write under (user, Idempotency-Key) - the header, or else the body\'s clientMessageId - ' +
  'and answer a repeat with that original result without storing again.';
const FIX_SINCE =
  'getThread with "since" must return every message whose creationTime is greater than since (numbers, ' +
  'epoch seconds with decimals): clients recover missed messages with it. It may return older ones too ' +
  '(ECB drops them), but returning only the later ones saves bandwidth.';
const FIX_TIMES =
  'creationTime and lastMessageTime are UNIX epoch seconds (numbers, decimals allowed), e.g. Date.now() / 1000, ' +
  'DateTimeOffset.ToUnixTimeMilliseconds() / 1000.0 or microtime(true); not milliseconds, not strings.';
const FIX_NOT_FOUND = 'Answer 404 (with { error: { message } }) for a threadId that does not exist, never 200, 403 or 5xx.';

const textOf = (message: ThreadMessage): unknown => (message.data as { messageText?: unknown } | null)?.messageText;

/**
 * The write and read path of one thread, in order: create, read, add,
 * repeat the add, read `since`, and the unknown-thread answers. Returns the
 * thread id created, for the refusal checks (or undefined).
 */
export const checkThreads = async (
  context: CheckContext,
  acting: Acting,
  memberId: string,
  listed: readonly Thread[],
): Promise<string | undefined> => {
  const { probe, log, runId } = context;
  const call = (operation: 'createThread' | 'getThread' | 'addThreadMessage', body: object, key?: string) =>
    probe.call(operation, { user: acting.user, ...body }, { token: acting.token, ...(key === undefined ? {} : { idempotencyKey: key }) });

  const firstText = `ecb check-backend ${runId}: first message`;
  const createKey = `ecb-check-${runId}-create`;
  const createBody = { memberIds: [memberId], message: { type: 'text', data: { messageText: firstText } }, clientMessageId: createKey };
  const created = decodedAnswer(await call('createThread', createBody, createKey), threadAndMessagesAnswer, FIX_CREATE);
  const createdOutcome = E.isLeft(created) ? created.left : createdProblems(created.right, acting.user.userId, memberId, firstText);
  log.add('createThread', 'createThread stores the thread and its first message', createdOutcome);
  if (E.isLeft(created) || createdOutcome.verdict !== 'pass') {
    for (const id of ['threadToken.signature', 'threadToken.claims', 'createThread.idempotent', 'getThread', 'addThreadMessage', 'addThreadMessage.idempotent', 'getThread.since']) {
      log.add(id, id, skip('needs a thread from createThread'));
    }
    await checkEveryThreadToken(context, listed.map((thread) => ['getThreads', thread] as const));
    checkTimes(context, listed, []);
    await checkUnknownThread(context, acting);
    return undefined;
  }
  const thread = created.right.thread;
  const first = created.right.messages.find((m) => textOf(m) === firstText)!;
  await checkThreadToken(context, thread);

  const repeated = decodedAnswer(await call('createThread', createBody, createKey), threadAndMessagesAnswer, FIX_IDEMPOTENT);
  const read = decodedAnswer(await call('getThread', { threadId: thread.threadId }), threadAndMessagesAnswer, FIX_GET);
  const firstCopies = E.isRight(read) ? read.right.messages.filter((m) => textOf(m) === firstText).length : 1;
  const repeatedFirst = E.isRight(repeated) ? repeated.right.messages.find((m) => textOf(m) === firstText) : undefined;
  log.add(
    'createThread.idempotent',
    'a repeated createThread with the same Idempotency-Key answers the same thread and message, stored once',
    E.isLeft(repeated) ? repeated.left
      : repeated.right.thread.threadId !== thread.threadId ? fail(`the repeat created another thread (${repeated.right.thread.threadId})`, FIX_IDEMPOTENT)
        : repeatedFirst?.messageId !== first.messageId ? fail('the repeat answered the first message with another messageId (or without it)', FIX_IDEMPOTENT)
          : firstCopies !== 1 ? fail(`getThread shows the first message ${firstCopies} times`, FIX_IDEMPOTENT)
            : pass(),
  );

  log.add(
    'getThread',
    'getThread answers the thread with its messages',
    E.isLeft(read) ? read.left
      : read.right.thread.threadId !== thread.threadId ? fail('it answered another thread', FIX_GET)
        : read.right.messages.some((m) => m.messageId === first.messageId) ? pass()
          : fail('the first message of the new thread is missing', FIX_GET),
  );

  const addText = `ecb check-backend ${runId}: second message`;
  const addKey = `ecb-check-${runId}-add`;
  const addBody = { threadId: thread.threadId, message: { type: 'text', data: { messageText: addText } }, clientMessageId: addKey };
  const added = decodedAnswer(await call('addThreadMessage', addBody, addKey), threadAndMessagesAnswer, FIX_ADD);
  const stored = E.isRight(added) ? storedMessage(added.right.messages) : undefined;
  log.add(
    'addThreadMessage',
    'addThreadMessage stores the message and answers it as the latest',
    E.isLeft(added) ? added.left
      : stored === undefined || textOf(stored) !== addText ? fail('the latest message in the answer is not the one sent', FIX_ADD)
        : stored.fromUserId !== acting.user.userId ? fail(`fromUserId is ${JSON.stringify(stored.fromUserId)}, not the caller`, FIX_ADD)
          : pass(),
  );
  const answered: Array<readonly [string, Thread]> = listed.map((t) => ['getThreads', t] as const);
  const messages: ThreadMessage[] = [...created.right.messages];
  if (E.isRight(read)) answered.push(['getThread', read.right.thread]), messages.push(...read.right.messages);
  if (E.isRight(added)) answered.push(['addThreadMessage', added.right.thread]), messages.push(...added.right.messages);
  await checkEveryThreadToken(context, answered);
  checkTimes(context, [thread, ...answered.map(([, t]) => t)], messages);
  if (stored === undefined || textOf(stored) !== addText) {
    log.add('addThreadMessage.idempotent', 'addThreadMessage.idempotent', skip('needs a message from addThreadMessage'));
    log.add('getThread.since', 'getThread.since', skip('needs a message from addThreadMessage'));
    await checkUnknownThread(context, acting);
    return thread.threadId;
  }

  const again = decodedAnswer(await call('addThreadMessage', addBody, addKey), threadAndMessagesAnswer, FIX_IDEMPOTENT);
  const reread = decodedAnswer(await call('getThread', { threadId: thread.threadId }), threadAndMessagesAnswer, FIX_GET);
  const copies = E.isRight(reread) ? reread.right.messages.filter((m) => textOf(m) === addText).length : 0;
  const againId = E.isRight(again) ? storedMessage(again.right.messages)?.messageId : undefined;
  log.add(
    'addThreadMessage.idempotent',
    'a repeated addThreadMessage with the same Idempotency-Key answers the same message, stored once',
    E.isLeft(again) ? again.left
      : againId !== stored.messageId ? fail('the repeat answered another messageId', FIX_IDEMPOTENT)
        : E.isLeft(reread) ? reread.left
          : copies !== 1 ? fail(`getThread shows the message ${copies} times`, FIX_IDEMPOTENT)
            : pass(),
  );

  await checkSince(context, call, thread.threadId, first, stored);
  await checkUnknownThread(context, acting);
  return thread.threadId;
};

const createdProblems = (answer: ThreadAndMessages, userId: string, memberId: string, text: string) => {
  const memberIds = answer.thread.members.map((m) => m.userId);
  const missing = [userId, memberId].filter((id) => !memberIds.includes(id));
  if (missing.length > 0) return fail(`thread.members lacks ${missing.join(', ')}`, FIX_CREATE);
  const message = answer.messages.find((m) => textOf(m) === text);
  if (message === undefined) return fail('messages does not hold the first message that was sent', FIX_CREATE);
  if (message.fromUserId !== userId) return fail(`the message's fromUserId is ${JSON.stringify(message.fromUserId)}, not the caller`, FIX_CREATE);
  return pass();
};

const checkSince = async (
  context: CheckContext,
  call: (operation: 'getThread', body: object) => ReturnType<CheckContext['probe']['call']>,
  threadId: string,
  first: ThreadMessage,
  second: ThreadMessage,
): Promise<void> => {
  const since = first.creationTime;
  const answer = decodedAnswer(await call('getThread', { threadId, since }), threadAndMessagesAnswer, FIX_SINCE);
  const title = 'getThread with since answers only later messages';
  if (E.isLeft(answer)) {
    context.log.add('getThread.since', title, answer.left);
    return;
  }
  const messages = answer.right.messages;
  const early = messages.filter((m) => m.creationTime <= since);
  // Equal times are not "later": only expect the second message when its time is greater.
  const secondMissing = second.creationTime > since && !messages.some((m) => m.messageId === second.messageId);
  context.log.add(
    'getThread.since',
    title,
    secondMissing ? fail('a message later than since is missing', FIX_SINCE)
      : early.length > 0 ? pass(`it also returned ${early.length} older message(s), which ECB drops (allowed; cheaper without)`)
        : pass(),
  );
};

/** The earliest and latest plausible epoch-seconds times: 2000-01-01, and a day from now. */
const EPOCH_SECONDS_FROM = 946_684_800;
const A_DAY_SECONDS = 86_400;

/** Times in epoch seconds (ECB-SPEC §1): a time in milliseconds is a thousand times too late, and sorts and compares wrongly in every client. */
const checkTimes = (context: CheckContext, threads: readonly Thread[], messages: readonly ThreadMessage[]): void => {
  const latest = Date.now() / 1000 + A_DAY_SECONDS;
  const times: Array<[string, number]> = [
    ...threads.map((t) => [`thread ${JSON.stringify(t.threadId)} lastMessageTime`, t.lastMessageTime] as [string, number]),
    ...messages.map((m) => [`message ${JSON.stringify(m.messageId)} creationTime`, m.creationTime] as [string, number]),
  ];
  const wrong = times.filter(([, time]) => time !== 0 && (time < EPOCH_SECONDS_FROM || time > latest));
  context.log.add(
    'times.epoch-seconds',
    'creationTime and lastMessageTime are epoch seconds',
    wrong.length === 0 ? pass()
      : fail(`${wrong.slice(0, 2).map(([what, time]) => `${what} is ${time}${time > latest * 100 ? ' (milliseconds?)' : ''}`).join('; ')}`, FIX_TIMES),
  );
};

const checkUnknownThread = async (context: CheckContext, acting: Acting): Promise<void> => {
  const threadId = `ecb-check-no-such-thread-${context.runId}`;
  const message = { type: 'text', data: { messageText: 'nobody reads this' } };
  const read = await context.probe.call('getThread', { user: acting.user, threadId }, { token: acting.token });
  context.log.add('getThread.unknown-thread', 'getThread of an unknown thread answers 404', statusIs(read, [404], FIX_NOT_FOUND));
  const write = await context.probe.call('addThreadMessage', { user: acting.user, threadId, message }, { token: acting.token });
  context.log.add('addThreadMessage.unknown-thread', 'addThreadMessage to an unknown thread answers 404', statusIs(write, [404], FIX_NOT_FOUND));
};
