import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { SUPPORT_THREAD_ID } from '../../reference-backend/seed.js';
import {
  launchChromium,
  openChatAs,
  openConversation,
  requireChromium,
  sendWithEnter,
  shownMessages,
  startDemoUnderTest,
  UI_TIMEOUT_MS,
  waitForMessage,
  type ChatPage,
  type DemoUnderTest,
} from './browser-harness.js';

const TITLE = 'Order #1042 has not arrived';

describe('demo web chat in Chromium: customer support', function () {
  this.timeout(60_000);
  let running: DemoUnderTest;
  let browser: Browser;
  let dana: ChatPage;
  let sam: ChatPage;

  before(async function () {
    requireChromium(this);
    running = await startDemoUnderTest();
    browser = await launchChromium();
    dana = await openChatAs(browser, running.demo, 'cust-dana');
    sam = await openChatAs(browser, running.demo, 'agent-sam', { width: 390, height: 760 });
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it('lets an agent see a customer write in the support queue, join by replying, and the customer see the reply live', async () => {
    // The agent is not a member yet: the thread is in his support queue, not his conversations.
    const queued = sam.page.locator('#queue-list button[data-thread-id]', { hasText: TITLE });
    await queued.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await sam.page.locator('#thread-list button', { hasText: TITLE }).count()).to.equal(0);

    await openConversation(dana.page, TITLE);
    await sendWithEnter(dana.page, 'Any news about my order?');
    await queued.locator('.unread-count', { hasText: '1' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await queued.locator('.item-preview').textContent()).to.equal('Dana: Any news about my order?');

    await openConversation(sam.page, TITLE);
    await waitForMessage(sam.page, 'Any news about my order?');
    expect(await sam.page.locator('#join-hint').isVisible()).to.equal(true);
    expect(await sam.page.locator('#send').textContent()).to.equal('Join and send');

    await sendWithEnter(sam.page, 'Hi Dana, I am looking into it now.');
    await waitForMessage(dana.page, 'Hi Dana, I am looking into it now.');
    const reply = dana.page.locator('#messages > li', { hasText: 'Hi Dana, I am looking into it now.' });
    expect(await reply.locator('.message-author').textContent()).to.equal('Sam');

    // Joined: a member now, and (back on the list, on his phone-sized screen) the thread
    // moved from the queue to his conversations.
    await sam.page.locator('#join-hint').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    expect((await running.demo.backendStore.findThread(SUPPORT_THREAD_ID))?.memberIds).to.include('agent-sam');
    const stored = (await running.demo.backendStore.listMessages(SUPPORT_THREAD_ID)).map((message) => message.messageId);
    for (const { page } of [dana, sam]) {
      expect((await shownMessages(page)).map((message) => message.id)).to.deep.equal(stored);
    }
    await sam.page.locator('#back').click();
    await sam.page.locator('#thread-list button', { hasText: TITLE }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await queued.count()).to.equal(0);
  });
});
