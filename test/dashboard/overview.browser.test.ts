import { AxeBuilder } from '@axe-core/playwright';
import type { Insertable } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_BYTES } from '../../src/apps/dashboard/http/assets.ts';
import type { PaymentsTable } from '../../src/db/types.ts';
import { newId } from '../../src/lib/ids.ts';
import { updateSubscription } from '../../src/modules/subscriptions/subscriptions.repository.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, subscriptionOf } from '../support/billing.ts';
import { artifactPath, launchBrowser, saveScreenshot } from '../support/browser.ts';
import { addPerson, DASHBOARD_PASSWORD } from '../support/dashboard.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

/**
 * The overview's figures and charts in real Chromium: a project with a year of history and
 * one with none, at 1100 and 390 px, in English and Indonesian; axe-clean, no CSP report,
 * nothing from another origin, no sideways scrolling, the charts' tables open with the same
 * numbers. Screenshots in test-artifacts/overview-*.png.
 */

let t: TestApp;
let browser: Browser;
let busy: TestProject;
let empty: TestProject;
const NOW = new Date('2026-03-10T05:00:00Z');
const DAY = 86_400_000;

const PLANS = [
  { code: 'free', name: 'Free', price: 0, is_default: true },
  { code: 'pro', name: 'Pro', price: 150_000 },
  { code: 'business', name: 'Business', price: 450_000 },
  { code: 'pro-year', name: 'Pro yearly', price: 1_500_000, interval: 'year' as const },
];

/**
 * A growing year: customer i starts in month i % 12 (later months get more of them), on a
 * plan by i; every 7th leaves two months later, every 6th upgrades a month later, a few are
 * past due. Monthly customers pay on their start's day of month, so the last 30 days show
 * renewals most days; two refunds and one payment flagged for refund.
 */
async function seedHistory(project: TestProject): Promise<void> {
  const start = Date.UTC(2025, 3, 1);
  for (let i = 0; i < 48; i++) {
    t.clock.set(new Date(start - DAY));
    const endUserId = await endUser(t, project, `customer-${i}`);
    const sub = (await subscriptionOf(t, endUserId))!;
    const month = Math.floor(Math.sqrt(i * 3)) % 12;
    const startsAt = new Date(Date.UTC(2025, 3 + month, 1 + ((i * 5) % 27), 3));
    if (startsAt >= NOW) continue;
    const plan = i % 4 === 3 ? 'pro-year' : i % 5 === 2 ? 'business' : 'pro';
    await updateSubscription(t.deps.db, sub.id, { plan_id: project.plans[plan]!.id, status: 'active' }, startsAt);
    let current = plan;
    let endsAt: Date | undefined;
    if (i % 7 === 0) endsAt = new Date(startsAt.getTime() + 61 * DAY);
    if (i % 6 === 0 && plan === 'pro' && startsAt.getTime() + 31 * DAY < NOW.getTime()) {
      await updateSubscription(t.deps.db, sub.id, { plan_id: project.plans.business!.id }, new Date(startsAt.getTime() + 31 * DAY));
      current = 'business';
    }
    if (endsAt && endsAt < NOW) await updateSubscription(t.deps.db, sub.id, { status: 'canceled' }, endsAt);
    else if (i % 11 === 1 && current !== 'pro-year') await updateSubscription(t.deps.db, sub.id, { status: 'past_due' }, new Date(NOW.getTime() - 2 * DAY));
    // Payments: the start, then each month's renewal while paying (yearly: the start only).
    const price = PLANS.find((p) => p.code === current)!.price;
    const last = endsAt && endsAt < NOW ? endsAt : NOW;
    for (let at = startsAt, n = 0; at < last; at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), 3 + (n % 6))), n++) {
      if (n > 0 && current === 'pro-year') break;
      const id = await pay(project, sub.id, endUserId, current, price, at);
      if (i === 5 && at.getTime() > NOW.getTime() - 20 * DAY) await refund(project, id, price, new Date(at.getTime() + 2 * DAY));
    }
  }
  const someone = await t.deps.db.selectFrom('payments').select(['id', 'subscription_id', 'end_user_id']).where('project_id', '=', project.id).orderBy('paid_at', 'desc').executeTakeFirstOrThrow();
  await pay(project, someone.subscription_id, someone.end_user_id, 'pro', 150_000, new Date(NOW.getTime() - DAY), {
    refund_due_reason: 'settled_after_expiry',
    refund_due_at: new Date(NOW.getTime() - DAY),
  });
}

async function pay(project: TestProject, subscriptionId: string, endUserId: string, plan: string, amount: number, at: Date, extra: Partial<Insertable<PaymentsTable>> = {}): Promise<string> {
  const id = newId('pay');
  await t.deps.db
    .insertInto('payments')
    .values({
      id,
      project_id: project.id,
      subscription_id: subscriptionId,
      end_user_id: endUserId,
      purpose: 'renewal',
      plan_id: project.plans[plan]!.id,
      description: plan,
      amount,
      currency: 'IDR',
      item_details: '[]',
      period_start: null,
      period_end: null,
      status: 'paid',
      order_id: id.replace(/[^A-Za-z0-9]/g, '').slice(0, 40),
      gateway: 'midtrans',
      expires_at: new Date(at.getTime() + DAY),
      paid_at: at,
      refund_due_reason: null,
      refund_due_at: null,
      created_at: at,
      updated_at: at,
      ...extra,
    } as Insertable<PaymentsTable>)
    .execute();
  return id;
}

async function refund(project: TestProject, paymentId: string, amount: number, at: Date): Promise<void> {
  await t.deps.db
    .insertInto('payment_refunds')
    .values({ id: `ref_${paymentId}`, project_id: project.id, payment_id: paymentId, refund_key: `rk_${paymentId}`, amount, reason: 'test', channel: 'midtrans', status: 'succeeded', note: null, failure_reason: null, created_by: null, created_at: at, completed_at: at })
    .execute();
  await t.deps.db.updateTable('payments').set({ status: 'refunded', refunded_amount: amount }).where('id', '=', paymentId).execute();
}

beforeAll(async () => {
  t = await startTestApp();
  busy = await createProject(t.url, { name: 'Warung Catatan', plans: PLANS });
  empty = await createProject(t.url, { name: 'Brand new' });
  await seedHistory(busy);
  t.clock.set(NOW);
  await addPerson(t, 'viewer@example.com', { projectId: busy.id, role: 'viewer' });
  const member = await http(t.url, 'POST', `/api/admin/projects/${empty.id}/members`, { admin: true, body: { email: 'viewer@example.com', role: 'viewer' } });
  expect(member.status, member.text).toBe(200);
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('load');
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([]);
  const htmlBytes = await page.evaluate<number>(`performance.getEntriesByType('navigation')[0]?.decodedBodySize ?? 0`);
  expect(htmlBytes + ASSET_BYTES, `${name} page weight`).toBeLessThan(100 * 1024);
  const sideways = await page.evaluate<boolean>(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
  expect(sideways, `${name} scrolls sideways at ${width}px`).toBe(false);
  await saveScreenshot(page, { path: artifactPath(`overview-${name}-${width}.png`), fullPage: true });
  // The charts alone, at the size people see them (a full page at 390 px is hard to judge).
  await saveScreenshot(page.locator('.charts'), { path: artifactPath(`overview-${name}-charts-${width}.png`) });
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${t.url}/dashboard`);
  await page.getByLabel(/^(Email)$/).fill('viewer@example.com');
  await page.getByLabel(/^(Password|Kata sandi)$/).fill(DASHBOARD_PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Masuk)$/ }).click();
  await page.waitForURL(/\/dashboard(\?|$)/);
}

describe('the business at a glance in a browser', { timeout: 240_000 }, () => {
  for (const width of [1100, 390]) {
    for (const lang of ['en', 'id'] as const) {
      it(`shows figures and charts, with data and without, axe-clean at ${width}px in ${lang}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-US' });
        const page = await context.newPage();
        const foreign: string[] = [];
        const csp: string[] = [];
        page.on('request', (r) => {
          if (new URL(r.url()).origin !== new URL(t.url).origin) foreign.push(r.url());
        });
        page.on('console', (m) => {
          if (/Content[- ]Security[- ]Policy/i.test(m.text())) csp.push(m.text());
        });
        await signIn(page);

        await page.goto(`${t.url}/dashboard/projects/${busy.id}`);
        const charts = page.locator(width < 600 ? 'svg.chart-narrow' : 'svg.chart-wide');
        expect(await charts.count()).toBe(2);
        for (const chart of await charts.all()) expect(await chart.isVisible()).toBe(true);
        expect(await page.locator(width < 600 ? 'svg.chart-wide' : 'svg.chart-narrow').first().isVisible()).toBe(false);
        // 12 months and 30 days, a drawn mark each (a zero is a stub, never a gap).
        expect(await charts.nth(0).locator('rect').count()).toBe(12);
        expect(await charts.nth(1).locator('rect').count()).toBe(30);
        expect(await charts.locator('text.chart-empty').count()).toBe(0);
        // The SVG scales to its box; its words stay body-sized, neither tiny nor shouting.
        for (const chart of await charts.all()) {
          const label = (await chart.locator('text.chart-label').first().boundingBox())!;
          expect(label.height).toBeGreaterThan(12);
          expect(label.height).toBeLessThan(24);
        }
        await check(page, `data-${lang}`, width);
        // The tables behind the charts: 12 months, 30 days, the same words in the page's language.
        for (const summary of await page.locator('figure details summary').all()) await summary.click();
        const tables = page.locator('figure details table');
        expect(await tables.nth(0).locator('tbody tr').count()).toBe(12);
        expect(await tables.nth(1).locator('tbody tr').count()).toBe(30);
        expect(await page.getByRole('heading', { level: 2, name: lang === 'id' ? 'Ringkasan bisnis' : 'The business at a glance' }).count()).toBe(1);
        await check(page, `data-tables-${lang}`, width);

        await page.goto(`${t.url}/dashboard/projects/${empty.id}`);
        expect(await page.locator('.note').textContent()).toBe(lang === 'id' ? 'Belum ada pelanggan yang membayar. Angka-angka ini terisi saat pelanggan membayar.' : 'No customer has paid yet. These figures fill in as customers pay.');
        expect(await page.locator('svg.chart-wide').nth(1).locator('rect.chart-zero').count()).toBe(30);
        // Nothing but zeros: each chart says so across its plot, whole on a phone too.
        const emptyCharts = page.locator(width < 600 ? 'svg.chart-narrow' : 'svg.chart-wide');
        const said = lang === 'id' ? ['Tidak ada pendapatan berulang dalam 12 bulan ini', 'Tidak ada pembayaran dalam 30 hari ini'] : ['No recurring revenue in these 12 months', 'No payments in these 30 days'];
        for (const [i, words] of said.entries()) {
          const text = emptyCharts.nth(i).locator('text.chart-empty');
          expect((await text.locator('tspan').allTextContents()).join(' ')).toBe(words);
          const [box, frame] = [await text.boundingBox(), await emptyCharts.nth(i).boundingBox()];
          expect(box!.x).toBeGreaterThan(frame!.x);
          expect(box!.x + box!.width).toBeLessThan(frame!.x + frame!.width);
        }
        await check(page, `empty-${lang}`, width);

        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        expect(foreign).toEqual([]);
        expect(csp).toEqual([]);
        await context.close();
      });
    }
  }
});
