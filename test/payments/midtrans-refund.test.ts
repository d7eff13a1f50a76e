/**
 * Refunds over the wire: our Midtrans client (`gateway.refund`, status reading) against our
 * simulator (`POST /v2/{order_id}/refund`), as the protocol reference describes them — only
 * settled transactions, idempotent by `refund_key`, partial refunds within the paid amount,
 * `refund` / `partial_refund` with `refund_amount` and a `refunds` list, bank transfers refused.
 * Plus the client against a stubbed Midtrans for answers the simulator never gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { GatewayError, type PaymentGateway } from '../../src/payments/gateway.ts';
import { createMidtransGateway } from '../../src/payments/midtrans/index.ts';
import { verifySignature } from '../../src/payments/midtrans/signature.ts';
import { control, core, createCheckout, startTestSimulator } from '../midtrans-simulator/support.ts';
import { startHttpStub, type HttpStub } from './http-stub.ts';

const serverKey = 'SB-Mid-server-simulator-test';
let simulator: MidtransSimulator;
let receiver: HttpStub;
let gateway: PaymentGateway;

beforeAll(async () => {
  receiver = await startHttpStub();
  simulator = await startTestSimulator({ notificationUrl: `${receiver.url}/notify` });
  gateway = createMidtransGateway({ serverKey, snapBaseUrl: simulator.snapBaseUrl, coreBaseUrl: simulator.coreBaseUrl, retryDelayMs: 5 });
});
afterAll(async () => {
  await simulator.close();
  await receiver.close();
});

/** A Snap order of Rp100.000 paid with `method` (settled). */
async function settled(method: 'credit_card' | 'gopay' | 'qris' | 'bank_transfer'): Promise<string> {
  const { orderId } = await createCheckout(simulator);
  const transition = await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement', payment_type: method });
  expect(transition.status).toBe(200);
  await simulator.deliveriesSettled();
  return orderId;
}

const refundsOf = async (orderId: string) =>
  ((await control(simulator, 'GET', `/transactions/${orderId}`)).json.transaction as { payment: { refunds: unknown[] } }).payment.refunds;

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('refunds through the Midtrans client and simulator', () => {
  it('refunds a settled card payment in full: status refund, refund_amount and the refunds list', async () => {
    const orderId = await settled('credit_card');
    const result = await gateway.refund({ orderId, refundKey: 'rfd_full-1', amount: 100_000, reason: 'Customer asked' });
    expect(result).toEqual({ refundKey: 'rfd_full-1', amount: 100_000, gatewayStatus: 'refund' });

    const state = (await gateway.getStatus(orderId))!;
    expect(state).toMatchObject({ status: 'refunded', gatewayStatus: 'refund', grossAmount: 100_000 });
    expect(state.refunds).toEqual({ total: 100_000, list: [expect.objectContaining({ key: "rfd_full-1", amount: 100_000, reason: "Customer asked" })] });
    const raw = (await core(simulator, 'GET', `/v2/${orderId}/status`)).json;
    expect(raw).toMatchObject({ transaction_status: 'refund', refund_amount: '100000.00', status_code: '200' });
  });

  it('refunds part, then the rest: partial_refund (still paid) then refund', async () => {
    const orderId = await settled('gopay');
    expect(await gateway.refund({ orderId, refundKey: 'rfd_part-1', amount: 30_000, reason: 'Goodwill' })).toMatchObject({ amount: 30_000, gatewayStatus: 'partial_refund' });
    const partial = (await gateway.getStatus(orderId))!;
    expect(partial).toMatchObject({ status: 'paid', gatewayStatus: 'partial_refund' });
    expect(partial.refunds?.total).toBe(30_000);

    expect(await gateway.refund({ orderId, refundKey: 'rfd_part-2', amount: 70_000, reason: 'The rest' })).toMatchObject({ amount: 70_000, gatewayStatus: 'refund' });
    const full = (await gateway.getStatus(orderId))!;
    expect(full.status).toBe('refunded');
    expect(full.refunds).toEqual({ total: 100_000, list: [expect.objectContaining({ key: 'rfd_part-1', amount: 30_000 }), expect.objectContaining({ key: 'rfd_part-2', amount: 70_000 })] });
  });

  it('refuses more than is left to refund (412), refunding nothing', async () => {
    const orderId = await settled('qris');
    await gateway.refund({ orderId, refundKey: 'rfd_over-1', amount: 60_000, reason: '' });
    const error = await rejection(gateway.refund({ orderId, refundKey: 'rfd_over-2', amount: 40_001, reason: '' }));
    expect(error.code).toBe('gateway_rejected');
    expect(error.details.statusCode).toBe('412');
    expect(error.message).toContain('greater than the amount left to refund (40000)');
    expect(await refundsOf(orderId)).toHaveLength(1);
  });

  it('treats the same refund_key as the same refund: asked twice, refunded once', async () => {
    const orderId = await settled('credit_card');
    const first = await gateway.refund({ orderId, refundKey: 'rfd_twice', amount: 25_000, reason: 'Once' });
    const again = await gateway.refund({ orderId, refundKey: 'rfd_twice', amount: 25_000, reason: 'Once' });
    expect(again).toEqual(first);
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect((await gateway.getStatus(orderId))!.refunds?.total).toBe(25_000);
  });

  it('refuses a bank transfer (VA): Midtrans cannot refund it', async () => {
    const orderId = await settled('bank_transfer');
    const error = await rejection(gateway.refund({ orderId, refundKey: 'rfd_va', amount: 100_000, reason: '' }));
    expect(error).toMatchObject({ code: 'gateway_rejected', details: { statusCode: '412' } });
    expect(error.message).toContain('bank_transfer cannot be refunded');
    expect(gateway.canRefund('bank_transfer')).toBe(false);
    expect(gateway.canRefund('credit_card')).toBe(true);
    expect(gateway.canRefund(null)).toBe(false);
    expect((await gateway.getStatus(orderId))!.gatewayStatus).toBe('settlement');
  });

  it('refuses a transaction that is not settled (use cancel instead)', async () => {
    const { orderId } = await createCheckout(simulator);
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending', payment_type: 'qris' });
    expect((await rejection(gateway.refund({ orderId, refundKey: 'rfd_pending', amount: 1, reason: '' }))).details.statusCode).toBe('412');
    expect((await rejection(gateway.refund({ orderId: 'never-made', refundKey: 'rfd_unknown', amount: 1, reason: '' }))).code).toBe('gateway_not_found');
  });

  it('validates the body like the Core API: a bad refund_key or amount is a 400', async () => {
    const orderId = await settled('credit_card');
    for (const body of [{ refund_key: 'has space', amount: 1 }, { refund_key: 'ok', amount: 0 }, { refund_key: 'ok', amount: 1.5 }, { refund_key: 'ok', amount: '5000' }]) {
      const answer = await core(simulator, 'POST', `/v2/${orderId}/refund`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.status_code).toBe('400');
    }
    // Without an amount, the whole transaction (what is left of it) is refunded.
    const whole = await core(simulator, 'POST', `/v2/${orderId}/refund`, { refund_key: 'rfd_default-amount' });
    expect(whole.json).toMatchObject({ status_code: '200', transaction_status: 'refund', refund_amount: '100000.00', refund_key: 'rfd_default-amount' });
  });

  it('notifies the merchant of each new refund, signed, with the refunds so far', async () => {
    const before = receiver.requests.length;
    const orderId = await settled('credit_card');
    await gateway.refund({ orderId, refundKey: 'rfd_notify', amount: 10_000, reason: 'Notified' });
    await gateway.refund({ orderId, refundKey: 'rfd_notify', amount: 10_000, reason: 'Notified' });
    await simulator.deliveriesSettled();
    const bodies = receiver.requests.slice(before).map((r) => r.json as Record<string, unknown>).filter((b) => b.order_id === orderId);
    expect(bodies.map((b) => b.transaction_status)).toEqual(['settlement', 'partial_refund']);
    const notification = bodies[1]!;
    expect(notification).toMatchObject({ status_code: '200', refund_amount: '10000.00', refunds: [expect.objectContaining({ refund_key: 'rfd_notify', refund_amount: '10000.00' })] });
    expect(verifySignature(orderId, '200', '100000.00', serverKey, String(notification.signature_key))).toBe(true);
    const state = gateway.verifyNotification(notification);
    expect(state).toMatchObject({ status: 'paid', gatewayStatus: 'partial_refund', refunds: { total: 10_000 } });
  });
});

describe('the client reads refund answers tolerantly', () => {
  let stub: HttpStub;
  beforeAll(async () => {
    stub = await startHttpStub();
  });
  afterAll(() => stub.close());
  const stubbed = () => createMidtransGateway({ serverKey, snapBaseUrl: `${stub.url}/snap/v1`, coreBaseUrl: stub.url, retryDelayMs: 5, maxRetries: 2 });
  const base = { status_code: '200', order_id: 'ord-1', gross_amount: '150000.00', currency: 'IDR', payment_type: 'credit_card', transaction_time: '2026-01-09 18:27:19' };

  it('retries a timed-out refund with the same refund_key (so Midtrans refunds once)', async () => {
    stub.answerWith((_request, index) =>
      index === 0 ? { status: 503, body: { status_code: '503' } } : { status: 200, body: { ...base, transaction_status: 'partial_refund', refund_amount: '5000.00', refund_key: 'rfd_retry' } },
    );
    const result = await stubbed().refund({ orderId: 'ord-1', refundKey: 'rfd_retry', amount: 5000, reason: 'x' });
    expect(result).toEqual({ refundKey: 'rfd_retry', amount: 5000, gatewayStatus: 'partial_refund' });
    const sent = stub.requests.slice(-2).map((r) => r.json);
    expect(sent).toEqual([
      { refund_key: 'rfd_retry', amount: 5000, reason: 'x' },
      { refund_key: 'rfd_retry', amount: 5000, reason: 'x' },
    ]);
  });

  it('reads a status without a refunds list: the total alone, or the whole amount for a full refund', async () => {
    stub.answerWith(() => ({ status: 200, body: { ...base, transaction_status: 'partial_refund', refund_amount: '7000.00', settlement_time: '2026-01-09 18:29:02' } }));
    expect((await stubbed().getStatus('ord-1'))!).toMatchObject({ status: 'paid', refunds: { total: 7000, list: [] } });
    stub.answerWith(() => ({ status: 200, body: { ...base, transaction_status: 'refund' } }));
    expect((await stubbed().getStatus('ord-1'))!).toMatchObject({ status: 'refunded', refunds: { total: 150_000, list: [] } });
    stub.answerWith(() => ({ status: 200, body: { ...base, transaction_status: 'partial_refund', refunds: [{ refund_key: 7 }, 'junk', { refund_key: 'k', refund_amount: '-1' }] } }));
    expect((await stubbed().getStatus('ord-1'))!.refunds).toEqual({ list: [] });
  });

  it('an answer that is not a refund is an unexpected response, not a success', async () => {
    stub.answerWith(() => ({ status: 200, body: { ...base, transaction_status: 'settlement' } }));
    expect((await rejection(stubbed().refund({ orderId: 'ord-1', refundKey: 'k', amount: 1, reason: '' }))).code).toBe('gateway_unavailable');
  });
});
