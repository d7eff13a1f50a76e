import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import type { TestApp } from '../support/app.ts';
import { pendingUpgrade } from '../support/billing.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { addPerson, DASHBOARD_PASSWORD } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * The customers pages in real Chromium: the list with a search, one customer's page, and
 * actions (cancel at the period end with a reason; email a payment link, which arrives at
 * the mail catcher), at desktop and phone widths in both languages; axe-clean, no sideways
 * scrolling; screenshots in test-artifacts/.
 */

let world: MailWorld;
let t: TestApp;
let browser: Browser;
let project: TestProject;
const DAY = 86_400_000;

beforeAll(async () => {
  world = await startMailApp();
  t = world.t;
  t.clock.set(new Date());
  project = await createProject(t.url, { name: 'Acme Notes' });
  await addPerson(t, 'owner@example.com', { projectId: project.id, role: 'owner' });
  const periodEnd = new Date(t.clock.now().getTime() + 20 * DAY);
  const customers = [
    ['ana-01', 'Ana Wijaya', 'ana@acme.test', { plan_id: project.plans.business!.id, saved_card_last4: '1114' }],
    ['budi-02', 'Budi Santoso', 'budi@acme.test', { plan_id: project.plans.pro!.id, status: 'past_due', grace_ends_at: new Date(periodEnd.getTime() + 3 * DAY) }],
    ['citra-03', 'Citra Lestari', null, { plan_id: project.plans.pro!.id, cancel_at_period_end: true, cancel_reason: 'Moving to another tool', canceled_at: t.clock.now() }],
    ['dewi-04', 'Dewi Anggraini', 'dewi@acme.test', {}],
  ] as const;
  for (const [id, name, email, state] of customers) {
    t.clock.advance(60_000);
    expect((await createSession(t.url, project, id, { name, ...(email && { email }) })).status).toBe(200);
    if (Object.keys(state).length) {
      const eu = await t.database.db.selectFrom('end_users').select('id').where('external_id', '=', id).executeTakeFirstOrThrow();
      await t.database.db
        .updateTable('subscriptions')
        .set({ status: 'active', current_period_start: new Date(periodEnd.getTime() - 30 * DAY), current_period_end: periodEnd, ...state })
        .where('end_user_id', '=', eu.id)
        .execute();
    }
  }
  t.clock.advance(60_000);
  const eko = await pendingUpgrade(t, project, 'eko-05', 'pro');
  await t.database.db.updateTable('end_users').set({ email: 'eko@acme.test', name: 'Eko Prasetyo' }).where('id', '=', eko.eu).execute();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('load');
  await saveScreenshot(page, { path: artifactPath(`dashboard-customers-${name}-${width}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const sideways = await page.evaluate<boolean>(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
  expect(sideways, `${name} scrolls sideways at ${width}px`).toBe(false);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${t.url}/dashboard`);
  await page.getByLabel(/^(Email)$/).fill('owner@example.com');
  await page.getByLabel(/^(Password|Kata sandi)$/).fill(DASHBOARD_PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Masuk)$/ }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

describe('the customers pages in a browser', { timeout: 180_000 }, () => {
  for (const width of [1100, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`lists, searches and shows a customer, axe-clean at ${width}px in ${lang}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        await signIn(page);
        await page.goto(`${t.url}/dashboard/projects/${project.id}/customers`);
        await check(page, `list-${lang}`, width);
        expect(await page.locator('tbody tr').count()).toBe(5);

        await page.getByLabel(lang === 'id' ? 'Cari' : 'Search').fill('BUDI');
        await page.getByRole('button', { name: lang === 'id' ? 'Tampilkan' : 'Show' }).click();
        await page.waitForURL(/q=BUDI/);
        expect(await page.locator('tbody tr').count()).toBe(1);
        await check(page, `search-${lang}`, width);

        await page.getByRole('link', { name: 'budi-02' }).click();
        await page.waitForURL(/customers\/budi-02$/);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Budi Santoso');
        await check(page, `customer-${lang}`, width);

        await page.goto(`${t.url}/dashboard/projects/${project.id}/customers/eko-05`);
        await check(page, `customer-pending-${lang}`, width);
        await context.close();
      });
    }
  }

  it('cancels a subscription at the period end with a reason, then shows it', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${t.url}/dashboard/projects/${project.id}/customers/ana-01`);
    await page.getByLabel('Reason (shown to your team and in the events)').fill('Asked by phone');
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.waitForURL(/notice=canceled/);
    expect(await page.getByRole('status').textContent()).toBe('The subscription will cancel at the period end.');
    expect(await page.locator('main').textContent()).toContain('Reason: Asked by phone');
    await check(page, 'customer-canceled-en', 1100);
    await page.getByRole('button', { name: 'Resume subscription' }).click();
    await page.waitForURL(/notice=resumed/);
    await context.close();
  });

  it("emails an open payment's link to the customer, who gets it in the mail catcher", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'id-ID' });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${t.url}/dashboard/projects/${project.id}/customers/eko-05`);
    world.catcher.clear();
    await page.getByRole('button', { name: 'Kirim lewat email ke eko@acme.test' }).click();
    await page.waitForURL(/notice=link_emailed/);
    expect(await page.getByRole('status').textContent()).toContain('Tautan pembayaran sedang dikirim ke pelanggan.');
    await check(page, 'customer-link-emailed-id', 390);
    while ((await deliverEmails(t.deps)).sent > 0);
    const [message] = world.catcher.messages().filter((m) => m.to.includes('eko@acme.test'));
    expect(message?.subject).toBe('Ready to pay: Pro, IDR 150,000');
    await context.close();
  });
});
