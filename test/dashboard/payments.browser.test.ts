import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { paymentById, pendingUpgrade, simulate } from '../support/billing.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { addPerson, DASHBOARD_PASSWORD } from '../support/dashboard.ts';
import { createProject, type TestProject } from '../support/factories.ts';

/**
 * Payments and refunds in real Chromium: the list (with "Needs attention"), a card
 * payment's page and a partial refund through the simulator typed into the form, a bank
 * transfer refunded outside Midtrans — at 1100 px and 390 px, in English and Indonesian,
 * axe-clean and never scrolling sideways; screenshots in test-artifacts/ to look at.
 */

let t: TestApp;
let browser: Browser;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date());
  project = await createProject(t.url, { name: 'Acme Notes' });
  await addPerson(t, 'finance@example.com', { projectId: project.id, role: 'finance' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function paid(externalId: string, method: 'credit_card' | 'bank_transfer') {
  const { payment } = await pendingUpgrade(t, project, externalId);
  t.clock.advance(60_000);
  await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: method, ...(method === 'bank_transfer' && { bank: 'bni' }) });
  return payment;
}

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('load');
  await saveScreenshot(page, { path: artifactPath(`dashboard-payments-${name}-${width}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const widest = await page.evaluate<string>(
    `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5).join(' ')`,
  );
  const sideways = await page.evaluate<boolean>(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
  expect(sideways, `${name} scrolls sideways at ${width}px (${widest})`).toBe(false);
}

describe('payments and refunds in a browser', { timeout: 240_000 }, () => {
  for (const width of [1100, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`lists, opens and refunds at ${width}px in ${lang}`, async () => {
        const tag = `${lang}-${width}`;
        const card = await paid(`card-${tag}`, 'credit_card');
        const va = await paid(`va-${tag}`, 'bank_transfer');
        await t.database.db.updateTable('payments').set({ refund_due_reason: 'settled_after_expiry', refund_due_at: t.clock.now() }).where('id', '=', va.id).execute();

        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        await page.goto(`${t.url}/dashboard/login`);
        await page.getByLabel('Email').fill('finance@example.com');
        await page.getByLabel(lang === 'id' ? 'Kata sandi' : 'Password').fill(DASHBOARD_PASSWORD);
        await page.getByRole('button', { name: lang === 'id' ? 'Masuk' : 'Sign in' }).click();
        await page.waitForURL(/\/dashboard(\?|$)/);

        await page.goto(`${t.url}/dashboard/projects/${project.id}/payments`);
        await expect(page.getByRole('heading', { level: 2, name: lang === 'id' ? 'Perlu tindakan' : 'Needs attention' }).isVisible()).resolves.toBe(true);
        await check(page, `list-${lang}`, width);

        // A card payment: refund part of it through Midtrans (the simulator), typing the amount.
        await page.goto(`${t.url}/dashboard/projects/${project.id}/payments/${card.id}`);
        await check(page, `card-${lang}`, width);
        const amount = page.getByRole('textbox', { name: lang === 'id' ? 'Jumlah yang dikembalikan (Rp)' : 'Amount to refund (Rp)' }).first();
        await amount.fill('50000');
        await page.getByRole('button', { name: lang === 'id' ? 'Kembalikan melalui Midtrans' : 'Refund through Midtrans' }).click();
        await page.waitForURL(/notice=refund_succeeded/);
        await expect(page.getByRole('status').textContent()).resolves.toMatch(lang === 'id' ? /dikembalikan\./ : /refunded\./);
        await check(page, `card-refunded-${lang}`, width);
        expect(await paymentById(t, card.id)).toMatchObject({ status: 'paid', refunded_amount: 50_000 });

        // A bank transfer flagged for refund: recorded as refunded outside Midtrans, with a note.
        await page.goto(`${t.url}/dashboard/projects/${project.id}/payments/${va.id}`);
        await check(page, `va-${lang}`, width);
        await page.getByLabel(lang === 'id' ? 'Cara dana dikembalikan' : 'How the money went back').fill('BNI transfer, ref 4455');
        await page.getByRole('button', { name: lang === 'id' ? 'Catat pengembalian di luar Midtrans' : 'Record refund outside Midtrans' }).click();
        await page.waitForURL(/notice=refund_recorded/);
        await check(page, `va-refunded-${lang}`, width);
        expect(await paymentById(t, va.id)).toMatchObject({ status: 'refunded', refunded_amount: 150_000 });
        await context.close();
      });
    }
  }
});
