import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { png } from '../support/images.ts';
import { send, startTestCatcher } from './support.ts';

/**
 * The inbox in real Chromium at desktop and phone widths: axe-clean, nothing sideways,
 * nothing from another origin, no CSP report from our pages, the message's inline image
 * shown inside the sandboxed frame; screenshots for people to look at.
 */

let catcher: MailCatcher;
let browser: Browser;

const receiptHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt</title></head>
<body style="font-family:sans-serif;color:#222;margin:16px">
<img src="cid:logo@langgan" alt="Acme Notes" width="120" height="40">
<h1 style="font-size:20px">Payment received</h1>
<p>Hi Ana, we received <strong>Rp 150.000</strong> for <em>Pro (monthly)</em>.</p>
<table style="border-collapse:collapse"><tr><th style="text-align:left;padding:4px 8px">Period</th><td style="padding:4px 8px">1 Dec 2025 – 1 Jan 2026</td></tr>
<tr><th style="text-align:left;padding:4px 8px">Method</th><td style="padding:4px 8px">BCA Virtual Account</td></tr></table>
<p><img src="https://tracker.example/pixel.gif" alt=""></p>
</body></html>`;

beforeAll(async () => {
  catcher = await startTestCatcher();
  browser = await launchBrowser();
  await send(catcher, { to: 'budi.santoso.with.a.long.address@subdomain.example.co.id', subject: 'Your plan changes on <b>1 Jan</b>', text: 'Plain only.' });
  await send(catcher, {
    from: 'Acme Notes billing <billing@acme-notes.example>',
    to: 'Ana <ana@example.com>',
    subject: 'Payment received: Rp 150.000 for Pro (monthly)',
    text: 'Hi Ana,\n\nwe received Rp 150.000 for Pro (monthly).\nManage billing: http://localhost:3000/portal?session=ps_0123456789abcdefghijklmnopqrstuvwxyz\n',
    html: receiptHtml,
    attachments: [{ filename: 'logo.png', content: png(120, 40, [79, 70, 229]), cid: 'logo@langgan', contentType: 'image/png' }],
  });
});
afterAll(async () => {
  await browser?.close();
  await catcher?.close();
});

async function openPage(width: number): Promise<{ page: Page; foreign: string[]; blockedByCsp: string[]; cspReports: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const origin = new URL(catcher.httpUrl).origin;
  const foreign: string[] = [];
  const cspReports: string[] = [];
  const blockedByCsp: string[] = [];
  // A request the CSP blocks still fires 'request' (then 'requestfailed'); only one that got an answer left the machine.
  page.on('requestfinished', (request) => {
    if (new URL(request.url()).origin !== origin) foreign.push(request.url());
  });
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText === 'csp') blockedByCsp.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspReports.push(message.text());
  });
  return { page, foreign, blockedByCsp, cspReports };
}

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  await saveScreenshot(page, { path: artifactPath(`mail-catcher-${name}.png`), fullPage: true });
  // The message's own HTML is the sender's markup, not the inbox's, and runs no script (its frame is
  // sandboxed), so axe could not run inside it anyway: the frame element is checked, its content is not.
  const results = await new AxeBuilder({ page }).setLegacyMode().options({ iframes: false }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const sideways = await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
  expect(sideways, `${name} scrolls sideways`).toBe(false);
}

describe('the inbox in a browser', { timeout: 120_000 }, () => {
  for (const width of [1280, 390]) {
    it(`lists and shows messages at ${width}px, axe-clean, with the inline image in the sandboxed frame`, async () => {
      const { page, foreign, blockedByCsp, cspReports } = await openPage(width);
      await page.goto(catcher.httpUrl);
      await expect.poll(() => page.getByRole('link', { name: 'Your plan changes on <b>1 Jan</b>' }).count()).toBe(1);
      await check(page, `inbox-${width}`);

      await page.getByRole('link', { name: /Payment received/ }).click();
      await page.waitForURL(/\/messages\/msg_/);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Payment received: Rp 150.000 for Pro (monthly)');
      const frame = page.frameLocator('iframe[sandbox]');
      await expect.poll(() => frame.getByRole('img', { name: 'Acme Notes' }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(120);
      // From the keyboard (a pointer click below the fold after the frame's evaluate was flaky in Playwright).
      await page.getByText('All headers').press('Enter');
      await expect.poll(() => page.locator('table.headers').isVisible()).toBe(true);
      await check(page, `message-${width}`);

      // The remote "tracking pixel" in the message is the one thing refused, by the frame's CSP; nothing left the machine.
      expect(foreign).toEqual([]);
      expect(blockedByCsp).toEqual(['https://tracker.example/pixel.gif']);
      expect(cspReports.length).toBeGreaterThan(0);
      expect(cspReports.every((report) => report.includes('tracker.example'))).toBe(true);
      await page.context().close();
    });
  }

  it('"Delete all" empties the inbox', async () => {
    const { page } = await openPage(390);
    await page.goto(catcher.httpUrl);
    await page.getByRole('button', { name: 'Delete all' }).click();
    await expect.poll(() => page.getByText('No messages yet').count()).toBe(1);
    await check(page, 'empty-390');
    expect(catcher.messages()).toEqual([]);
    await page.context().close();
  });
});
