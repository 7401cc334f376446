import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { PEER_THREAD_ID } from '../../reference-backend/seed.js';
import {
  launchChromium,
  openChatAs,
  openConversation,
  openTab,
  requireChromium,
  sendWithEnter,
  shownMessages,
  startDemoUnderTest,
  UI_TIMEOUT_MS,
  waitForMessage,
  type ChatPage,
  type DemoUnderTest,
} from './browser-harness.js';

describe('demo web chat in Chromium: two colleagues', function () {
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
  });

  after(async () => {
    await browser?.close();
    await running?.close();
  });

  it('signs in from the picker as the user chosen', async () => {
    const page = await (await browser.newContext()).newPage();
    try {
      await page.goto(`${running.demo.ecb.url}/`);
      await page.getByRole('link', { name: /Carol/ }).click();
      await page.waitForSelector('body[data-ready="true"]', { timeout: UI_TIMEOUT_MS });
      expect(new URL(page.url()).searchParams.get('user')).to.equal('carol');
      expect(await page.locator('#me-name').textContent()).to.equal('Carol · Colleague');
      expect(await page.locator('#connection').getAttribute('data-state')).to.equal('connected');
    } finally {
      await page.context().close();
    }
  });

  it('delivers messages both ways, each shown once, in the order the backend stored them', async () => {
    await openConversation(alice.page, 'Bob');
    await openConversation(bob.page, 'Alice');

    await sendWithEnter(alice.page, 'Hello Bob, from a browser');
    await waitForMessage(bob.page, 'Hello Bob, from a browser');
    await sendWithEnter(bob.page, 'Hi Alice, got it');
    await waitForMessage(alice.page, 'Hi Alice, got it');
    await waitForMessage(bob.page, 'Hi Alice, got it');

    const stored = (await running.demo.backendStore.listMessages(PEER_THREAD_ID)).map((message) => message.messageId);
    expect(stored).to.have.length(4);
    for (const { page } of [alice, bob]) {
      const shown = await shownMessages(page);
      expect(shown.map((message) => message.id)).to.deep.equal(stored);
      expect(shown.slice(2).map((message) => message.text)).to.deep.equal(['Hello Bob, from a browser', 'Hi Alice, got it']);
    }
  });

  it('shows "Bob is typing…" while Bob types, and clears it when he erases or sends', async () => {
    const indicator = alice.page.locator('#typing');
    await bob.page.locator('#message-input').pressSequentially('Are you');
    await indicator.filter({ hasText: 'Bob is typing…' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await bob.page.locator('#message-input').fill('');
    await alice.page.waitForFunction(() => document.getElementById('typing')?.textContent === '', undefined, { timeout: UI_TIMEOUT_MS });

    await bob.page.locator('#message-input').pressSequentially('Are you coming?');
    await indicator.filter({ hasText: 'Bob is typing…' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await bob.page.locator('#message-input').press('Enter');
    await waitForMessage(alice.page, 'Are you coming?');
    await alice.page.waitForFunction(() => document.getElementById('typing')?.textContent === '', undefined, { timeout: UI_TIMEOUT_MS });
  });

  it('starts one conversation, not two, for messages sent in a row before the first is stored', async () => {
    const carol = await openChatAs(browser, running.demo, 'carol');
    try {
      await carol.page.locator('#contact-list button', { hasText: 'Sam' }).click();
      await carol.page.locator('#thread-title', { hasText: 'Sam' }).waitFor({ timeout: UI_TIMEOUT_MS });
      // two Enters in the same tick, as a fast typist's
      await carol.page.evaluate(() => {
        const input = document.getElementById('message-input') as HTMLTextAreaElement;
        const enter = () => input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        input.value = 'hello Sam';
        enter();
        input.value = 'are you there?';
        enter();
      });
      await waitForMessage(carol.page, 'are you there?');
      const withSam = (await running.demo.backendStore.threadsOfMember('carol')).filter((thread) => thread.memberIds.includes('agent-sam'));
      expect(withSam).to.have.length(1);
      const texts = (await running.demo.backendStore.listMessages(withSam[0]!.threadId)).map((message) => (message.data as { messageText?: string }).messageText);
      expect(texts).to.deep.equal(['hello Sam', 'are you there?']);
      expect((await shownMessages(carol.page)).map((message) => message.text)).to.deep.equal(texts);
      expect(await carol.page.locator('#thread-list .item-title', { hasText: 'Sam' }).count()).to.equal(1);
    } finally {
      await carol.page.context().close();
    }
  });

  it('keeps the conversation, open, across a reload', async () => {
    const before = await shownMessages(alice.page);
    expect(before.map((message) => message.text)).to.include('Are you coming?');

    await alice.page.reload();
    await alice.page.waitForSelector('body[data-ready="true"]', { timeout: UI_TIMEOUT_MS });

    expect(await alice.page.locator('#thread-title').textContent()).to.equal('Bob');
    expect(await shownMessages(alice.page)).to.deep.equal(before);
  });

  it("shows what Alice sends in one tab in her other tab, as hers", async () => {
    const secondTab = await openTab(alice.context, running.demo, 'alice');
    try {
      await sendWithEnter(alice.page, 'Sent from my first tab');
      const preview = secondTab.locator('#thread-list button', { hasText: 'You: Sent from my first tab' });
      await preview.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await preview.locator('.unread-count').count()).to.equal(0);
      await openConversation(secondTab, 'Bob');
      expect(await secondTab.locator('#messages > li.mine', { hasText: 'Sent from my first tab' }).count()).to.equal(1);
    } finally {
      await secondTab.close();
    }
  });

  it('moves a thread with a new message to the top of the list, marked unread, until it is opened', async () => {
    // Alice starts a conversation with Carol, then goes back to Bob; Carol answers.
    const carol = await openChatAs(browser, running.demo, 'carol');
    try {
      await alice.page.locator('#contact-list button', { hasText: 'Carol' }).click();
      await sendWithEnter(alice.page, 'Carol, a minute?');
      await waitForMessage(alice.page, 'Carol, a minute?');
      await openConversation(alice.page, 'Bob');

      const fromAlice = carol.page.locator('.sidebar button[data-thread-id]', { hasText: 'Carol, a minute?' });
      await fromAlice.waitFor({ timeout: UI_TIMEOUT_MS });
      await fromAlice.click();
      await sendWithEnter(carol.page, 'Sure, go ahead');

      const first = alice.page.locator('#thread-list li').first();
      await first.locator('.unread-count', { hasText: '1' }).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await first.locator('.item-title').textContent()).to.equal('Carol');
      expect(await first.locator('.item-preview').textContent()).to.equal('Carol: Sure, go ahead');

      await openConversation(alice.page, 'Carol');
      expect(await alice.page.locator('#thread-list .unread-count').count()).to.equal(0);
    } finally {
      await carol.context.close();
    }
  });

  it('puts a message ECB refuses back into the message field, marked not sent', async () => {
    await openConversation(alice.page, 'Bob');
    const huge = 'x'.repeat(70_000); // over ECB_MAX_MESSAGE_BYTES (64 KiB)
    await sendWithEnter(alice.page, huge);
    const failed = alice.page.locator('#messages > li[data-failed="PAYLOAD_TOO_LARGE"]');
    await failed.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await failed.locator('.message-time').textContent()).to.equal('Not sent (PAYLOAD_TOO_LARGE): back in the message field');
    expect(await alice.page.locator('#message-input').inputValue()).to.equal(huge);
    await alice.page.locator('#message-input').fill('');
  });

  it("clears a thread's unread mark in the user's other tab when one tab reads it, and keeps it clear after a reload", async () => {
    const secondTab = await openTab(alice.context, running.demo, 'alice');
    try {
      await openConversation(alice.page, 'Carol');
      await sendWithEnter(bob.page, 'Alice, are you reading this?');
      const unreadIn = (page: typeof secondTab) =>
        page.locator('#thread-list button', { hasText: 'Bob: Alice, are you reading this?' }).locator('.unread-count');
      await unreadIn(secondTab).waitFor({ timeout: UI_TIMEOUT_MS });
      await unreadIn(alice.page).waitFor({ timeout: UI_TIMEOUT_MS });

      await openConversation(alice.page, 'Bob');
      await unreadIn(secondTab).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await secondTab.reload();
      await secondTab.waitForSelector('body[data-ready="true"]', { timeout: UI_TIMEOUT_MS });
      await secondTab.locator('#thread-list button', { hasText: 'Bob: Alice, are you reading this?' }).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await unreadIn(secondTab).count()).to.equal(0);
    } finally {
      await secondTab.close();
    }
  });
});
