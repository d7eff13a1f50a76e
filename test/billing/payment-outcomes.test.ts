import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { eventsOf, paymentById, renotify, simulate, simulatorTransactions, subscriptionOf, pendingUpgrade, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

const upgradeToPro = (externalId: string) => pendingUpgrade(t, project, externalId);

describe('paying for an upgrade through the Midtrans simulator', () => {
  it('creates a pending payment and one Snap transaction for exactly the plan price', async () => {
    const { payment } = await upgradeToPro('snap-shape');
    expect(payment).toMatchObject({ status: 'pending', amount: 150_000, currency: 'IDR', purpose: 'new', order_id: payment.id });
    expect(payment.order_id).toMatch(/^[A-Za-z0-9_.~-]{1,50}$/);
    expect(payment.redirect_url).toContain(`${t.simulator.url}/snap/v3/redirection/`);
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect(tx).toMatchObject({ gross_amount: 150_000, finish_url: `${t.deps.config.publicUrl}/portal/payments/return` });
  });

  it('pay → the webhook marks it paid and assigns the plan with a new period from then', async () => {
    const { eu, payment } = await upgradeToPro('pays');
    t.clock.advance(60_000);
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
    const paid = await paymentById(t, payment.id);
    expect(paid).toMatchObject({ status: 'paid', payment_method: 'bank_transfer', gateway_status: 'settlement' });
    expect(paid.paid_at).toBeInstanceOf(Date);
    const sub = (await subscriptionOf(t, eu))!;
    expect(sub).toMatchObject({ plan_id: project.plans.pro!.id, status: 'active', current_period_start: t.clock.now() });
    expect(sub.current_period_end!.getTime() - sub.current_period_start!.getTime()).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect((await eventsOf(t, payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.succeeded']);
    const subEvents = await eventsOf(t, sub.id);
    expect(subEvents.at(-1)).toMatchObject({ type: 'subscription.updated', source: 'portal' });
    expect((subEvents.at(-1)!.data as { previous_attributes: Record<string, unknown> }).previous_attributes).toMatchObject({ plan_id: project.plans.free!.id });
  });

  it('pending (VA) → settle: shows pending with its method, then paid', async () => {
    const { eu, payment } = await upgradeToPro('va-settles');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' });
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'pending', payment_method: 'bank_transfer' });
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
    await simulate(t, payment.order_id, { transaction_status: 'settlement' });
    expect((await paymentById(t, payment.id)).status).toBe('paid');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });

  it('pending (QRIS) → expire: expired, plan unchanged, a new attempt is possible', async () => {
    const { eu, payment } = await upgradeToPro('qris-expires');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'qris' });
    await simulate(t, payment.order_id, { transaction_status: 'expire' });
    expect((await paymentById(t, payment.id)).status).toBe('expired');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
    const retry = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    expect(retry.outcome).toBe('payment_required');
    if (retry.outcome !== 'payment_required') throw new Error('unreachable');
    expect(retry.payment.id).not.toBe(payment.id);
    expect(retry.payment.status).toBe('pending');
  });

  it.each([
    ['deny', 'credit_card'],
    ['cancel', 'bank_transfer'],
  ])('%s → failed, plan unchanged', async (status, method) => {
    const { eu, payment } = await upgradeToPro(`outcome-${status}`);
    if (status === 'cancel') await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: method });
    await simulate(t, payment.order_id, { transaction_status: status, payment_type: method });
    expect((await paymentById(t, payment.id)).status).toBe('failed');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
    expect((await eventsOf(t, payment.id)).map((e) => e.type)).toContain('payment.failed');
  });

  it('card capture with fraud challenge stays pending until accepted', async () => {
    const { eu, payment } = await upgradeToPro('card-challenge');
    await simulate(t, payment.order_id, { transaction_status: 'capture', payment_type: 'credit_card', fraud_status: 'challenge' });
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'credit_card' });
    expect((await paymentById(t, payment.id)).status).toBe('paid');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });
});

describe('notifications that arrive twice or out of order', () => {
  it('a duplicate settlement changes nothing the second time', async () => {
    const { eu, payment } = await upgradeToPro('duplicate');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const before = (await subscriptionOf(t, eu))!;
    const eventsBefore = await t.database.db.selectFrom('events').select('id').where('project_id', '=', project.id).execute();
    await renotify(t, payment.order_id);
    await renotify(t, payment.order_id);
    expect(await subscriptionOf(t, eu)).toEqual(before);
    const eventsAfter = await t.database.db.selectFrom('events').select('id').where('project_id', '=', project.id).execute();
    expect(eventsAfter.length).toBe(eventsBefore.length);
  });

  it('a stale "pending" after settlement never moves the payment backwards', async () => {
    const { eu, payment } = await upgradeToPro('out-of-order');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bri' });
    await renotify(t, payment.order_id, 'pending');
    expect((await paymentById(t, payment.id)).status).toBe('paid');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });
});

describe('mid-period upgrade with proration', () => {
  it('charges the prorated difference as a plan line and a credit line, and keeps the period end', async () => {
    const { eu, payment } = await upgradeToPro('prorated');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    const onPro = (await subscriptionOf(t, eu))!;
    const start = onPro.current_period_start!.getTime();
    const end = onPro.current_period_end!.getTime();
    t.clock.set(new Date(start + (end - start) / 3)); // a third of the period used

    const upgrade = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.business!.id, source: 'portal' });
    expect(upgrade.outcome).toBe('payment_required');
    if (upgrade.outcome !== 'payment_required') return;
    expect(upgrade.kind).toBe('upgrade_prorated');
    const remaining = BigInt(end - t.clock.now().getTime());
    const whole = BigInt(end - start);
    const round = (price: number) => Number((2n * BigInt(price) * remaining + whole) / (2n * whole));
    expect(upgrade.payment.amount).toBe(round(450_000) - round(150_000));
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === upgrade.payment.order_id);
    expect(tx!.gross_amount).toBe(upgrade.payment.amount);
    expect(tx!.items).toEqual([
      { id: 'plan-business', name: 'Business, rest of current period', price: round(450_000), quantity: 1 },
      { id: 'proration-credit', name: 'Unused time on Pro', price: -round(150_000), quantity: 1 },
    ]);

    await simulate(t, upgrade.payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
    const onBusiness = (await subscriptionOf(t, eu))!;
    expect(onBusiness.plan_id).toBe(project.plans.business!.id);
    expect(onBusiness.current_period_start).toEqual(onPro.current_period_start);
    expect(onBusiness.current_period_end).toEqual(onPro.current_period_end);
    expect(onBusiness.version).toBeGreaterThan(onPro.version);
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
