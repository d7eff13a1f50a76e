import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { abandonPayment } from '../../src/modules/payments/abandon.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { createMidtransGateway } from '../../src/payments/midtrans/index.ts';
import { startTestApp, TEST_SERVER_KEY, type TestApp } from '../support/app.ts';
import { endUser, expectEveryPaymentHasItsEvents, paymentById, simulate, subscriptionOf } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { freePort } from '../support/ports.ts';
import { formFields, openPortal } from './support/portal-client.ts';

/**
 * A started, unpaid plan change no longer blocks the customer: they can cancel the payment
 * (closed at the gateway first; never when the gateway says it is paid), or replace it by
 * choosing another plan, in one step.
 */
let t: TestApp;
let project: TestProject;
beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t?.close());

async function started(externalId: string, plan: 'pro' | 'business', method?: 'bank_transfer') {
  const eu = await endUser(t, project, externalId);
  const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans[plan]!.id, source: 'portal' });
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  if (method) await simulate(t, r.payment.order_id, { transaction_status: 'pending', payment_type: method, bank: 'bca' });
  return { eu, payment: r.payment };
}


/** A browser-like client with `externalId`'s portal open. */
const portal = async (externalId: string) => (await openPortal(t, project, externalId)).client;

async function gatewayStatus(orderId: string): Promise<string | undefined> {
  const res = await fetch(`${t.simulator.url}/__simulator/transactions/${orderId}`, { headers: t.simulator.controlHeaders });
  const body = (await res.json()) as { transaction: { payment: { transaction_status: string } | null } };
  return body.transaction.payment?.transaction_status;
}

describe('cancelling an unpaid payment from the portal', () => {
  it('closes a pending bank transfer at the gateway first, marks it expired, and frees the customer to choose again', async () => {
    const { payment } = await started('va-abandon', 'pro', 'bank_transfer');
    const client = await portal('va-abandon');
    const page = await client.get(`/portal/payments/${payment.id}`);
    expect(page.text).toContain('Cancel this payment');
    const res = await client.post(`/portal/payments/${payment.id}/abandon`, formFields(page.text, `/portal/payments/${payment.id}/abandon`));
    expect([res.status, res.location]).toEqual([303, '/portal?notice=payment_abandoned']);
    expect(await gatewayStatus(payment.order_id)).toBe('expire');
    expect((await paymentById(t, payment.id)).status).toBe('expired');
    const overview = await client.get(res.location!);
    expect(overview.text).toContain('The payment is canceled and nothing was charged.');
    // In the history it reads Canceled (the customer's choice), not Expired.
    const history = await client.get('/portal/payments');
    expect(history.text).toMatch(/badge-neutral[^>]*>(<svg[^]*?<\/svg>)?Canceled/);
    expect((await paymentById(t, payment.id)).failure_reason).toBe('abandoned by the customer');

    const next = await client.get(`/portal/plans/${project.plans.business!.id}`);
    expect(next.text).toContain('Continue to payment');
  });

  it('marks a payment the gateway never saw (no method chosen) expired, from the overview', async () => {
    const { payment } = await started('snap-abandon', 'pro');
    const client = await portal('snap-abandon');
    const overview = await client.get('/portal');
    const res = await client.post(`/portal/payments/${payment.id}/abandon`, formFields(overview.text, `/portal/payments/${payment.id}/abandon`));
    expect(res.location).toBe('/portal?notice=payment_abandoned');
    expect((await paymentById(t, payment.id)).status).toBe('expired');
  });

  it('never abandons what the gateway says is paid: it is applied instead, and the customer sees it paid', async () => {
    const { eu, payment } = await started('paid-meanwhile', 'pro', 'bank_transfer');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', notify: false });
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    const result = await abandonPayment(t.deps, { projectId: project.id, endUserId: eu }, payment.id);
    expect([result.outcome, result.payment.status]).toEqual(['paid', 'paid']);
    expect((await paymentById(t, payment.id)).status).toBe('paid');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
    expect(await gatewayStatus(payment.order_id)).toBe('settlement');
    const page = await (await portal('paid-meanwhile')).get(`/portal/payments/${payment.id}`);
    expect(page.text).not.toContain('Cancel this payment');
    // Asked again, nothing is open any more.
    expect((await abandonPayment(t.deps, { projectId: project.id, endUserId: eu }, payment.id)).outcome).toBe('closed');
  });

  it('leaves the payment alone with a clear 502 when the gateway cannot be reached', async () => {
    const { eu, payment } = await started('gateway-down', 'pro', 'bank_transfer');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = { ...t.deps, gateway: createMidtransGateway({ serverKey: TEST_SERVER_KEY, snapBaseUrl: `${dead}/snap/v1`, coreBaseUrl: dead, retryDelayMs: 1, maxRetries: 1, timeoutMs: 500 }) };
    const error = await abandonPayment(down, { projectId: project.id, endUserId: eu }, payment.id).catch((e: unknown) => e);
    expect([(error as AppError).code, (error as AppError).status]).toEqual(['payment_gateway_unavailable', 502]);
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    expect(await gatewayStatus(payment.order_id)).toBe('pending');
  });

  it("refuses another customer's payment and a renewal (money owed, not a choice)", async () => {
    const { payment } = await started('victim', 'pro', 'bank_transfer');
    const thief = await portal('thief');
    const overview = await thief.get('/portal');
    const csrf = /name="csrf" value="([^"]+)"/.exec(overview.text)?.[1] ?? '';
    const res = await thief.post(`/portal/payments/${payment.id}/abandon`, { csrf, action_id: 'b'.repeat(22) });
    expect(res.status).toBe(404);
    expect((await paymentById(t, payment.id)).status).toBe('pending');

    const eu = await endUser(t, project, 'renewer');
    const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    if (r.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const sub = (await subscriptionOf(t, eu))!;
    t.clock.set(new Date(sub.current_period_end!.getTime() + 1000));
    await processPeriodEnds(t.deps);
    const renewal = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').executeTakeFirstOrThrow();
    const refused = await abandonPayment(t.deps, { projectId: project.id, endUserId: eu }, renewal.id).catch((e: unknown) => e);
    expect([(refused as AppError).code, (refused as AppError).details]).toEqual(['plan_change_not_allowed', { reason: 'renewal_due' }]);
    const client = await portal('renewer');
    expect((await client.get(`/portal/payments/${renewal.id}`)).text).not.toContain('Cancel this payment');
    t.clock.set(new Date());
  });
});

describe('choosing another plan while a payment is open', () => {
  it('offers "cancel it and continue" and does both in one step: the old payment closed at the gateway, a new one started', async () => {
    const { payment: old } = await started('replacer', 'pro', 'bank_transfer');
    const client = await portal('replacer');
    const confirm = await client.get(`/portal/plans/${project.plans.business!.id}`);
    expect(confirm.text).toContain("You started a payment of IDR 150,000 for Pro that hasn't been paid.".replace("'", '&#39;'));
    const fields = formFields(confirm.text, `/portal/plans/${project.plans.business!.id}`);
    expect(fields.replace).toBe(old.id);
    const res = await client.post(`/portal/plans/${project.plans.business!.id}`, fields);
    expect(res.status).toBe(303);
    expect(await gatewayStatus(old.order_id)).toBe('expire');
    expect((await paymentById(t, old.id)).status).toBe('expired');
    // Straight on to the new payment's page on the gateway.
    expect(new URL(res.location!).origin).toBe(t.simulator.url);
    const fresh = await t.database.db.selectFrom('payments').selectAll().where('redirect_url', '=', res.location!).executeTakeFirstOrThrow();
    expect(fresh.id).not.toBe(old.id);
    expect([fresh.status, fresh.plan_id, fresh.amount]).toEqual(['pending', project.plans.business!.id, 450_000]);
    // Sent twice, it leads to the same place and starts nothing more.
    const again = await client.post(`/portal/plans/${project.plans.business!.id}`, fields);
    expect(again.location).toBe(res.location);
  });

  it('refuses a replace that names a payment other than the open one', async () => {
    await started('replace-wrong', 'pro', 'bank_transfer');
    const client = await portal('replace-wrong');
    const confirm = await client.get(`/portal/plans/${project.plans.business!.id}`);
    const fields = { ...formFields(confirm.text, `/portal/plans/${project.plans.business!.id}`), replace: 'pay_not_mine' };
    expect((await client.post(`/portal/plans/${project.plans.business!.id}`, fields)).status).toBe(404);
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
