import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkoutBackoffMs, openDueCheckouts } from '../../src/modules/payments/checkout.ts';
import { reconcilePendingPayments } from '../../src/modules/payments/reconcile.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { GatewayError, type CheckoutRequest } from '../../src/payments/gateway.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, eventsOf, paymentById, simulate, simulatorTransactions, subscriptionOf, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * A payment whose page failed to open is given one: a crash mid-call or a gateway outage
 * never leaves a customer with a pending payment nobody can pay, nor blocks other changes.
 */

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

const SECOND = 1000;

/** The instance dies right after Snap created the page: the order id is spent, the URL lost. */
function crashAfterSnap() {
  const real = t.deps.gateway.createCheckout.bind(t.deps.gateway);
  vi.spyOn(t.deps.gateway, 'createCheckout').mockImplementationOnce(async (request: CheckoutRequest) => {
    await real(request);
    throw new Error('instance killed');
  });
}

async function ask(eu: string, plan: string) {
  return changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans[plan]!.id, source: 'portal' });
}

async function openPaymentsOf(eu: string) {
  return t.database.db.selectFrom('payments').selectAll().where('end_user_id', '=', eu).where('status', '=', 'pending').execute();
}

describe('a plan change whose page was lost', () => {
  it('is opened by the next request for that plan once the lost attempt has had its time, under a fresh order id', async () => {
    const eu = await endUser(t, project, 'crash-same-plan');
    crashAfterSnap();
    await expect(ask(eu, 'pro')).rejects.toThrow('instance killed');
    const [lost] = await openPaymentsOf(eu);
    expect(lost).toMatchObject({ redirect_url: null, checkout_attempts: 1 });

    // Past the lease of the dead attempt, asking again opens a page.
    t.clock.advance(61 * SECOND);
    const again = await ask(eu, 'pro');
    if (again.outcome !== 'payment_required') throw new Error(again.outcome);
    expect(again.payment.redirect_url).toContain('/snap/v3/redirection/');
    expect(again.payment.id).not.toBe(lost!.id);
    expect(again.payment).toMatchObject({ amount: lost!.amount, plan_id: lost!.plan_id, purpose: lost!.purpose });
    expect(await paymentById(t, lost!.id)).toMatchObject({ status: 'failed' });
    expect((await eventsOf(t, lost!.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.failed']);
    expect((await eventsOf(t, again.payment.id)).map((e) => e.type)).toEqual(['payment.created']);

    // The new page is payable and buys the plan.
    await simulate(t, again.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });

  it('does not block a change to another plan once the lost attempt has had its time', async () => {
    const eu = await endUser(t, project, 'crash-other-plan');
    crashAfterSnap();
    await expect(ask(eu, 'pro')).rejects.toThrow('instance killed');
    // While the attempt may still be alive, another plan waits its turn (honest 409)...
    await expect(ask(eu, 'business')).rejects.toMatchObject({ code: 'payment_in_progress' });
    // ...after, the lost payment gives way.
    t.clock.advance(61 * SECOND);
    const other = await ask(eu, 'business');
    if (other.outcome !== 'payment_required') throw new Error(other.outcome);
    expect(other.payment.redirect_url).toContain('/snap/v3/redirection/');
    const payments = await t.database.db.selectFrom('payments').selectAll().where('end_user_id', '=', eu).orderBy('created_at').execute();
    expect(payments.map((p) => p.status).sort()).toEqual(['failed', 'pending']);
    const lost = payments.find((p) => p.status === 'failed')!;
    expect((await eventsOf(t, lost.id)).map((e) => e.type)).toContain('payment.failed');
  });

  it('is opened by the reconciler, and the portal then offers it', async () => {
    const eu = await endUser(t, project, 'crash-reconciled');
    crashAfterSnap();
    await expect(ask(eu, 'pro')).rejects.toThrow('instance killed');
    expect(await openDueCheckouts(t.deps)).toEqual({ opened: 0, failed: 0 }); // still within the lease
    t.clock.advance(61 * SECOND);
    expect((await openDueCheckouts(t.deps)).opened).toBe(1);
    const [open] = await openPaymentsOf(eu);
    expect(open!.redirect_url).toContain('/snap/v3/redirection/');

    const portal = new PortalClient(t.url, t.deps.config.publicUrl);
    await portal.get((await createSession(t.url, project, 'crash-reconciled')).body.portal_url);
    const overview = await portal.get('/portal');
    expect(overview.text).toContain(`/portal/payments/${open!.id}`);
  });
});

describe('a renewal whose page could not be opened', () => {
  it('gets one from the reconciler once the gateway is back, retrying with a growing backoff meanwhile', async () => {
    const eu = await endUser(t, project, 'renewal-snap-down');
    const first = await ask(eu, 'pro');
    if (first.outcome !== 'payment_required') throw new Error(first.outcome);
    await simulate(t, first.payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
    const sub = (await subscriptionOf(t, eu))!;

    // Snap is down when the period ends.
    const down = vi.spyOn(t.deps.gateway, 'createCheckout').mockRejectedValue(new GatewayError('gateway_unavailable', 'Snap is down'));
    t.clock.set(new Date(sub.current_period_end!.getTime() + SECOND));
    await processPeriodEnds(t.deps);
    let [renewal] = await openPaymentsOf(eu);
    expect(renewal).toMatchObject({ purpose: 'renewal', redirect_url: null, checkout_attempts: 1 });
    expect(renewal!.checkout_retry_at!.getTime() - t.clock.now().getTime()).toBe(checkoutBackoffMs(1));

    // Still down at the next tries: each waits longer.
    // (Other customers' renewals fall due at the same moment: counts are at least ours.)
    t.clock.advance(checkoutBackoffMs(1));
    expect(await openDueCheckouts(t.deps)).toMatchObject({ opened: 0 });
    [renewal] = await openPaymentsOf(eu);
    expect(renewal!.checkout_retry_at!.getTime() - t.clock.now().getTime()).toBe(checkoutBackoffMs(2));
    expect(checkoutBackoffMs(2)).toBeGreaterThan(checkoutBackoffMs(1));
    expect(checkoutBackoffMs(50)).toBe(30 * 60 * SECOND);

    // Back up: the next due try opens the page, and paying it renews.
    down.mockRestore();
    t.clock.advance(checkoutBackoffMs(2));
    expect((await openDueCheckouts(t.deps)).opened).toBeGreaterThanOrEqual(1);
    [renewal] = await openPaymentsOf(eu);
    expect(renewal!.redirect_url).toContain('/snap/v3/redirection/');
    await simulate(t, renewal!.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect((await subscriptionOf(t, eu))!).toMatchObject({ status: 'active', current_period_start: sub.current_period_end });
  });

  it('is replaced with a payable one when the customer cancels the page at the gateway, while grace lasts', async () => {
    const eu = await endUser(t, project, 'renewal-canceled-page');
    const first = await ask(eu, 'pro');
    if (first.outcome !== 'payment_required') throw new Error(first.outcome);
    await simulate(t, first.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const sub = (await subscriptionOf(t, eu))!;
    t.clock.set(new Date(sub.current_period_end!.getTime() + SECOND));
    await processPeriodEnds(t.deps);
    const [renewal] = await openPaymentsOf(eu);
    await simulate(t, renewal!.order_id, { transaction_status: 'cancel', payment_type: 'bank_transfer', bank: 'bni' });
    expect(await paymentById(t, renewal!.id)).toMatchObject({ status: 'failed' });
    const [replacement] = await openPaymentsOf(eu);
    expect(replacement).toMatchObject({ purpose: 'renewal', amount: renewal!.amount, period_start: renewal!.period_start, expires_at: renewal!.expires_at });
    expect((await eventsOf(t, replacement!.id)).map((e) => e.type)).toEqual(['payment.created']);
    await openDueCheckouts(t.deps);
    expect((await paymentById(t, replacement!.id)).redirect_url).toContain('/snap/v3/redirection/');
  });

  it('a pending payment the gateway never heard of and nobody meant to open is given a page by the reconciler', async () => {
    const eu = await endUser(t, project, 'orphan');
    const first = await ask(eu, 'pro');
    if (first.outcome !== 'payment_required') throw new Error(first.outcome);
    // SQL stands in for a saved-card charge that never reached the gateway (the instance died).
    await t.database.db
      .updateTable('payments')
      .set({ redirect_url: null, gateway_token: null, checkout_retry_at: null, order_id: `${first.payment.order_id}-x`, next_check_at: t.clock.now() })
      .where('id', '=', first.payment.id)
      .execute();
    await reconcilePendingPayments(t.deps);
    expect((await paymentById(t, first.payment.id)).checkout_retry_at).toEqual(t.clock.now());
    expect((await openDueCheckouts(t.deps)).opened).toBe(1);
    expect((await paymentById(t, first.payment.id)).redirect_url).toContain('/snap/v3/redirection/');
    expect((await simulatorTransactions(t)).some((x) => x.order_id === `${first.payment.order_id}-x`)).toBe(true);
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
