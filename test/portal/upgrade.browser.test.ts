import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPortalPage, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, type World } from './support/world.ts';

/**
 * Paid upgrades end to end, in Chromium, starting from the integrator's app on another
 * site: free → paid paid on the simulator's page, a mid-period upgrade with proration,
 * an upgrade left pending (bank transfer) that then expires, and the Indonesian portal.
 */
let w: World;
const records: PageRecord[] = [];

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  writeRecords('portal-pages-upgrade.json', records);
  await w?.close();
});

const DAY = 24 * 3600 * 1000;

async function text(page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

async function subscriptionOf(externalId: string) {
  const db = w.t.database.db;
  const user = await db.selectFrom('end_users').selectAll().where('project_id', '=', w.project.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const sub = await db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
  const payments = await db.selectFrom('payments').selectAll().where('end_user_id', '=', user.id).orderBy('created_at').execute();
  return { user, sub, payments };
}

describe('free → paid upgrade, then a prorated mid-period upgrade', () => {
  it('upgrades Free → Pro, paid by card on the simulator page, with an httpOnly /portal cookie', { timeout: 120_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    const seenUrls: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) seenUrls.push(frame.url());
    });
    await w.openBilling(page, 'ana');

    // The exchange left no token in the address bar or the history.
    expect(seenUrls.some((u) => u.includes('session='))).toBe(false);
    const cookies = await context.cookies(`${w.publicUrl}/portal`);
    const cookie = cookies.find((c) => c.name === 'langgan_portal')!;
    expect(cookie).toMatchObject({ httpOnly: true, path: '/portal', sameSite: 'Lax', secure: false, domain: 'localhost' });
    const lifetime = cookie.expires - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(1790);
    expect(lifetime).toBeLessThanOrEqual(1800);
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    // Not sent outside /portal.
    expect((await context.cookies(`${w.publicUrl}/api/platform/plans`)).map((c) => c.name)).toEqual([]);

    expect(await text(page)).toContain('Free');
    await checkPortalPage(page, 'overview-free', watch, records);

    await page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Plans' }).click();
    const plans = await text(page);
    expect(plans).toContain('Current plan');
    expect(plans).toContain('IDR 150,000 / month');
    expect(plans).toContain('Unlimited notes');
    await checkPortalPage(page, 'plans', watch, records);

    await page.getByRole('link', { name: 'Upgrade to Pro' }).click();
    const confirm = await text(page);
    expect(confirm).toContain('Charged now IDR 150,000');
    expect(confirm).toContain('Takes effect As soon as your payment is confirmed');
    await checkPortalPage(page, 'confirm-upgrade', watch, records);

    // One click: the confirmation leads straight to Midtrans' page.
    await page.getByRole('button', { name: 'Continue to payment (IDR 150,000)' }).click();
    await page.waitForURL((url) => url.origin === w.t.simulator.url);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();

    await page.waitForURL(new RegExp(`^${w.publicUrl}/portal/payments/pay_`));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Payment received');
    expect(await text(page)).toContain("You're now on Pro.");
    await checkPortalPage(page, 'payment-paid', watch, records);
    await w.t.simulator.deliveriesSettled();

    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const overview = await text(page);
    expect(overview).toContain('Pro IDR 150,000 / month');
    expect(overview).toMatch(/Renews on \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'overview-pro', watch, records);

    const { sub, payments } = await subscriptionOf('ana');
    expect([sub.plan_id, sub.status]).toEqual([w.project.plans.pro!.id, 'active']);
    expect(payments.map((p) => [p.status, p.amount, p.source])).toEqual([['paid', 150_000, 'portal']]);
    await context.close();
  });

  it('charges exactly the prorated difference for a mid-period upgrade (clock moved 15 days)', { timeout: 120_000 }, async () => {
    const before = await subscriptionOf('ana');
    w.t.clock.advance(15 * DAY);
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'ana');
    await page.getByRole('link', { name: 'Change plan' }).click();
    await page.getByRole('link', { name: 'Upgrade to Business' }).click();

    // Independent arithmetic from the stored period and the clock: (new − old) × remaining / whole.
    const start = before.sub.current_period_start!.getTime();
    const end = before.sub.current_period_end!.getTime();
    const now = w.t.clock.now().getTime();
    const charge = Math.round((450_000 * (end - now)) / (end - start));
    const credit = Math.round((150_000 * (end - now)) / (end - start));
    const expected = charge - credit;
    const fmt = (n: number) => n.toLocaleString('en-US');
    const confirm = await text(page);
    expect(confirm).toContain(`Charged now IDR ${fmt(expected)}`);
    expect(confirm).toContain(`Business, rest of the current period (until`);
    expect(confirm).toContain(`IDR ${fmt(charge)}`);
    const days = Math.round((end - now) / DAY);
    expect(confirm).toContain(`Credit for the unused ${days} days of Pro −IDR ${fmt(credit)}`);
    expect(confirm).toMatch(/You've already paid for Pro until \d{1,2} \w+ \d{4}\. The part you haven't used yet is taken off the price/);
    expect(confirm).toContain('Takes effect As soon as your payment is confirmed');
    expect(confirm).toMatch(/Afterwards IDR 450,000 \/ month, renewing on \d{1,2} \w+ \d{4}/);
    await checkPortalPage(page, 'confirm-prorated', watch, records);

    await page.getByRole('button', { name: `Continue to payment (IDR ${fmt(expected)})` }).click();
    await page.waitForURL((url) => url.origin === w.t.simulator.url);
    expect(await page.locator('#amount').innerText()).toBe(`Rp ${expected.toLocaleString('id-ID')}`);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(new RegExp(`^${w.publicUrl}/portal/payments/pay_`));
    expect(await text(page)).toContain("You're now on Business.");
    await w.t.simulator.deliveriesSettled();

    const after = await subscriptionOf('ana');
    expect(after.sub.plan_id).toBe(w.project.plans.business!.id);
    // The period is kept: only the difference for its rest was charged.
    expect(after.sub.current_period_end!.getTime()).toBe(end);
    expect(after.payments.map((p) => [p.purpose, p.status, p.amount])).toEqual([
      ['new', 'paid', 150_000],
      ['upgrade', 'paid', expected],
    ]);
    await context.close();
  });
});

describe('a bank-transfer upgrade left pending, then expired', () => {
  it('shows processing with "Continue payment", then the expiry, and leaves the plan unchanged', { timeout: 120_000 }, async () => {
    const { context, page, watch } = await w.newPage();
    await w.openBilling(page, 'budi');
    await page.getByRole('link', { name: 'Change plan' }).click();
    await page.getByRole('link', { name: 'Upgrade to Pro' }).click();
    await page.getByRole('button', { name: 'Continue to payment (IDR 150,000)' }).click();
    await page.waitForURL((url) => url.origin === w.t.simulator.url);
    // Back in the portal, the open payment's page still leads to Midtrans ("Ready to pay").
    await page.goBack();
    await page.goto(`${w.publicUrl}/portal`);
    await page.getByRole('link', { name: 'Continue payment' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Ready to pay');
    await checkPortalPage(page, 'payment-ready', watch, records);
    await page.getByRole('link', { name: 'Pay IDR 150,000 on Midtrans' }).click();
    await page.getByLabel('BCA Virtual Account').check();
    await page.getByRole('button', { name: 'Leave pending' }).click();

    await page.waitForURL(new RegExp(`^${w.publicUrl}/portal/payments/pay_`));
    await w.t.simulator.deliveriesSettled();
    await page.reload();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Payment processing');
    const processing = await text(page);
    expect(processing).toContain('Status Pending');
    expect(processing).toContain('Method Bank transfer (VA)');
    // What to pay with, from the gateway's notification: the bank and the VA number chosen on its page.
    expect(processing).toContain('How to pay');
    expect(processing).toMatch(/Bank BCA\s+Virtual account number \d{8,}/);
    await checkPortalPage(page, 'payment-processing', watch, records);

    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const overview = await text(page);
    expect(overview).toContain('Pending payment');
    expect(overview).toContain('A payment of IDR 150,000 for Pro is waiting to be paid.');
    await checkPortalPage(page, 'overview-pending', watch, records);

    await page.getByRole('link', { name: 'Payment history' }).click();
    const history = await text(page);
    expect(history).toContain('Pro plan IDR 150,000 Bank transfer (VA) Pending');
    await checkPortalPage(page, 'history-pending', watch, records);

    await page.getByRole('link', { name: 'Continue payment: Pro plan' }).click();
    await page.getByRole('link', { name: 'Continue payment' }).click();
    expect(new URL(page.url()).origin).toBe(w.t.simulator.url);
    await page.getByRole('button', { name: 'Expire' }).click();
    await page.waitForURL(new RegExp(`^${w.publicUrl}/portal/payments/pay_`));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Payment expired');
    expect(await text(page)).toContain('nothing was charged');
    await checkPortalPage(page, 'payment-expired', watch, records);
    await w.t.simulator.deliveriesSettled();

    await page.getByRole('link', { name: 'Payment history' }).click();
    expect(await text(page)).toContain('Pro plan IDR 150,000 Bank transfer (VA) Expired');
    expect(await page.getByRole('link', { name: /^Continue payment/ }).count()).toBe(0);
    await checkPortalPage(page, 'history-expired', watch, records);

    const { sub, payments } = await subscriptionOf('budi');
    expect(sub.plan_id).toBe(w.project.plans.free!.id);
    expect(payments.map((p) => p.status)).toEqual(['expired']);
    await context.close();
  });
});

describe('Bahasa Indonesia', () => {
  it('follows Accept-Language: Indonesian strings, Rp150.000, Indonesian dates', { timeout: 120_000 }, async () => {
    const { context, page, watch } = await w.newPage({ locale: 'id-ID' });
    await w.openBilling(page, 'citra');
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Langganan Anda');
    await checkPortalPage(page, 'id-overview', watch, records);

    await page.getByRole('link', { name: 'Ganti paket' }).click();
    expect(await text(page)).toContain('Rp150.000 / bulan');
    await checkPortalPage(page, 'id-plans', watch, records);
    await page.getByRole('link', { name: 'Tingkatkan ke Pro' }).click();
    const confirm = await text(page);
    expect(confirm).toContain('Ditagih sekarang Rp150.000');
    expect(confirm).toContain('Segera setelah pembayaran Anda dikonfirmasi');
    await checkPortalPage(page, 'id-confirm', watch, records);

    await page.getByRole('button', { name: 'Lanjut ke pembayaran (Rp150.000)' }).click();
    await page.waitForURL((url) => url.origin === w.t.simulator.url);
    await page.getByLabel('QRIS').check();
    await page.getByRole('button', { name: 'Leave pending' }).click();
    await page.waitForURL(new RegExp(`^${w.publicUrl}/portal/payments/pay_`));
    await w.t.simulator.deliveriesSettled();
    await page.getByRole('link', { name: 'Riwayat pembayaran' }).click();
    const history = await text(page);
    expect(history).toContain('Paket Pro Rp150.000 QRIS Menunggu');
    expect(history).toMatch(/\d{1,2} \w{3} \d{4}/);
    await checkPortalPage(page, 'id-history', watch, records);
    await context.close();
  });

  it("follows the session's locale over the browser's language", { timeout: 60_000 }, async () => {
    const { context, page, watch } = await w.newPage({ locale: 'en-US' });
    await w.openBilling(page, 'dewi', { locale: 'id' });
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Langganan Anda');
    expect(await page.getByRole('button', { name: /Kembali ke aplikasi/ }).count()).toBe(1);
    await checkPortalPage(page, 'id-session-locale', watch, records);
    await context.close();
  });
});
