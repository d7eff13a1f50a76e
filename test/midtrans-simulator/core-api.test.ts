import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { startHttpStub, type HttpStub } from '../payments/http-stub.ts';
import { control, core, createCheckout, expectMidtransValueShapes, expectValidSignature, requestJson, startTestSimulator, submitPaymentForm } from './support.ts';

let receiver: HttpStub;
let simulator: MidtransSimulator;

beforeEach(async () => {
  receiver = await startHttpStub();
  simulator = await startTestSimulator({ notificationUrl: `${receiver.url}/notify` });
});

afterEach(async () => {
  await simulator.close();
  await receiver.close();
});

const notFound = { status_code: '404', status_message: "Transaction doesn't exist." };
const cannotModify = { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' };

async function pendingOrder(paymentType = 'bank_transfer') {
  const { orderId } = await createCheckout(simulator);
  await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'pending', payment_type: paymentType });
  return orderId;
}

async function savedToken() {
  const { orderId, redirectUrl } = await createCheckout(simulator, { user_id: 'cus_7', credit_card: { save_card: true } });
  await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'pay' });
  return String((await core(simulator, 'GET', `/v2/${orderId}/status`)).json.saved_token_id);
}

const chargeBody = (tokenId: string, orderId = `renewal-${Math.random().toString(36).slice(2)}`) => ({
  payment_type: 'credit_card',
  transaction_details: { order_id: orderId, gross_amount: 150000 },
  item_details: [{ id: 'plan_pro-monthly', price: 150000, quantity: 1, name: 'Pro (monthly)' }],
  credit_card: { token_id: tokenId, initiated_by: 'merchant' },
});

describe('Core API authentication', () => {
  it.each(['/v2/any/status', '/v2/any/cancel', '/v2/charge'])('answers 401 on %s with a wrong key', async (path) => {
    const response = await core(simulator, path.endsWith('status') ? 'GET' : 'POST', path, undefined, 'SB-Mid-server-wrong');
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ status_code: '401' });
  });

  it('answers 401 without an Authorization header', async () => {
    const response = await requestJson(`${simulator.url}/v2/any/status`);
    expect(response.status).toBe(401);
  });
});

describe('GET /v2/:id/status', () => {
  it('answers HTTP 404 with the Midtrans body for unknown orders', async () => {
    const response = await core(simulator, 'GET', '/v2/never-created/status');
    expect(response.status).toBe(404);
    expect(response.json).toEqual(notFound);
  });

  it('finds a transaction by transaction_id as well as order_id', async () => {
    const orderId = await pendingOrder();
    const byOrder = await core(simulator, 'GET', `/v2/${orderId}/status`);
    const byTransaction = await core(simulator, 'GET', `/v2/${String(byOrder.json.transaction_id)}/status`);
    expect(byTransaction.json).toEqual(byOrder.json);
    expectMidtransValueShapes(byOrder.json);
    expectValidSignature(byOrder.json);
  });
});

describe('POST /v2/:id/cancel', () => {
  it('cancels a pending transaction and notifies', async () => {
    const orderId = await pendingOrder();
    const response = await core(simulator, 'POST', `/v2/${orderId}/cancel`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status_code: '200', status_message: 'Success, transaction is canceled', transaction_status: 'cancel', order_id: orderId });
    await simulator.deliveriesSettled();
    expect(receiver.requests.map((request) => (request.json as Record<string, unknown>).transaction_status)).toEqual(['pending', 'cancel']);
    const cancelNotification = receiver.requests[1]?.json as Record<string, unknown>;
    expect(cancelNotification.status_code).toBe('202');
    expectValidSignature(cancelNotification);
  });

  it('cancels a captured card payment (allowed before settlement)', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator);
    await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'pay' });
    expect((await core(simulator, 'POST', `/v2/${orderId}/cancel`)).json.transaction_status).toBe('cancel');
  });

  it('answers 412 after settlement and 404 before a method was chosen', async () => {
    const orderId = await pendingOrder();
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    const refused = await core(simulator, 'POST', `/v2/${orderId}/cancel`);
    expect(refused.status).toBe(412);
    expect(refused.json).toEqual(cannotModify);

    const { orderId: untouched } = await createCheckout(simulator);
    const missing = await core(simulator, 'POST', `/v2/${untouched}/cancel`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual(notFound);
  });
});

describe('POST /v2/:id/expire', () => {
  it('expires a pending transaction with status_code 407 and notifies with 202', async () => {
    const orderId = await pendingOrder('gopay');
    const response = await core(simulator, 'POST', `/v2/${orderId}/expire`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status_code: '407', status_message: 'Success, transaction has expired', transaction_status: 'expire', gross_amount: '100000.00' });
    await simulator.deliveriesSettled();
    expect(receiver.requests[1]?.json).toMatchObject({ transaction_status: 'expire', status_code: '202' });
  });

  it('answers 412 for a settled transaction', async () => {
    const orderId = await pendingOrder();
    await control(simulator, 'POST', `/transactions/${orderId}/transition`, { transaction_status: 'settlement' });
    const response = await core(simulator, 'POST', `/v2/${orderId}/expire`);
    expect(response.status).toBe(412);
    expect(response.json).toEqual(cannotModify);
  });
});

describe('POST /v2/charge with a saved card', () => {
  it('captures, answers 200 and notifies', async () => {
    const tokenId = await savedToken();
    await simulator.deliveriesSettled();
    const body = chargeBody(tokenId);
    const response = await core(simulator, 'POST', '/v2/charge', body);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      status_code: '200',
      status_message: 'Success, Credit Card transaction is successful',
      transaction_status: 'capture',
      fraud_status: 'accept',
      payment_type: 'credit_card',
      order_id: body.transaction_details.order_id,
      gross_amount: '150000.00',
      masked_card: '48111111-1114',
      saved_token_id: tokenId,
    });
    expectMidtransValueShapes(response.json);
    await simulator.deliveriesSettled();
    const notification = receiver.requests.at(-1)?.json as Record<string, unknown>;
    expect(notification).toMatchObject({ order_id: body.transaction_details.order_id, transaction_status: 'capture', status_code: '200' });
    expectValidSignature(notification);
    expect((await core(simulator, 'GET', `/v2/${body.transaction_details.order_id}/status`)).json.transaction_status).toBe('capture');
  });

  it('answers business errors with HTTP 200 and the code in the body', async () => {
    const tokenId = await savedToken();
    const unknownToken = await core(simulator, 'POST', '/v2/charge', chargeBody('481111-not-issued-1114'));
    expect(unknownToken.status).toBe(200);
    expect(unknownToken.json).toEqual({ status_code: '411', status_message: 'Token id is missing, invalid, or timed out' });

    const missingToken = await core(simulator, 'POST', '/v2/charge', { ...chargeBody(tokenId), credit_card: { initiated_by: 'merchant' } });
    expect(missingToken.json.status_code).toBe('411');

    const first = chargeBody(tokenId);
    expect((await core(simulator, 'POST', '/v2/charge', first)).json.status_code).toBe('200');
    const duplicate = await core(simulator, 'POST', '/v2/charge', first);
    expect(duplicate.status).toBe(200);
    expect(duplicate.json).toEqual({ status_code: '406', status_message: 'Duplicate order ID. Order ID has already been utilized previously.' });

    const mismatch = await core(simulator, 'POST', '/v2/charge', { ...chargeBody(tokenId), transaction_details: { order_id: 'mismatch-1', gross_amount: 1 } });
    expect(mismatch.json).toMatchObject({ status_code: '400', validation_messages: ['transaction_details.gross_amount is not equal to the sum of item_details'] });

    const bankTransfer = await core(simulator, 'POST', '/v2/charge', { ...chargeBody(tokenId), payment_type: 'bank_transfer' });
    expect(bankTransfer.json).toMatchObject({ status_code: '400', validation_messages: ['payment_type is not supported by the simulator (credit_card only)'] });
  });
});
