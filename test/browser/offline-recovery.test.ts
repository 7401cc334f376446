import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { PEER_THREAD_ID } from '../../reference-backend/seed.js';
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

describe('demo web chat in Chromium: a client that goes offline', function () {
  this.timeout(60_000);
  let running: DemoUnderTest;
  let browser: Browser;
  let alice: ChatPage;
  let bob: ChatPage;

  before(async function () {
    requireChromium(this);
    running = await startDemoUnderTest();
    browser = await launchChromium();
    alice = await openChatAs(browser, running.demo, 'alice');
    bob = await openChatAs(browser, running.demo, 'bob');
    await openConversation(alice.page, 'Bob');
    await openConversation(bob.page, 'Alice');
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  const storedTexts = async (): Promise<string[]> =>
    (await running.demo.backendStore.listMessages(PEER_THREAD_ID)).map((message) => String((message.data as { messageText: string }).messageText));

  it('queues what it sends, then delivers it and receives what it missed: nothing lost, nothing twice', async () => {
    const badge = alice.page.locator('#connection');
    await alice.context.setOffline(true);
    await badge.and(alice.page.locator('[data-state="reconnecting"]')).waitFor({ timeout: UI_TIMEOUT_MS });

    await sendWithEnter(alice.page, 'Written while offline');
    await alice.page.locator('#messages > li[data-pending]', { hasText: 'Written while offline' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await badge.filter({ hasText: '(1 waiting)' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // leaving the page now would lose the waiting message: the browser asks first (and the user stays)
    const asked = new Promise<string>((resolve) => {
      alice.page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type())));
      alice.page.once('close', () => resolve('closed without asking'));
    });
    await alice.page.close({ runBeforeUnload: true });
    expect(await asked).to.equal('beforeunload');
    expect(alice.page.isClosed()).to.equal(false);
    await sendWithEnter(bob.page, 'Missed while offline 1');
    await sendWithEnter(bob.page, 'Missed while offline 2');
    await waitForMessage(bob.page, 'Missed while offline 2');
    expect(await storedTexts()).to.not.include('Written while offline');
    expect((await shownMessages(alice.page)).map((message) => message.text)).to.not.include('Missed while offline 1');

    await alice.context.setOffline(false);
    await badge.and(alice.page.locator('[data-state="connected"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForMessage(alice.page, 'Written while offline');
    await waitForMessage(alice.page, 'Missed while offline 2');
    await waitForMessage(bob.page, 'Written while offline');

    const stored = await running.demo.backendStore.listMessages(PEER_THREAD_ID);
    const texts = await storedTexts();
    expect(texts.filter((text) => text === 'Written while offline')).to.have.length(1);
    expect(texts).to.include.members(['Missed while offline 1', 'Missed while offline 2']);
    for (const { page } of [alice, bob]) {
      const shown = await shownMessages(page);
      expect(shown.map((message) => message.id)).to.deep.equal(stored.map((message) => message.messageId));
      expect(shown.some((message) => message.pending)).to.equal(false);
    }
  });
});
