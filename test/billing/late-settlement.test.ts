import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, eventsOf, paymentById, simulate, simulatorTransactions, subscriptionOf, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * The superseded-upgrade repro of the hardening issue: a prorated upgrade link left unpaid
 * over a period end must not buy the dearer plan for the next period when paid late.
 */

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

const HOUR = 3_600_000;

async function subscribeWithCard(externalId: string) {
  const eu = await endUser(t, project, externalId);
  const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  await simulate(t, r.payment.order_id, { transaction_status: 'capture', payment_type: 'credit_card' });
  const sub = (await subscriptionOf(t, eu))!;
  expect(sub).toMatchObject({ status: 'active', plan_id: project.plans.pro!.id });
  expect(sub.saved_card_token).toBeTruthy();
  return { eu, sub };
}

async function askForBusiness(eu: string) {
  const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.business!.id, source: 'portal' });
  if (r.outcome !== 'payment_required') throw new Error(`expected a payment, got ${r.outcome}`);
  return r.payment;
}

describe('an upgrade left unpaid over a period end', () => {
  it('cannot buy the dearer plan for the next period: paid late, it is recorded, not applied, and flagged for refund', async () => {
    const { eu, sub } = await subscribeWithCard('late-payer');
    const periodEnd = sub.current_period_end!;

    // One hour before the period ends: a prorated link for Business (Rp417 in a 30-day month),
    // never opened.
    t.clock.set(new Date(periodEnd.getTime() - HOUR));
    const upgrade = await askForBusiness(eu);
    const prorated = Math.round((300_000 * HOUR) / (periodEnd.getTime() - sub.current_period_start!.getTime()));
    expect(upgrade).toMatchObject({ purpose: 'upgrade', amount: prorated, period_start: sub.current_period_start, period_end: periodEnd });
    // Its page closes with the period it was priced for, not 24 hours later.
    expect(upgrade.expires_at).toEqual(periodEnd);
    const snap = (await simulatorTransactions(t)).find((x) => x.order_id === upgrade.order_id)!;
    const snapLifetime = Date.parse(snap.snap_expires_at as string) - Date.parse(snap.created_at as string);
    expect(snapLifetime).toBeLessThanOrEqual(HOUR);
    expect(snapLifetime).toBeGreaterThan(HOUR - 2 * 60_000);

    // The period ends: the saved card renews Pro; the upgrade is superseded, and closing it at
    // the gateway is attempted although the status API does not know the order yet.
    const expire = vi.spyOn(t.deps.gateway, 'expire');
    t.clock.set(new Date(periodEnd.getTime() + 1000));
    await processPeriodEnds(t.deps);
    await t.simulator.deliveriesSettled();
    expect(expire).toHaveBeenCalledWith(upgrade.order_id);
    expire.mockRestore();
    expect(await paymentById(t, upgrade.id)).toMatchObject({ status: 'expired', failure_reason: 'superseded at period end' });
    const renewed = (await subscriptionOf(t, eu))!;
    expect(renewed).toMatchObject({ status: 'active', plan_id: project.plans.pro!.id, current_period_start: periodEnd });

    // The customer pays the old link anyway (the simulator's page is still open).
    await simulate(t, upgrade.order_id, { transaction_status: 'settlement', payment_type: 'gopay' });

    const paid = await paymentById(t, upgrade.id);
    expect(paid).toMatchObject({ status: 'paid', refund_due_reason: 'settled_after_expiry' });
    expect(paid.refund_due_at).toBeInstanceOf(Date);
    const after = (await subscriptionOf(t, eu))!;
    expect(after).toMatchObject({ plan_id: project.plans.pro!.id, version: renewed.version, current_period_end: renewed.current_period_end });

    const types = (await eventsOf(t, upgrade.id)).map((e) => e.type);
    expect(types).toContain('payment.refund_due');
    expect(types).not.toContain('payment.succeeded');
    expect((await eventsOf(t, sub.id)).filter((e) => e.data.payment_id === upgrade.id)).toEqual([]);

    // Visible to the integrator (platform API) and the operator (admin API).
    const listed = await http(t.url, 'GET', `/api/platform/end-users/late-payer/payments`, { basic: project.creds });
    expect(listed.body.data.find((p: { id: string }) => p.id === upgrade.id)).toMatchObject({
      status: 'paid',
      refund_due: { reason: 'settled_after_expiry' },
    });
    const due = await http(t.url, 'GET', `/api/admin/projects/${project.id}/payments/refunds-due`, { admin: true });
    expect(due.status, due.text).toBe(200);
    expect(due.body.data.map((p: { id: string }) => p.id)).toContain(upgrade.id);
    expect(due.body.data.find((p: { id: string }) => p.id === upgrade.id)).toMatchObject({ end_user_id: 'late-payer', amount: upgrade.amount });

    // And to the customer, honestly labelled, in both languages.
    const portal = new PortalClient(t.url, t.deps.config.publicUrl);
    const minted = await createSession(t.url, project, 'late-payer');
    expect((await portal.get(minted.body.portal_url)).status).toBe(303);
    const history = await portal.get('/portal/payments');
    expect(history.text).toContain('Paid · refund due');
    const page = await portal.get(`/portal/payments/${upgrade.id}`, { 'accept-language': 'id' });
    expect(page.text).toMatch(/Paket Anda tidak berubah|Your plan did not change/);
  });

  it('is applied only to the period it was priced for, even while still pending when the period moved', async () => {
    const { eu, sub } = await subscribeWithCard('moved-period');
    t.clock.set(new Date(sub.current_period_end!.getTime() - 2 * HOUR));
    const upgrade = await askForBusiness(eu);
    // SQL stands in for a renewal processed between the link and its settlement.
    const shifted = new Date(sub.current_period_end!.getTime() + 30 * 24 * HOUR);
    await t.database.db
      .updateTable('subscriptions')
      .set({ current_period_start: sub.current_period_end, current_period_end: shifted })
      .where('id', '=', sub.id)
      .execute();
    await simulate(t, upgrade.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect(await paymentById(t, upgrade.id)).toMatchObject({ status: 'paid', refund_due_reason: 'period_ended' });
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });

  it('still applies an upgrade paid within its period (the rule refuses only what no longer fits)', async () => {
    const { eu, sub } = await subscribeWithCard('on-time');
    t.clock.set(new Date(sub.current_period_end!.getTime() - 2 * HOUR));
    const upgrade = await askForBusiness(eu);
    await simulate(t, upgrade.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect(await paymentById(t, upgrade.id)).toMatchObject({ status: 'paid', refund_due_reason: null });
    expect((await subscriptionOf(t, eu))!).toMatchObject({ plan_id: project.plans.business!.id, current_period_end: sub.current_period_end });
  });

  it('refuses an upgrade in the last minute of a period rather than open a page that would outlive it', async () => {
    const { eu, sub } = await subscribeWithCard('last-minute');
    t.clock.set(new Date(sub.current_period_end!.getTime() - 30_000));
    await expect(changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.business!.id, source: 'portal' })).rejects.toMatchObject({
      code: 'plan_change_not_allowed',
    });
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
