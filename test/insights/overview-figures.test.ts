import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentsTable, SubscriptionStatus } from '../../src/db/types.ts';
import type { Insertable } from 'kysely';
import { newId } from '../../src/lib/ids.ts';
import { getBusinessOverview, monthlyFromAnnual, type BusinessOverview } from '../../src/modules/insights/business-overview.ts';
import { updateSubscription } from '../../src/modules/subscriptions/subscriptions.repository.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, subscriptionOf } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';

/**
 * The overview's figures against a ledger computed by hand (docs/dashboard.md, "The business
 * at a glance").
 *
 * How the history is made:
 * - customers are created the integrator's way (a portal session: the real
 *   `mint_portal_token`, which puts them on the free default plan — no movement);
 * - every plan or status change goes through `subscriptions.repository#updateSubscription`,
 *   the one writer all use cases (change plan, apply a payment, cancel, period end) call,
 *   with the time of the change as its `now` — so the real trigger of migration 0021
 *   records the MRR movements, at times months in the past;
 * - payments and refunds are inserted directly (the only way to place them in the past with
 *   a given `paid_at`/`completed_at`; the refund service is another issue's).
 *
 * The project's zone is Asia/Jakarta (WIB, UTC+7), and several changes sit within hours of a
 * month or day boundary, where UTC and WIB disagree: a UTC calendar would get them wrong.
 * "Now" is 2026-03-10 12:00 WIB.
 *
 * Plans (annualised value `arr` in brackets: monthly × 12, yearly × 1):
 *   free 0 (default) · pro 150,000/month [1,800,000] · business 450,000/month [5,400,000]
 *   starter-year 1,000,000/year [1,000,000] · pro-year 1,500,000/year [1,500,000]
 *   biz-year 4,200,006/year [4,200,006]
 *
 * Changes (WIB month each counts in; times in UTC):
 *   H  2025-03-20 free→pro +1,800,000 (March, before the window) · 2025-04-30T17:00Z canceled
 *      −1,800,000: exactly May 1 00:00 WIB, so May (a boundary instant belongs to the month it opens)
 *   A  2025-05-10 →pro +1,800,000 (May) · 2025-09-15 upgrade →business +3,600,000 (Sep)
 *   B  2025-06-30T18:00Z →starter-year +1,000,000: Jul 1 01:00 WIB, so July (UTC: June)
 *   C  2025-08-01T00:00Z →business +5,400,000 (Aug) · 2025-11-30T17:30Z downgrade →pro
 *      −3,600,000: Dec 1 00:30 WIB, so December (UTC: November)
 *   D  2025-10-05 →pro +1,800,000 (Oct) · 2026-01-31T16:59:59Z canceled −1,800,000: Jan 31
 *      23:59:59 WIB, so January (one second before February)
 *   K  2025-12-10 →pro +1,800,000 (Dec) · 2026-01-10 →pro-year −300,000 (Jan: 1.8M → 1.5M)
 *   E  2026-02-03 →biz-year +4,200,006 (Feb) · 2026-03-05 past_due: no movement, still in MRR
 *   G  2026-02-20 →pro +1,800,000 (Feb) · 2026-03-08 →free −1,800,000 (March: churned)
 *   F  2026-02-28T17:30Z →pro +1,800,000: Mar 1 00:30 WIB, so March (new this month; UTC: Feb)
 *   I  stays on free: never a movement
 *   (another project's customer pays business from 2025-06 on: never counted here)
 *
 * Annualised total at each month's end, then MRR = round half up (arr / 12) = ⌊(arr + 6) / 12⌋:
 *   Apr 2025  1,800,000 (H)                          → 150,000   paying 1
 *   May       1,800,000 (−H +A)                      → 150,000   1
 *   Jun       1,800,000                              → 150,000   1
 *   Jul       2,800,000 (+B)                         → 233,333   2   (233,333.33)
 *   Aug       8,200,000 (+C)                         → 683,333   3   (683,333.33)
 *   Sep      11,800,000 (A +3.6M)                    → 983,333   3
 *   Oct      13,600,000 (+D)                         → 1,133,333 4
 *   Nov      13,600,000                              → 1,133,333 4
 *   Dec      11,800,000 (C −3.6M, +K)                → 983,333   5
 *   Jan 2026  9,700,000 (−D, K −0.3M)                → 808,333   4   (808,333.33)
 *   Feb      15,700,006 (+E, +G)                     → 1,308,334 6   (1,308,333.83: rounds up)
 *   Mar (now) 15,700,006 (−G, +F)                    → 1,308,334 6
 *
 * Figures now: MRR 1,308,334; paying 6 of which past due 1 (E) → active paying 5 (A B C K F);
 * new this month 1 (F); churned this month 1 (G).
 *
 * Payments (by paid_at, WIB day) and refunds (by completed_at), the 30 days Feb 9 … Mar 10:
 *   p1 A 450,000 paid 2026-02-08T16:59:59Z = Feb 8 23:59:59 WIB: the day before, outside
 *   p2 A 450,000 paid 2026-02-08T17:00:00Z = Feb 9 00:00 WIB: day 1
 *   p3 E 4,200,006 paid Feb 3 (outside); its partial refund 200,000 completed Feb 10 09:00 WIB: inside
 *   p4 G 150,000 paid Feb 20; refunded in full Mar 8 (status refunded): both inside, on their days
 *   p5 F 150,000 paid 2026-02-28T17:30Z = Mar 1 00:30 WIB
 *   p6 C 150,000 paid Mar 1 08:00 WIB; a pending and a failed refund on it: not money back
 *   p7 K 150,000 paid Mar 9 17:00 WIB, flagged for refund (settled after expiry): cash in, and owed
 *   p8 B 1,000,000 paid Mar 10 08:00 WIB, flagged (plan no longer applies), 400,000 refunded at
 *      11:00 WIB: owed 600,000
 *   p9 D 150,000 paid and flagged in January, refunded in full then: outside, and not owed
 *   p10 F failed and p11 F pending in the window: never paid, not counted
 *   Per day: Feb 9 1 payment 450,000 · Feb 10 refund 200,000 · Feb 20 1 payment 150,000 ·
 *   Mar 1 2 payments 300,000 · Mar 8 refund 150,000 · Mar 9 1 payment 150,000 ·
 *   Mar 10 1 payment 1,000,000, refund 400,000 · every other day 0.
 *   Collected, last 30 days = (450,000 + 150,000 + 300,000 + 150,000 + 1,000,000)
 *   − (200,000 + 150,000 + 400,000) = 2,050,000 − 750,000 = 1,300,000.
 *   Needing attention: p7 and p8 → 2, owed 150,000 + 600,000 = 750,000.
 */

let t: TestApp;
let project: TestProject;
let other: TestProject;
const NOW = new Date('2026-03-10T05:00:00Z');
const subs = new Map<string, { id: string; endUserId: string }>();

const PLANS = [
  { code: 'free', name: 'Free', price: 0, is_default: true },
  { code: 'pro', name: 'Pro', price: 150_000 },
  { code: 'business', name: 'Business', price: 450_000 },
  { code: 'starter-year', name: 'Starter yearly', price: 1_000_000, interval: 'year' as const },
  { code: 'pro-year', name: 'Pro yearly', price: 1_500_000, interval: 'year' as const },
  { code: 'biz-year', name: 'Business yearly', price: 4_200_006, interval: 'year' as const },
];

async function change(who: string, at: string, to: { plan?: string; status?: SubscriptionStatus }, p = project): Promise<void> {
  const sub = subs.get(who)!;
  await updateSubscription(
    t.deps.db,
    sub.id,
    { ...(to.plan && { plan_id: p.plans[to.plan]!.id }), status: to.status ?? 'active' },
    new Date(at),
  );
}

async function pay(
  who: string,
  plan: string,
  amount: number,
  paidAt: string | null,
  extra: Partial<Insertable<PaymentsTable>> = {},
  p = project,
): Promise<string> {
  const sub = subs.get(who)!;
  const id = newId('pay');
  const at = new Date(paidAt ?? '2026-03-01T00:00:00Z');
  await t.deps.db
    .insertInto('payments')
    .values({
      id,
      project_id: p.id,
      subscription_id: sub.id,
      end_user_id: sub.endUserId,
      purpose: 'renewal',
      plan_id: p.plans[plan]!.id,
      description: `${plan} for ${who}`,
      amount,
      currency: 'IDR',
      item_details: '[]',
      period_start: null,
      period_end: null,
      status: paidAt ? 'paid' : 'failed',
      order_id: id.replace(/[^A-Za-z0-9]/g, '').slice(0, 40),
      gateway: 'midtrans',
      expires_at: new Date(at.getTime() + 86_400_000),
      paid_at: paidAt ? at : null,
      refund_due_reason: null,
      refund_due_at: null,
      created_at: at,
      updated_at: at,
      ...extra,
    } as Insertable<PaymentsTable>)
    .execute();
  return id;
}

async function refund(paymentId: string, amount: number, completedAt: string, status: 'succeeded' | 'pending' | 'failed' = 'succeeded'): Promise<void> {
  await t.deps.db
    .insertInto('payment_refunds')
    .values({
      id: `ref_${randomUUID()}`,
      project_id: project.id,
      payment_id: paymentId,
      refund_key: randomUUID(),
      amount,
      reason: 'test',
      channel: 'midtrans',
      status,
      note: null,
      failure_reason: null,
      created_by: null,
      created_at: new Date(completedAt),
      completed_at: status === 'succeeded' ? new Date(completedAt) : null,
    })
    .execute();
  if (status === 'succeeded') {
    await t.deps.db
      .updateTable('payments')
      .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount) }))
      .where('id', '=', paymentId)
      .execute();
  }
}

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Figures', plans: PLANS });
  other = await createProject(t.url, { name: 'Someone else', plans: PLANS });
  // Every customer exists (on the free default plan) from March 2025.
  t.clock.set('2025-03-01T00:00:00Z');
  for (const who of ['H', 'A', 'B', 'C', 'D', 'K', 'E', 'G', 'F', 'I']) {
    const endUserId = await endUser(t, project, `customer-${who}`);
    subs.set(who, { id: (await subscriptionOf(t, endUserId))!.id, endUserId });
  }
  const otherUser = await endUser(t, other, 'customer-X');
  subs.set('X', { id: (await subscriptionOf(t, otherUser))!.id, endUserId: otherUser });

  await change('H', '2025-03-20T03:00:00Z', { plan: 'pro' });
  await change('H', '2025-04-30T17:00:00Z', { status: 'canceled' });
  await change('A', '2025-05-10T03:00:00Z', { plan: 'pro' });
  await change('A', '2025-09-15T03:00:00Z', { plan: 'business' });
  await change('B', '2025-06-30T18:00:00Z', { plan: 'starter-year' });
  await change('C', '2025-08-01T00:00:00Z', { plan: 'business' });
  await change('C', '2025-11-30T17:30:00Z', { plan: 'pro' });
  await change('D', '2025-10-05T03:00:00Z', { plan: 'pro' });
  await change('D', '2026-01-31T16:59:59Z', { status: 'canceled' });
  await change('K', '2025-12-10T03:00:00Z', { plan: 'pro' });
  await change('K', '2026-01-10T03:00:00Z', { plan: 'pro-year' });
  await change('E', '2026-02-03T03:00:00Z', { plan: 'biz-year' });
  await change('E', '2026-03-05T03:00:00Z', { status: 'past_due' });
  await change('G', '2026-02-20T03:00:00Z', { plan: 'pro' });
  await change('G', '2026-03-08T03:00:00Z', { plan: 'free' });
  await change('F', '2026-02-28T17:30:00Z', { plan: 'pro' });
  await change('X', '2025-06-01T03:00:00Z', { plan: 'business' }, other);

  await pay('A', 'business', 450_000, '2026-02-08T16:59:59Z');
  await pay('A', 'business', 450_000, '2026-02-08T17:00:00Z');
  const p3 = await pay('E', 'biz-year', 4_200_006, '2026-02-03T03:00:00Z');
  await refund(p3, 200_000, '2026-02-10T02:00:00Z');
  const p4 = await pay('G', 'pro', 150_000, '2026-02-20T03:00:00Z');
  await refund(p4, 150_000, '2026-03-08T03:00:00Z');
  await t.deps.db.updateTable('payments').set({ status: 'refunded' }).where('id', '=', p4).execute();
  await pay('F', 'pro', 150_000, '2026-02-28T17:30:00Z');
  const p6 = await pay('C', 'pro', 150_000, '2026-03-01T01:00:00Z');
  await refund(p6, 50_000, '2026-03-02T01:00:00Z', 'pending');
  await refund(p6, 50_000, '2026-03-02T01:00:00Z', 'failed');
  await pay('K', 'pro', 150_000, '2026-03-09T10:00:00Z', { refund_due_reason: 'settled_after_expiry', refund_due_at: new Date('2026-03-09T10:00:01Z') });
  const p8 = await pay('B', 'starter-year', 1_000_000, '2026-03-10T01:00:00Z', { refund_due_reason: 'plan_no_longer_applies', refund_due_at: new Date('2026-03-10T01:00:01Z') });
  await refund(p8, 400_000, '2026-03-10T04:00:00Z');
  const p9 = await pay('D', 'pro', 150_000, '2026-01-20T03:00:00Z', { refund_due_reason: 'settled_after_failure', refund_due_at: new Date('2026-01-20T03:00:01Z') });
  await refund(p9, 150_000, '2026-01-25T03:00:00Z');
  await t.deps.db.updateTable('payments').set({ status: 'refunded' }).where('id', '=', p9).execute();
  await pay('F', 'pro', 150_000, null, { created_at: new Date('2026-03-03T03:00:00Z') });
  await pay('F', 'pro', 150_000, null, { status: 'pending', created_at: new Date('2026-03-04T03:00:00Z') });
  await pay('X', 'business', 450_000, '2026-03-05T03:00:00Z', {}, other);

  t.clock.set(NOW);
});
afterAll(async () => {
  await t?.close();
});

const MRR_BY_MONTH: Array<[string, number, number]> = [
  ['2025-04', 150_000, 1],
  ['2025-05', 150_000, 1],
  ['2025-06', 150_000, 1],
  ['2025-07', 233_333, 2],
  ['2025-08', 683_333, 3],
  ['2025-09', 983_333, 3],
  ['2025-10', 1_133_333, 4],
  ['2025-11', 1_133_333, 4],
  ['2025-12', 983_333, 5],
  ['2026-01', 808_333, 4],
  ['2026-02', 1_308_334, 6],
  ['2026-03', 1_308_334, 6],
];

/** The 30 days, Feb 9 … Mar 10 2026, with the hand-computed ones; the rest are zero. */
function expectedDays(): BusinessOverview['days'] {
  const known: Record<string, [number, number, number]> = {
    '2026-02-09': [1, 450_000, 0],
    '2026-02-10': [0, 0, 200_000],
    '2026-02-20': [1, 150_000, 0],
    '2026-03-01': [2, 300_000, 0],
    '2026-03-08': [0, 0, 150_000],
    '2026-03-09': [1, 150_000, 0],
    '2026-03-10': [1, 1_000_000, 400_000],
  };
  const days: BusinessOverview['days'] = [];
  for (let d = new Date(Date.UTC(2026, 1, 9)); d <= new Date(Date.UTC(2026, 2, 10)); d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    const [payments, collected, refunded] = known[day] ?? [0, 0, 0];
    days.push({ day, payments, collected, refunded });
  }
  return days;
}

function expectHandComputed(o: BusinessOverview): void {
  expect(o.mrr).toBe(1_308_334);
  expect(o.activePaying).toBe(5);
  expect(o.pastDue).toBe(1);
  expect(o.newThisMonth).toBe(1);
  expect(o.churnedThisMonth).toBe(1);
  expect(o.collected30Days).toBe(1_300_000);
  expect(o.refundsOwed).toEqual({ count: 2, amount: 750_000 });
  expect(o.mrrByMonth).toEqual(MRR_BY_MONTH.map(([month, mrr, paying]) => ({ month, mrr, paying })));
  expect(o.days).toHaveLength(30);
  expect(o.days).toEqual(expectedDays());
}

describe('the business at a glance, against a ledger computed by hand', () => {
  it('MRR is the annualised total ÷ 12, rounded half up once on the total', () => {
    expect(monthlyFromAnnual(0)).toBe(0);
    expect(monthlyFromAnnual(1_800_000)).toBe(150_000);
    expect(monthlyFromAnnual(1_000_000)).toBe(83_333); // 83,333.33
    expect(monthlyFromAnnual(18)).toBe(2); // 1.5: half rounds up
    expect(monthlyFromAnnual(17)).toBe(1); // 1.42
  });

  it('computes every figure, every month of MRR and every day of payments as worked out above', async () => {
    const o = await getBusinessOverview(t.deps.db, { projectId: project.id, timeZone: 'Asia/Jakarta', now: t.clock.now() });
    expectHandComputed(o);
  });

  it('remembers closed month ends a day after they end, and reads the same figures from them', async () => {
    const { rows } = await sql<{ at: Date }>`select at from mrr_checkpoints where project_id = ${project.id} order by at`.execute(t.deps.db);
    // The ends of April 2025 … February 2026 (WIB midnights: 17:00 UTC the day before).
    expect(rows.map((r) => r.at.toISOString())).toEqual(MRR_BY_MONTH.slice(1).map(([month]) => new Date(`${month}-01T00:00:00+07:00`).toISOString()));
    const again = await getBusinessOverview(t.deps.db, { projectId: project.id, timeZone: 'Asia/Jakarta', now: t.clock.now() });
    expectHandComputed(again);
  });

  it('in another time zone the month and day boundaries move with it (UTC: B starts in June, C downgrades in November)', async () => {
    const o = await getBusinessOverview(t.deps.db, { projectId: project.id, timeZone: 'UTC', now: t.clock.now() });
    const byMonth = Object.fromEntries(o.mrrByMonth.map((m) => [m.month, m.mrr]));
    expect(byMonth['2025-06']).toBe(233_333); // B's 2025-06-30T18:00Z is still June in UTC
    expect(byMonth['2025-11']).toBe(833_333); // C's downgrade (2025-11-30T17:30Z) is November in UTC: A 5.4M + B 1M + C 1.8M + D 1.8M = 10M
    expect(o.newThisMonth).toBe(0); // F's start (2026-02-28T17:30Z) is February in UTC
    expect(o.churnedThisMonth).toBe(1);
    // p2 (2026-02-08T17:00Z) is Feb 8 in UTC: outside the 30 days (Feb 9 … Mar 10 UTC).
    expect(o.days[0]).toEqual({ day: '2026-02-09', payments: 0, collected: 0, refunded: 0 });
    expect(o.collected30Days).toBe(1_300_000 - 450_000);
  });

  it('a project with no customers paying: zeros everywhere, every month and day present', async () => {
    const empty = await createProject(t.url, { name: 'Empty' });
    const o = await getBusinessOverview(t.deps.db, { projectId: empty.id, timeZone: 'Asia/Jakarta', now: t.clock.now() });
    expect(o).toMatchObject({ mrr: 0, activePaying: 0, pastDue: 0, newThisMonth: 0, churnedThisMonth: 0, collected30Days: 0, refundsOwed: { count: 0, amount: 0 } });
    expect(o.mrrByMonth.map((m) => [m.month, m.mrr, m.paying])).toEqual(MRR_BY_MONTH.map(([month]) => [month, 0, 0]));
    expect(o.days.map((d) => d.day)).toEqual(expectedDays().map((d) => d.day));
    expect(o.days.every((d) => d.payments === 0 && d.collected === 0 && d.refunded === 0)).toBe(true);
  });

  it('a change after the remembered month ends moves only the current month', async () => {
    t.clock.set('2026-03-10T06:00:00Z');
    await change('I', '2026-03-10T05:30:00Z', { plan: 'business' });
    const o = await getBusinessOverview(t.deps.db, { projectId: project.id, timeZone: 'Asia/Jakarta', now: t.clock.now() });
    // 15,700,006 + 5,400,000 = 21,100,006 → ⌊21,100,012 / 12⌋ = 1,758,334
    expect(o.mrr).toBe(1_758_334);
    expect(o.newThisMonth).toBe(2);
    expect(o.activePaying).toBe(6);
    expect(o.mrrByMonth.slice(0, 11)).toEqual(MRR_BY_MONTH.slice(0, 11).map(([month, mrr, paying]) => ({ month, mrr, paying })));
    expect(o.mrrByMonth[11]).toEqual({ month: '2026-03', mrr: 1_758_334, paying: 7 });
  });
});

describe('payments per day from their quarter-hour totals (migration 0023)', () => {
  /** Payments and money per day in `timeZone`, straight from the payments rows: what the totals must say. */
  async function fromRows(projectId: string, timeZone: string): Promise<Map<string, { payments: number; collected: number }>> {
    const { rows } = await sql<{ day: string; n: number; amount: number }>`
      select to_char(paid_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, count(*)::int as n, sum(amount)::bigint as amount
      from payments where project_id = ${projectId} and paid_at is not null group by 1
    `.execute(t.deps.db);
    return new Map(rows.map((r) => [r.day, { payments: r.n, collected: Number(r.amount) }]));
  }

  async function expectTotalsMatchRows(projectId: string, timeZone: string): Promise<void> {
    const o = await getBusinessOverview(t.deps.db, { projectId, timeZone, now: t.clock.now() });
    const expected = await fromRows(projectId, timeZone);
    for (const d of o.days) expect({ day: d.day, payments: d.payments, collected: d.collected }).toEqual({ day: d.day, ...(expected.get(d.day) ?? { payments: 0, collected: 0 }) });
    expect(o.days.reduce((n, d) => n + d.payments, 0)).toBeGreaterThan(0);
  }

  it('follow every way a paid_at is set, moved or removed, and ignore what rolls back, in zones with 45- and 30-minute offsets', async () => {
    t.clock.set('2026-03-10T06:00:00Z');
    const q = await createProject(t.url, { name: 'Quarter hours', plans: PLANS });
    const endUserId = await endUser(t, q, 'customer-Q');
    subs.set('Q', { id: (await subscriptionOf(t, endUserId))!.id, endUserId });
    // Kathmandu (UTC+5:45) starts Mar 5 at 2026-03-04T18:15Z; Kolkata (UTC+5:30) at 18:30Z.
    const edge1 = await pay('Q', 'pro', 150_000, '2026-03-04T18:14:59Z', {}, q);
    const edge2 = await pay('Q', 'pro', 150_000, '2026-03-04T18:15:00Z', {}, q);
    await pay('Q', 'business', 450_000, '2026-03-04T18:29:59Z', {}, q);
    await pay('Q', 'business', 450_000, '2026-03-04T18:30:00Z', {}, q);
    // Settled later: a pending payment gets its paid_at (the gateway's settlement time, in the past).
    const pending = await pay('Q', 'pro', 150_000, null, { status: 'pending' }, q);
    await t.deps.db.updateTable('payments').set({ status: 'paid', paid_at: new Date('2026-03-02T10:00:00Z') }).where('id', '=', pending).execute();
    // Moved to another day, and an update that leaves paid_at and amount alone (no double count).
    await t.deps.db.updateTable('payments').set({ paid_at: new Date('2026-03-06T23:50:00Z') }).where('id', '=', edge1).execute();
    await t.deps.db.updateTable('payments').set({ status: 'refunded', paid_at: new Date('2026-03-04T18:15:00Z') }).where('id', '=', edge2).execute();
    // Several changes to one payment in one transaction; and a transaction that rolls back.
    await t.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('payments').set({ paid_at: new Date('2026-03-01T00:00:00Z') }).where('id', '=', pending).execute();
      await trx.updateTable('payments').set({ paid_at: new Date('2026-03-03T12:07:00Z') }).where('id', '=', pending).execute();
    });
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('payments').set({ paid_at: new Date('2026-03-08T08:00:00Z') }).where('id', '=', edge1).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Deleted (an operator's cleanup): its money leaves the day.
    const gone = await pay('Q', 'pro', 150_000, '2026-03-09T09:00:00Z', {}, q);
    await t.deps.db.deleteFrom('payments').where('id', '=', gone).execute();

    for (const zone of ['Asia/Kathmandu', 'Asia/Kolkata', 'Asia/Jakarta', 'UTC', 'America/St_Johns']) await expectTotalsMatchRows(q.id, zone);
    const kathmandu = await getBusinessOverview(t.deps.db, { projectId: q.id, timeZone: 'Asia/Kathmandu', now: t.clock.now() });
    const day = (d: string) => kathmandu.days.find((x) => x.day === d)!;
    // 18:14:59Z moved away; 18:15Z and both 18:29:59Z / 18:30Z are Mar 5 in Kathmandu.
    expect(day('2026-03-05')).toMatchObject({ payments: 3, collected: 1_050_000 });
    expect(day('2026-03-04')).toMatchObject({ payments: 0 });
    expect(day('2026-03-03')).toMatchObject({ payments: 1, collected: 150_000 });
    expect(day('2026-03-09')).toMatchObject({ payments: 0 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_quarter_hours where project_id = ${q.id} and (payments < 0 or amount < 0)`.execute(t.deps.db);
    expect(rows[0]!.n).toBe(0);
  });
});
