import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationSignature } from '../../src/payments/midtrans/signature.ts';
import { startTestApp, TEST_SERVER_KEY, type TestApp } from '../support/app.ts';
import { paymentById, simulate, subscriptionOf, pendingUpgrade } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
let project: TestProject;
const webhook = '/api/webhooks/midtrans';

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

const upgrade = (externalId: string) => pendingUpgrade(t, project, externalId);

/** A notification as Midtrans would send it, signed with `key`. */
function notification(orderId: string, fields: { status_code?: string; gross_amount?: string; transaction_status?: string } = {}, key = TEST_SERVER_KEY) {
  const status_code = fields.status_code ?? '200';
  const gross_amount = fields.gross_amount ?? '150000.00';
  return {
    transaction_time: '2026-01-15 10:00:00',
    transaction_status: fields.transaction_status ?? 'settlement',
    transaction_id: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
    status_message: 'midtrans payment notification',
    status_code,
    signature_key: notificationSignature(orderId, status_code, gross_amount, key),
    payment_type: 'bank_transfer',
    order_id: orderId,
    merchant_id: 'G000000000',
    gross_amount,
    fraud_status: 'accept',
    currency: 'IDR',
  };
}

describe('POST /api/webhooks/midtrans refuses what it cannot trust', () => {
  it('a bad signature is a 401 and changes nothing', async () => {
    const { eu, payment } = await upgrade('bad-signature');
    const res = await http(t.url, 'POST', webhook, { body: notification(payment.order_id, {}, 'SB-Mid-server-attacker') });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
  });

  it('a tampered amount breaks the signature: 401, nothing applied', async () => {
    const { payment } = await upgrade('tampered-amount');
    const body = { ...notification(payment.order_id), gross_amount: '1.00' };
    const res = await http(t.url, 'POST', webhook, { body });
    expect(res.status).toBe(401);
    expect((await paymentById(t, payment.id)).status).toBe('pending');
  });

  it('a genuine settlement whose confirmed amount differs from our order is refused and not applied', async () => {
    const { eu, payment } = await upgrade('amount-mismatch');
    // Our record says something else than what Midtrans holds for this order.
    await t.database.db.updateTable('payments').set({ amount: 15_000 }).where('id', '=', payment.id).execute();
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris', notify: false });
    const res = await http(t.url, 'POST', webhook, { body: notification(payment.order_id) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('payment_mismatch');
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
  });

  it('never trusts the notification body: a forged "settlement" for an unpaid order is checked against the status API', async () => {
    const { eu, payment } = await upgrade('forged-but-signed');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bca', notify: false });
    // Correctly signed (say, replayed or crafted by someone holding the key) but untrue.
    const res = await http(t.url, 'POST', webhook, { body: notification(payment.order_id) });
    expect(res.status).toBe(200);
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);
  });

  it('an unknown order is acknowledged (no retry storm) and ignored', async () => {
    const res = await http(t.url, 'POST', webhook, { body: notification('ORDER-not-ours-1') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ignored' });
  });

  it('bodies that are not notifications get clear 4xx answers', async () => {
    const missing = await http(t.url, 'POST', webhook, { body: { order_id: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('status_code is required');
    expect((await http(t.url, 'POST', webhook, { raw: 'order_id=x', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await http(t.url, 'POST', webhook, { raw: '{nope' })).status).toBe(400);
  });

  it('accepts unknown extra fields, as the protocol requires of receivers', async () => {
    const { payment } = await upgrade('extra-fields');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca', notify: false });
    const res = await http(t.url, 'POST', webhook, {
      body: { ...notification(payment.order_id), va_numbers: [{ bank: 'bca', va_number: '123' }], some_future_field: 'x' },
    });
    expect(res.status).toBe(200);
    expect((await paymentById(t, payment.id)).status).toBe('paid');
  });
});
