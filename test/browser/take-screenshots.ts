// Not a test: writes the README's screenshots of the demo web chat.
//   npm run build && node dist/test/browser/take-screenshots.js
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  launchChromium,
  openChatAs,
  openConversation,
  sendWithEnter,
  startDemoUnderTest,
  UI_TIMEOUT_MS,
  waitForMessage,
} from './browser-harness.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 760 };
const PHONE = { width: 375, height: 740 };

const shoot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: `${OUT}${name}.png` });
  console.log(`${OUT}${name}.png`);
};

const startWith = async (page: Page, contact: string, text: string): Promise<void> => {
  await page.locator('#contact-list button', { hasText: contact }).click();
  await sendWithEnter(page, text);
  await waitForMessage(page, text);
};

const main = async (): Promise<void> => {
  mkdirSync(OUT, { recursive: true });
  const running = await startDemoUnderTest();
  const browser = await launchChromium();
  try {
    const { demo } = running;
    const picker = await (await browser.newContext({ viewport: { width: 1000, height: 560 } })).newPage();
    await picker.goto(`${demo.ecb.url}/`);
    await shoot(picker, 'signin');

    // Two colleagues: Alice on a desktop, Bob on a phone; Carol writes to Alice meanwhile.
    const alice = await openChatAs(browser, demo, 'alice', DESKTOP);
    const bob = await openChatAs(browser, demo, 'bob', PHONE);
    const carol = await openChatAs(browser, demo, 'carol', DESKTOP);
    await openConversation(alice.page, 'Bob');
    await openConversation(bob.page, 'Alice');
    await sendWithEnter(alice.page, 'Great, see you there! Shall I book a table?');
    await waitForMessage(bob.page, 'Shall I book a table?');
    await sendWithEnter(bob.page, 'Yes please, for three: Carol is joining us.');
    await waitForMessage(alice.page, 'Carol is joining us.');
    await startWith(carol.page, 'Alice', 'Hi Alice! Do you have the slides for Friday?');
    await alice.page.locator('#thread-list .unread-count').waitFor({ timeout: UI_TIMEOUT_MS });
    await bob.page.locator('#message-input').pressSequentially('Perfect, and I');
    await alice.page.locator('#typing', { hasText: 'Bob is typing…' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await shoot(alice.page, 'chat-desktop');
    await shoot(bob.page, 'chat-mobile');
    await bob.page.locator('#back').click();
    await shoot(bob.page, 'chat-mobile-list');

    // Customer support: Dana follows up in her waiting thread, Eli opens a request with Sam.
    const dana = await openChatAs(browser, demo, 'cust-dana', DESKTOP);
    const eli = await openChatAs(browser, demo, 'cust-eli', DESKTOP);
    const sam = await openChatAs(browser, demo, 'agent-sam', DESKTOP);
    await openConversation(dana.page, 'Order #1042');
    await sendWithEnter(dana.page, 'Any news about my order? It was due on Monday.');
    await startWith(eli.page, 'Sam', 'Hello, how do I change my delivery address?');
    await sam.page.locator('#thread-list button', { hasText: 'Request from Eli' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await openConversation(sam.page, 'Order #1042');
    await waitForMessage(sam.page, 'It was due on Monday.');
    await sam.page.locator('#message-input').fill('Hi Dana, I am checking with the carrier now.');
    await shoot(sam.page, 'agent-view');
  } finally {
    await browser.close();
    await running.close();
  }
};

await main();
