import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../src/cli/demo.js';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a browser-side expectation may take to come true (pushes, reconnections). */
export const UI_TIMEOUT_MS = 20_000;

/**
 * Call first in a suite's `before`: without Chromium the suite is skipped
 * locally, and fails in CI, where the browser tests are mandatory.
 */
export const requireChromium = (context: Mocha.Context): void => {
  if (existsSync(CHROMIUM)) return;
  if (process.env['CI'] === 'true') throw new Error(`${CHROMIUM} not found: the browser tests are mandatory in CI`);
  if (!skipAnnounced) console.log('skipped: Chromium not found — install it with `apt-get install -y chromium` to run the browser tests');
  skipAnnounced = true;
  context.skip();
};

let skipAnnounced = false;

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

/** `ecb demo` in this process, with its keys in a fresh temporary folder. */
export interface DemoUnderTest {
  readonly demo: RunningDemo;
  close(): Promise<void>;
}

export const startDemoUnderTest = async (): Promise<DemoUnderTest> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ecb-browser-'));
  const demo = await startDemo({ port: 0, dataDir, quiet: true });
  return {
    demo,
    close: async () => {
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export interface ChatPage {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A new browser context (its own storage: another person) signed in as `userId`. */
export const openChatAs = async (
  browser: Browser,
  demo: RunningDemo,
  userId: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<ChatPage> => {
  const context = await browser.newContext({ viewport });
  return { context, page: await openTab(context, demo, userId) };
};

/** Another tab of the same person (the context's storage shared), signed in as `userId`. */
export const openTab = async (context: BrowserContext, demo: RunningDemo, userId: string): Promise<Page> => {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${userId}] page error: ${error.message}`));
  await page.goto(`${demo.ecb.url}/?user=${encodeURIComponent(userId)}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: UI_TIMEOUT_MS });
  return page;
};

/** Clicks the conversation (or support queue entry) whose title is `title`, and waits for it to show. */
export const openConversation = async (page: Page, title: string): Promise<void> => {
  await page.locator('.sidebar button[data-thread-id]', { has: page.locator('.item-title', { hasText: title }) }).click();
  await page.locator('#thread-title', { hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
};

/** Types into the message field and presses Enter, as a person would. */
export const sendWithEnter = async (page: Page, text: string): Promise<void> => {
  await page.locator('#message-input').fill(text);
  await page.locator('#message-input').press('Enter');
};

/** The message items of the open conversation, in the order shown. */
export const shownMessages = (page: Page): Promise<Array<{ id: string | null; text: string; pending: boolean }>> =>
  page.locator('#messages > li').evaluateAll((items) =>
    items.map((item) => ({
      id: item.getAttribute('data-message-id'),
      text: item.querySelector('.message-text')?.textContent ?? '',
      pending: item.hasAttribute('data-pending'),
    })),
  );

/** Waits until the open conversation shows a stored (not pending) message with this text. */
export const waitForMessage = (page: Page, text: string): Promise<void> =>
  page
    .locator('#messages > li[data-message-id]', { has: page.locator('.message-text', { hasText: text }) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT_MS });
