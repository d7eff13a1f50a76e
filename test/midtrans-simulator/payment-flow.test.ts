import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { startHttpStub, type HttpStub } from '../payments/http-stub.ts';
import {
  control,
  core,
  createCheckout,
  expectMidtransValueShapes,
  expectValidSignature,
  startTestSimulator,
  submitPaymentForm,
} from './support.ts';

let simulator: MidtransSimulator;
let receiver: HttpStub;

beforeEach(async () => {
  receiver = await startHttpStub(() => ({ status: 200, body: 'OK' }));
  simulator = await startTestSimulator({ notificationUrl: `${receiver.url}/webhooks/midtrans`, merchantId: 'G141532850' });
});

afterEach(async () => {
  await simulator.close();
  await receiver.close();
});

const button = (label: string) => new RegExp(`<button type="submit" name="outcome" value="[a-z]+">${label}</button>`);

function finishParams(response: Response) {
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location') ?? '');
  return { location, params: Object.fromEntries(location.searchParams) };
}

async function notificationsFor(orderId: string, count: number) {
  await simulator.deliveriesSettled();
  const requests = await receiver.waitForRequests(count);
  return requests.map((request) => request.json as Record<string, unknown>).filter((body) => body.order_id === orderId);
}

describe('Snap payment page, end to end', () => {
  it('create → page → pay by BCA VA → signed notification → finish redirect → status API', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator, {
      item_details: [
        { id: 'plan', price: 150000, quantity: 1, name: 'Pro <monthly> & "more"' },
        { id: 'credit', price: -50000, quantity: 1, name: 'Unused time credit' },
      ],
    });

    const page = await fetch(redirectUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('Langgan (Midtrans simulator)');
    expect(html).toContain(orderId);
    expect(html).toContain('Rp 100.000');
    expect(html).toContain('Rp 150.000');
    expect(html).toContain('-Rp 50.000');
    expect(html).toContain('Pro &#60;monthly&#62; &#38; &#34;more&#34;');
    expect(html).not.toContain('<monthly>');
    expect(html).not.toMatch(/<script|<link|src=/);
    for (const label of ['Pay', 'Leave pending', 'Deny', 'Expire', 'Cancel']) expect(html).toMatch(button(label));
    for (const label of ['Credit card', 'BCA Virtual Account', 'BNI Virtual Account', 'BRI Virtual Account', 'QRIS', 'GoPay']) {
      expect(html).toMatch(new RegExp(`<label for="method-\\d">[^<]*<input type="radio" id="method-\\d" name="payment_method"[^>]*> ${label}`));
    }

    // Real Midtrans: no payment method chosen yet means the Core API does not know the order.
    expect((await core(simulator, 'GET', `/v2/${orderId}/status`)).status).toBe(404);

    const paid = await submitPaymentForm(redirectUrl, { payment_method: 'bank_transfer:bca', outcome: 'pay' });
    const { location, params } = finishParams(paid);
    expect(`${location.origin}${location.pathname}`).toBe('http://shop.test/portal/payments/return');
    expect(params).toEqual({ from: 'simulator', merchant_id: 'G141532850', order_id: orderId, status_code: '200', transaction_status: 'settlement' });

    const [notification] = await notificationsFor(orderId, 1);
    const request = receiver.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/webhooks/midtrans');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('Veritrans');
    expect(request?.headers.authorization).toBeUndefined();
    expect(notification).toMatchObject({
      order_id: orderId,
      transaction_status: 'settlement',
      status_code: '200',
      status_message: 'midtrans payment notification',
      gross_amount: '100000.00',
      payment_type: 'bank_transfer',
      merchant_id: 'G141532850',
      fraud_status: 'accept',
      currency: 'IDR',
      va_numbers: [{ bank: 'bca', va_number: expect.stringMatching(/^\d{11}$/) }],
      settlement_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    expectMidtransValueShapes(notification!);
    expectValidSignature(notification!);

    const status = await core(simulator, 'GET', `/v2/${orderId}/status`);
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({
      status_message: 'Success, transaction is found',
      status_code: '200',
      transaction_status: 'settlement',
      transaction_id: notification!.transaction_id,
      va_numbers: notification!.va_numbers,
    });
    expectValidSignature(status.json);

    const afterwards = await (await fetch(redirectUrl)).text();
    expect(afterwards).not.toMatch(button('Pay'));
    expect(afterwards).toContain('settlement');
    const secondPress = await submitPaymentForm(redirectUrl, { payment_method: 'qris', outcome: 'pay' });
    expect(secondPress.status).toBe(409);
  });

  it('pending, then Settle from the page', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator);
    const pending = finishParams(await submitPaymentForm(redirectUrl, { payment_method: 'gopay', outcome: 'pending' }));
    expect(pending.params).toMatchObject({ status_code: '201', transaction_status: 'pending' });

    const pendingPage = await (await fetch(redirectUrl)).text();
    expect(pendingPage).toMatch(button('Settle'));
    expect(pendingPage).toMatch(button('Expire'));
    expect(pendingPage).not.toMatch(button('Pay'));

    const settled = finishParams(await submitPaymentForm(redirectUrl, { outcome: 'settle' }));
    expect(settled.params).toMatchObject({ status_code: '200', transaction_status: 'settlement' });

    const notifications = await notificationsFor(orderId, 2);
    expect(notifications.map((body) => [body.transaction_status, body.status_code])).toEqual(
      expect.arrayContaining([['pending', '201'], ['settlement', '200']]),
    );
    for (const body of notifications) {
      expectValidSignature(body);
      expect(body.payment_type).toBe('gopay');
    }
    expect(notifications.find((body) => body.transaction_status === 'pending')).not.toHaveProperty('settlement_time');
  });

  it('pending, then Expire from the page', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator);
    await submitPaymentForm(redirectUrl, { payment_method: 'bank_transfer:bni', outcome: 'pending' });
    const expired = finishParams(await submitPaymentForm(redirectUrl, { outcome: 'expire' }));
    expect(expired.params).toMatchObject({ status_code: '202', transaction_status: 'expire' });

    const notifications = await notificationsFor(orderId, 2);
    const expireNotification = notifications.find((body) => body.transaction_status === 'expire');
    expect(expireNotification).toMatchObject({ status_code: '202', va_numbers: [{ bank: 'bni', va_number: expect.stringMatching(/^\d{16}$/) }] });
    expectValidSignature(expireNotification!);

    const status = await core(simulator, 'GET', `/v2/${orderId}/status`);
    expect(status.json).toMatchObject({ status_code: '407', transaction_status: 'expire' });
    expectValidSignature(status.json);
  });

  it('Deny with a card', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator);
    const denied = finishParams(await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'deny' }));
    expect(denied.params).toMatchObject({ status_code: '202', transaction_status: 'deny' });
    const [notification] = await notificationsFor(orderId, 1);
    expect(notification).toMatchObject({ transaction_status: 'deny', status_code: '202', payment_type: 'credit_card', masked_card: '48111111-1114', channel_response_code: '05' });
    expect(notification).not.toHaveProperty('saved_token_id');
    expectValidSignature(notification!);
  });

  it('Cancel with QRIS', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator);
    const cancelled = finishParams(await submitPaymentForm(redirectUrl, { payment_method: 'qris', outcome: 'cancel' }));
    expect(cancelled.params).toMatchObject({ status_code: '202', transaction_status: 'cancel' });
    const [notification] = await notificationsFor(orderId, 1);
    expect(notification).toMatchObject({ transaction_status: 'cancel', payment_type: 'qris', acquirer: 'gopay', issuer: 'gopay' });
    expectValidSignature(notification!);
  });

  it('card payment with save_card: capture/accept with saved_token_id in notification and status', async () => {
    const { orderId, redirectUrl } = await createCheckout(simulator, { user_id: 'cus_42', credit_card: { save_card: true } });
    expect(await (await fetch(redirectUrl)).text()).toMatch(/value="credit_card" checked/);
    const paid = finishParams(await submitPaymentForm(redirectUrl, { payment_method: 'credit_card', outcome: 'pay' }));
    expect(paid.params).toMatchObject({ status_code: '200', transaction_status: 'capture' });

    const [notification] = await notificationsFor(orderId, 1);
    expect(notification).toMatchObject({
      transaction_status: 'capture',
      fraud_status: 'accept',
      payment_type: 'credit_card',
      masked_card: '48111111-1114',
      card_type: 'credit',
      saved_token_id: expect.stringMatching(/^481111\w+1114$/),
      saved_token_id_expired_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    expectMidtransValueShapes(notification!);
    const status = await core(simulator, 'GET', `/v2/${orderId}/status`);
    expect(status.json.saved_token_id).toBe(notification!.saved_token_id);

    const tokens = await control(simulator, 'GET', '/saved-tokens');
    expect(tokens.json.saved_tokens).toEqual([expect.objectContaining({ token_id: notification!.saved_token_id, user_id: 'cus_42', revoked: false })]);
  });

  it('shows a result page when there is no finish callback', async () => {
    const { redirectUrl } = await createCheckout(simulator, { callbacks: undefined });
    const response = await submitPaymentForm(redirectUrl, { payment_method: 'bank_transfer:bri', outcome: 'pay' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Payment result');
    expect(html).toContain('settlement');
    expect(html).toMatch(/BRI virtual account<\/dt><dd id="va-number">\d{18}</);
  });

  it('answers bad form input with an HTML page, never a 500', async () => {
    const { redirectUrl } = await createCheckout(simulator);
    const noMethod = await submitPaymentForm(redirectUrl, { outcome: 'pay' });
    expect(noMethod.status).toBe(400);
    expect(await noMethod.text()).toContain('Choose a payment method.');
    expect((await submitPaymentForm(redirectUrl, { payment_method: 'bitcoin', outcome: 'pay' })).status).toBe(400);
    expect((await submitPaymentForm(redirectUrl, { payment_method: 'qris', outcome: 'settle' })).status).toBe(409);
    expect((await submitPaymentForm(redirectUrl, { payment_method: 'qris', outcome: 'refund' })).status).toBe(409);
    const unknown = await fetch(`${simulator.url}/snap/v3/redirection/not-a-token`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('does not block the page response on a slow notification receiver', async () => {
    receiver.answerWith(() => ({ status: 200, delayMs: 5_000 }));
    const { redirectUrl } = await createCheckout(simulator);
    const started = Date.now();
    const response = await submitPaymentForm(redirectUrl, { payment_method: 'gopay', outcome: 'pay' });
    expect(response.status).toBe(303);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
