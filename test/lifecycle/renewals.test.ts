import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { cancelSubscription } from '../../src/modules/subscriptions/cancel.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, eventsOf, simulate, subscriptionOf, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, {
    plans: [
      { code: 'free', price: 0, is_default: true },
      { code: 'pro', price: 150_000 },
      { code: 'business', price: 450_000 },
      { code: 'pro-yearly', price: 1_500_000, interval: 'year' },
    ],
  });
});
afterAll(() => t.close());

const DAY = 86_400_000;

async function subscribe(externalId: string, plan: string, method = 'qris', p: TestProject = project) {
  const eu = await endUser(t, p, externalId);
  const r = await changePlan(t.deps, { projectId: p.id, endUserId: eu, planId: p.plans[plan]!.id, source: 'portal' });
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  await simulate(t, r.payment.order_id, { transaction_status: method === 'credit_card' ? 'capture' : 'settlement', payment_type: method });
  return eu;
}

async function openRenewal(subscriptionId: string) {
  return t.database.db
    .selectFrom('payments')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('purpose', '=', 'renewal')
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** Moves the clock just past the subscription's period end and runs the scheduler's job. */
async function endPeriod(eu: string) {
  const sub = (await subscriptionOf(t, eu))!;
  t.clock.set(new Date(sub.current_period_end!.getTime() + 1000));
  await processPeriodEnds(t.deps);
  return sub;
}

describe('a year of monthly periods', () => {
  it('renews twelve times without drift: paid, one paid late in grace, one lapsed into the free plan', async () => {
    const eu = await subscribe('year-user', 'pro');
    const first = (await subscriptionOf(t, eu))!;
    const ends: Date[] = [first.current_period_end!];
    for (let month = 1; month <= 12; month++) {
      const before = await endPeriod(eu);
      const due = (await subscriptionOf(t, eu))!;
      if (before.plan_id === project.plans.free!.id) {
        // Free plans just roll over.
        expect(due).toMatchObject({ status: 'active', current_period_start: before.current_period_end });
        ends.push(due.current_period_end!);
        continue;
      }
      expect(due).toMatchObject({ status: 'past_due', grace_ends_at: new Date(before.current_period_end!.getTime() + 3 * DAY) });
      const renewal = (await openRenewal(due.id))!;
      expect(renewal).toMatchObject({ amount: 150_000, period_start: before.current_period_end });
      expect(renewal.redirect_url).toContain('/snap/v3/redirection/');

      if (month === 4) t.clock.advance(2 * DAY); // paid late, still in grace
      if (month === 8) {
        t.clock.set(new Date(due.grace_ends_at!.getTime() + 1000));
        await processPeriodEnds(t.deps);
        const lapsed = (await subscriptionOf(t, eu))!;
        expect(lapsed).toMatchObject({ status: 'active', plan_id: project.plans.free!.id, grace_ends_at: null });
        expect((await t.database.db.selectFrom('payments').select('status').where('id', '=', renewal.id).executeTakeFirstOrThrow()).status).toBe('expired');
        ends.push(lapsed.current_period_end!);
        continue;
      }
      await simulate(t, renewal.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
      const renewed = (await subscriptionOf(t, eu))!;
      expect(renewed).toMatchObject({ status: 'active', grace_ends_at: null, current_period_start: before.current_period_end });
      ends.push(renewed.current_period_end!);
    }
    // Months 1-7 chain without drift from the first period end (day of month kept).
    for (let i = 1; i <= 7; i++) {
      expect(ends[i]!.getUTCDate()).toBe(ends[0]!.getUTCDate());
      expect(ends[i]! > ends[i - 1]!).toBe(true);
    }
    const renewedEvents = (await eventsOf(t, first.id)).filter((e) => e.type === 'subscription.renewed');
    expect(renewedEvents).toHaveLength(11); // 7 paid renewals (months 1-7) + 4 free roll-overs (months 9-12)
    const renewals = await t.database.db.selectFrom('payments').select(['status']).where('subscription_id', '=', first.id).where('purpose', '=', 'renewal').execute();
    expect(renewals.filter((r) => r.status === 'paid')).toHaveLength(7);
    expect(renewals.filter((r) => r.status === 'expired')).toHaveLength(1);
  });
});

describe('period-end changes', () => {
  it('renews an annual plan after a year', async () => {
    const eu = await subscribe('annual', 'pro-yearly');
    const before = await endPeriod(eu);
    expect(before.current_period_end!.getTime() - before.current_period_start!.getTime()).toBeGreaterThanOrEqual(365 * DAY);
    const renewal = (await openRenewal(before.id))!;
    expect(renewal.amount).toBe(1_500_000);
    await simulate(t, renewal.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const after = (await subscriptionOf(t, eu))!;
    expect(after.current_period_start).toEqual(before.current_period_end);
    expect(after.current_period_end!.getUTCFullYear()).toBe(before.current_period_end!.getUTCFullYear() + 1);
  });

  it('applies a scheduled downgrade at period end and bills the cheaper plan', async () => {
    const eu = await subscribe('downgrade-at-end', 'business');
    await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    const before = await endPeriod(eu);
    const after = (await subscriptionOf(t, eu))!;
    expect(after).toMatchObject({ plan_id: project.plans.pro!.id, scheduled_plan_id: null, status: 'past_due' });
    expect((await openRenewal(before.id))!.amount).toBe(150_000);
  });

  it('applies a scheduled downgrade to free at period end without any payment', async () => {
    const eu = await subscribe('free-at-end', 'pro');
    await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.free!.id, source: 'portal' });
    const before = await endPeriod(eu);
    expect(await subscriptionOf(t, eu)).toMatchObject({ plan_id: project.plans.free!.id, status: 'active', current_period_start: before.current_period_end });
    expect(await openRenewal(before.id)).toBeUndefined();
  });

  it('ends a subscription canceled at period end, with no renewal', async () => {
    const eu = await subscribe('cancel-at-end', 'pro');
    await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal', reason: 'moving on' });
    const before = await endPeriod(eu);
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'canceled', cancel_at_period_end: false, cancel_reason: 'moving on' });
    expect(await openRenewal(before.id)).toBeUndefined();
    expect((await eventsOf(t, before.id)).at(-1)).toMatchObject({ type: 'subscription.canceled', source: 'scheduler' });
  });

  it('cancels when grace runs out and the project has no free default plan', async () => {
    const paidOnly = await createProject(t.url, { plans: [{ code: 'pro', price: 150_000 }] });
    const eu = await subscribe('no-fallback', 'pro', 'qris', paidOnly);
    const due = (await endPeriod(eu), (await subscriptionOf(t, eu))!);
    t.clock.set(new Date(due.grace_ends_at!.getTime() + 1000));
    await processPeriodEnds(t.deps);
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'canceled', cancel_reason: 'renewal_unpaid' });
  });
});

describe('renewing with a saved card', () => {
  it('charges the card Midtrans saved, with no action from the customer', async () => {
    const eu = await subscribe('saved-card', 'pro', 'credit_card');
    const sub = (await subscriptionOf(t, eu))!;
    expect(sub.saved_card_token).toBeTruthy();
    const before = await endPeriod(eu);
    await t.simulator.deliveriesSettled();
    const after = (await subscriptionOf(t, eu))!;
    expect(after).toMatchObject({ status: 'active', current_period_start: before.current_period_end });
    const renewals = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').execute();
    expect(renewals.map((r) => [r.status, r.payment_method])).toEqual([['paid', 'credit_card']]);
  });

  it('falls back to a payment link when the saved card is declined', async () => {
    const eu = await subscribe('revoked-card', 'pro', 'credit_card');
    const sub = (await subscriptionOf(t, eu))!;
    await fetch(`${t.simulator.url}/__simulator/saved-tokens/${sub.saved_card_token}/revoke`, { method: 'POST', headers: t.simulator.controlHeaders });
    await endPeriod(eu);
    const after = (await subscriptionOf(t, eu))!;
    expect(after.status).toBe('past_due');
    const renewals = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').orderBy('created_at').execute();
    const open = renewals.find((r) => r.status === 'pending')!;
    expect(open.redirect_url).toContain('/snap/v3/redirection/');
    await simulate(t, open.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect((await subscriptionOf(t, eu))!.status).toBe('active');
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
