import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelSubscription } from '../../src/modules/subscriptions/cancel.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { http } from '../support/http.ts';
import { checkPortalPage, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, subscribe, type World } from './support/world.ts';

/**
 * The portal's ways on, in Chromium at desktop and phone widths in both languages, each
 * axe-clean, within budget, not scrolling sideways, with screenshots: how to pay a pending
 * bank transfer (VA number), the open payment with "Cancel this payment", replacing it
 * from another plan's confirmation, the saved card's renewal sentence with "Remove card",
 * and the plans page while a cancellation is scheduled.
 */
let w: World;
const records: PageRecord[] = [];
let pendingPaymentId = '';

async function endUserId(externalId: string): Promise<string> {
  const { createSession } = await import('../support/factories.ts');
  expect((await createSession(w.t.url, w.project, externalId)).status).toBe(200);
  const row = await w.t.database.db.selectFrom('end_users').select('id').where('project_id', '=', w.project.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.id;
}

async function transition(orderId: string, body: Record<string, unknown>) {
  const res = await http(w.t.simulator.url, 'POST', `/__simulator/transactions/${orderId}/transition`, { body, headers: w.t.simulator.controlHeaders });
  expect(res.status, res.text).toBe(200);
  await w.t.simulator.deliveriesSettled();
}

beforeAll(async () => {
  w = await startWorld();
  // wulan: a Pro upgrade left pending as a BCA transfer.
  const wulan = await endUserId('wulan');
  const pending = await changePlan(w.t.deps, { projectId: w.project.id, endUserId: wulan, planId: w.project.plans.pro!.id, source: 'portal' });
  if (pending.outcome !== 'payment_required') throw new Error('expected a payment');
  await transition(pending.payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bca' });
  pendingPaymentId = pending.payment.id;
  // rahma: Pro paid by card, which is saved for renewals.
  const rahma = await endUserId('rahma');
  const card = await changePlan(w.t.deps, { projectId: w.project.id, endUserId: rahma, planId: w.project.plans.pro!.id, source: 'portal' });
  if (card.outcome !== 'payment_required') throw new Error('expected a payment');
  await transition(card.payment.order_id, { transaction_status: 'capture', payment_type: 'credit_card' });
  // yuni: a Pro upgrade left pending, to be replaced by Business from its confirmation.
  const yuni = await endUserId('yuni');
  const open = await changePlan(w.t.deps, { projectId: w.project.id, endUserId: yuni, planId: w.project.plans.pro!.id, source: 'portal' });
  if (open.outcome !== 'payment_required') throw new Error('expected a payment');
  await transition(open.payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' });
  // dewi: on the free default plan. The project is in Makassar (WITA) and its Pro plan speaks Indonesian.
  await endUserId('dewi');
  expect((await http(w.t.url, 'PATCH', `/api/admin/projects/${w.project.id}`, { admin: true, body: { time_zone: 'Asia/Makassar' } })).status).toBe(200);
  const translated = await http(w.t.url, 'PATCH', `/api/admin/projects/${w.project.id}/plans/${w.project.plans.pro!.id}`, {
    admin: true,
    body: { translations: { id: { description: 'Untuk yang menulis setiap hari', features: ['Catatan tanpa batas', 'Sinkron di semua perangkat'] } } },
  });
  expect(translated.status, translated.text).toBe(200);
  // lina: Pro, cancellation scheduled.
  const { endUserId: lina } = await subscribe(w, 'lina', 'pro');
  await cancelSubscription(w.t.deps, { projectId: w.project.id, endUserId: lina, source: 'portal' });
}, 120_000);
afterAll(async () => {
  writeRecords('portal-pages-choices.json', records);
  await w?.close();
});

const states = () =>
  [
    ['wulan', 'pay-by-va', `/portal/payments/${pendingPaymentId}`],
    ['wulan', 'overview-open-payment', '/portal'],
    ['wulan', 'confirm-replace-open-payment', `/portal/plans/${w.project.plans.business!.id}`],
    ['rahma', 'overview-saved-card', '/portal'],
    ['lina', 'plans-cancel-scheduled', '/portal/plans'],
  ] as const;

describe.each(['en', 'id'] as const)('in %s', (locale) => {
  it.each([1280, 390])('every state at %i px is axe-clean, within budget, nothing sideways', { timeout: 180_000 }, async (width) => {
    for (const [user, name, path] of states()) {
      const { context, page, watch } = await w.newPage({ locale: locale === 'id' ? 'id-ID' : 'en-US', viewport: { width, height: 900 } });
      await w.openBilling(page, user, { locale });
      await page.goto(`${w.publicUrl}${path}`);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), `${name} at ${width}`).toBeLessThanOrEqual(0);
      await checkPortalPage(page, `${name}-${width}-${locale}`, watch, records);
      await context.close();
    }
  });
});

describe('doing it', () => {
  it("names the project's zone on deadlines, shows plans in the reader's language, and offers no cancel on the free plan", { timeout: 60_000 }, async () => {
    const { context, page } = await w.newPage({ locale: 'id-ID' });
    await w.openBilling(page, 'wulan', { locale: 'id' });
    await page.goto(`${w.publicUrl}/portal/payments/${pendingPaymentId}`);
    expect(await page.locator('main').innerText()).toMatch(/Bayar sebelum\s+\d{1,2} \w+ \d{4}, \d\d\.\d\d WITA/);
    await page.goto(`${w.publicUrl}/portal/plans`);
    const plans = await page.locator('main').innerText();
    expect(plans).toContain('Catatan tanpa batas');
    expect(plans).not.toContain('Unlimited notes');
    await context.close();

    const free = await w.newPage();
    await w.openBilling(free.page, 'dewi');
    expect(await free.page.getByRole('link', { name: 'Cancel subscription' }).count()).toBe(0);
    await free.page.goto(`${w.publicUrl}/portal/cancel`);
    expect(free.page.url()).toBe(`${w.publicUrl}/portal`);
    await free.context.close();
  });

  it('replaces an open payment from another plan in one step, straight on to Midtrans', { timeout: 60_000 }, async () => {
    const { context, page } = await w.newPage();
    await w.openBilling(page, 'yuni');
    await page.getByRole('link', { name: 'Change plan' }).click();
    await page.getByRole('link', { name: 'Upgrade to Business' }).click();
    await page.getByRole('button', { name: 'Cancel it and continue with this change' }).click();
    await page.waitForURL((url) => url.origin === w.t.simulator.url);
    const rows = await w.t.database.db.selectFrom('payments').select(['status', 'amount']).where('end_user_id', '=', (await endUserId('yuni'))).execute();
    expect(rows.map((r) => [r.status, r.amount]).sort()).toEqual([['expired', 150_000], ['pending', 450_000]]);
    await context.close();
  });

  it('copies the VA number, then cancels the open payment and sees it Canceled in the history', { timeout: 120_000 }, async () => {
    const { context, page } = await w.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.publicUrl });
    await w.openBilling(page, 'wulan');
    await page.goto(`${w.publicUrl}/portal/payments/${pendingPaymentId}`);
    const number = (await page.locator('#va-number').innerText()).trim();
    expect(number).toMatch(/^\d{8,}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(number);

    await page.getByRole('button', { name: 'Cancel this payment' }).click();
    await page.waitForURL(`${w.publicUrl}/portal?notice=payment_abandoned`);
    expect(await page.getByRole('status').innerText()).toContain('The payment is canceled and nothing was charged.');
    await page.getByRole('link', { name: 'Payment history' }).click();
    expect(await page.locator('table.records').innerText()).toContain('Canceled');
    await context.close();
  });

  it('removes the saved card from the overview and says a payment link will come instead', { timeout: 60_000 }, async () => {
    const { context, page } = await w.newPage({ viewport: { width: 390, height: 900 } });
    await w.openBilling(page, 'rahma');
    expect(await page.locator('main').innerText()).toMatch(/Card •••• 1114 will be charged automatically on \d{1,2} \w+ \d{4}\./);
    await page.getByRole('button', { name: 'Remove card' }).click();
    await page.waitForURL(`${w.publicUrl}/portal?notice=card_removed`);
    expect(await page.locator('main').innerText()).toContain("You'll pay by bank transfer, QRIS or e-wallet");
    await context.close();
  });
});
