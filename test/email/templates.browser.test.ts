import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import type { TestApp } from '../support/app.ts';
import { pendingUpgrade, simulate } from '../support/billing.ts';
import { artifactPath, saveScreenshot } from '../support/browser.ts';
import { createSession, type TestProject } from '../support/factories.ts';
import { startEmailLook, type EmailLook } from './support/look.ts';

/**
 * The receipt as a customer's mail client renders it: both languages, desktop and phone
 * widths, in the project's colours; no horizontal scrolling, no accessibility violations,
 * nothing fetched from anywhere. Screenshots go to test-artifacts/ for people to look at.
 */
let look: EmailLook;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;
let browser: Browser;

beforeAll(async () => {
  look = await startEmailLook();
  ({ catcher, t, project, browser } = look);
});
afterAll(() => look?.close());

async function receiptFor(externalId: string, locale: 'en' | 'id') {
  await createSession(t.url, project, externalId, { email: `${externalId}@example.com`, name: 'Ana Lestari', locale });
  const { payment } = await pendingUpgrade(t, project, externalId);
  await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
  await deliverEmails(t.deps);
  return catcher.waitFor((m) => m.to.includes(`${externalId}@example.com`));
}

describe.each([
  ['en', 'Payment received'],
  ['id', 'Pembayaran diterima'],
] as const)('the receipt in %s', (locale, heading) => {
  it.each([1280, 390])('reads well at %i px: no horizontal scroll, axe-clean, no outside requests', async (width) => {
    const message = await receiptFor(`look-${locale}-${width}`, locale);
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await page.setContent(message.html!, { waitUntil: 'load' });
      await saveScreenshot(page, { path: artifactPath(`email-receipt-${locale}-${width}.png`), fullPage: true });
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(heading);
      const sideways = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
      expect(sideways[0], 'scrolls sideways').toBeLessThanOrEqual(sideways[1]);
      expect(await page.getByText('Warung Awan', { exact: true }).count()).toBeGreaterThan(0);
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
