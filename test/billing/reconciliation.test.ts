import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/payments/reconcile.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { paymentById, simulate, subscriptionOf, pendingUpgrade, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

const upgrade = (externalId: string) => pendingUpgrade(t, project, externalId);

const minutes = (n: number) => n * 60_000;

describe('reconciliation of pending payments', () => {
  it('applies a settlement whose notification never arrived', async () => {
    const { eu, payment } = await upgrade('lost-webhook');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'gopay', notify: false });
    expect((await paymentById(t, payment.id)).status).toBe('pending');

    // Not yet due: the first check waits a few minutes for the webhook.
    expect((await reconcilePendingPayments(t.deps)).checked).toBe(0);
    t.clock.advance(minutes(6));
    const round = await reconcilePendingPayments(t.deps);
    expect(round.changed).toBeGreaterThanOrEqual(1);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', payment_method: 'gopay' });
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
    // The next round has nothing left to do for it.
    t.clock.advance(minutes(30));
    await reconcilePendingPayments(t.deps);
    expect((await paymentById(t, payment.id)).status).toBe('paid');
  });

  it('leaves a payment that is genuinely still pending alone until its link lapses, then expires it at the gateway too', async () => {
    const { eu, payment } = await upgrade('va-abandoned');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bca' });
    t.clock.advance(minutes(6));
    await reconcilePendingPayments(t.deps);
    expect((await paymentById(t, payment.id)).status).toBe('pending');

    t.clock.set(new Date(payment.expires_at.getTime() + 1000));
    await reconcilePendingPayments(t.deps);
    expect((await paymentById(t, payment.id)).status).toBe('expired');
    const status = await t.deps.gateway.getStatus(payment.order_id);
    expect(status?.status).toBe('expired'); // cannot be paid any more
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
  });

  it('expires a checkout nobody opened once its link lapses (the gateway has no transaction for it)', async () => {
    const { payment } = await upgrade('never-opened');
    expect(await t.deps.gateway.getStatus(payment.order_id)).toBeNull();
    t.clock.set(new Date(payment.expires_at.getTime() + 1000));
    await reconcilePendingPayments(t.deps);
    expect((await paymentById(t, payment.id)).status).toBe('expired');
  });

  it('two reconcilers running at once never handle the same payment twice', async () => {
    const payments = await Promise.all(['race-a', 'race-b', 'race-c', 'race-d'].map(upgrade));
    for (const { payment } of payments) await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris', notify: false });
    t.clock.advance(minutes(6));
    const [a, b] = await Promise.all([reconcilePendingPayments(t.deps), reconcilePendingPayments(t.deps)]);
    expect(a.changed + b.changed).toBe(4);
    for (const { payment, eu } of payments) {
      expect((await paymentById(t, payment.id)).status).toBe('paid');
      const applied = await t.database.db.selectFrom('events').select('id').where('subject_id', '=', payment.id).where('type', '=', 'payment.succeeded').execute();
      expect(applied).toHaveLength(1);
      expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
    }
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
