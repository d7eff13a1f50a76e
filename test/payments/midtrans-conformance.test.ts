/**
 * Protocol conformance: our Midtrans client against our Midtrans simulator, with every raw
 * exchange recorded and checked against /work/shared/reference/midtrans-protocol.md.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { GatewayError, type CheckoutRequest, type PaymentGateway } from '../../src/payments/gateway.ts';
import { createMidtransGateway } from '../../src/payments/midtrans/index.ts';
import { notificationSignature } from '../../src/payments/midtrans/signature.ts';
import { startHttpStub, type HttpStub } from './http-stub.ts';

const serverKey = 'SB-Mid-server-conformance';

interface Exchange {
  method: string;
  path: string;
  requestHeaders: Headers;
  requestBody: unknown;
  status: number;
  body: Record<string, unknown>;
}

let simulator: MidtransSimulator;
let receiver: HttpStub;
let gateway: PaymentGateway;
const exchanges: Exchange[] = [];

/** A pass-through fetch that records what went over the wire; nothing is stubbed. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const text = await response.clone().text();
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  exchanges.push({
    method: init?.method ?? 'GET',
    path: url.pathname,
    requestHeaders: new Headers(init?.headers),
    requestBody: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  });
  return response;
};

const lastExchange = () => exchanges.at(-1)!;

beforeAll(async () => {
  receiver = await startHttpStub();
  simulator = buildSimulator({ serverKey, retryIntervalsMs: [10] });
  await simulator.listen(0, '127.0.0.1');
  gateway = createMidtransGateway({
    serverKey,
    snapBaseUrl: simulator.snapBaseUrl,
    coreBaseUrl: simulator.coreBaseUrl,
    notificationUrl: `${receiver.url}/webhooks/midtrans`,
    retryDelayMs: 5,
    fetch: recordingFetch,
  });
});

afterAll(async () => {
  await simulator.close();
  await receiver.close();
});

afterEach(() => {
  exchanges.length = 0;
});

let sequence = 0;
function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  sequence += 1;
  return {
    orderId: `sub-conf-${Date.now()}-${sequence}`,
    amount: 100000,
    currency: 'IDR',
    items: [
      { id: 'plan_pro-monthly', name: 'Pro (monthly)', price: 150000, quantity: 1 },
      { id: 'proration-credit', name: 'Unused time credit', price: -50000, quantity: 1 },
    ],
    customer: { firstName: 'Ana', email: 'ana@example.com' },
    finishUrl: 'http://portal.test/portal/payments/return',
    expiryMinutes: 60,
    ...overrides,
  };
}

async function notificationsFor(orderId: string): Promise<Array<Record<string, unknown>>> {
  await simulator.deliveriesSettled();
  return receiver.requests.map((request) => request.json as Record<string, unknown>).filter((body) => body.order_id === orderId);
}

async function pay(redirectUrl: string, paymentMethod: string, outcome = 'pay') {
  const response = await fetch(redirectUrl, { method: 'POST', body: new URLSearchParams({ payment_method: paymentMethod, outcome }), redirect: 'manual' });
  expect(response.status).toBe(303);
}

/** Reference: all values strings (va_numbers a list), gross_amount with two decimals, signature over the raw strings. */
function expectReferenceTransactionShape(body: Record<string, unknown>) {
  for (const [field, value] of Object.entries(body)) {
    if (field !== 'va_numbers') expect(typeof value, field).toBe('string');
  }
  expect(body.gross_amount).toMatch(/^\d+\.00$/);
  expect(body.transaction_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(body.currency).toBe('IDR');
  expect(body.signature_key).toBe(notificationSignature(String(body.order_id), String(body.status_code), String(body.gross_amount), serverKey));
}

async function caught(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('Snap create', () => {
  it('speaks the reference request and response', async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);

    const exchange = lastExchange();
    expect(exchange.method).toBe('POST');
    expect(exchange.path).toBe('/snap/v1/transactions');
    expect(exchange.requestHeaders.get('authorization')).toBe(`Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`);
    expect(exchange.requestHeaders.get('content-type')).toBe('application/json');
    expect(exchange.requestHeaders.get('accept')).toBe('application/json');
    expect(exchange.requestHeaders.get('x-override-notification')).toBe(`${receiver.url}/webhooks/midtrans`);
    expect(exchange.status).toBe(201);
    expect(Object.keys(exchange.body).sort()).toEqual(['redirect_url', 'token']);
    expect(checkout.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(checkout.redirectUrl).toBe(`${simulator.url}/snap/v3/redirection/${checkout.token}`);
  });

  it('maps Snap validation errors to gateway_rejected with the error_messages', async () => {
    const error = await caught(gateway.createCheckout(checkoutRequest({ amount: 99999 })));
    expect(error.code).toBe('gateway_rejected');
    expect(error.details).toMatchObject({ httpStatus: 400, messages: ['transaction_details.gross_amount is not equal to the sum of item_details'] });
    expect(exchanges).toHaveLength(1);
  });

  it('rejects a reused order_id without retrying, as order_id_taken', async () => {
    const request = checkoutRequest();
    await gateway.createCheckout(request);
    const error = await caught(gateway.createCheckout(request));
    expect(error.code).toBe('order_id_taken');
    expect(error.details.messages).toEqual(['transaction_details.order_id has already been taken']);
  });

  it('maps a wrong server key to gateway_unauthorized on Snap and Core', async () => {
    const wrongKey = createMidtransGateway({ serverKey: 'SB-Mid-server-wrong', snapBaseUrl: simulator.snapBaseUrl, coreBaseUrl: simulator.coreBaseUrl });
    expect((await caught(wrongKey.createCheckout(checkoutRequest()))).code).toBe('gateway_unauthorized');
    expect((await caught(wrongKey.getStatus('anything'))).code).toBe('gateway_unauthorized');
  });
});

describe('status, notification and payment lifecycle', () => {
  it('answers 404 (→ null) until a method is chosen, then the paid state matching the notification', async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);
    await expect(gateway.getStatus(request.orderId)).resolves.toBeNull();
    expect(lastExchange()).toMatchObject({ status: 404, body: { status_code: '404', status_message: "Transaction doesn't exist." } });

    await pay(checkout.redirectUrl, 'bank_transfer:bca');
    const [notification] = await notificationsFor(request.orderId);
    expect(notification).toBeDefined();
    expectReferenceTransactionShape(notification!);
    const claimed = gateway.verifyNotification(notification);
    expect(claimed).toMatchObject({ orderId: request.orderId, status: 'paid', gatewayStatus: 'settlement', grossAmount: 100000, paymentType: 'bank_transfer' });
    expect(claimed.paidAt).toBeInstanceOf(Date);

    const confirmed = await gateway.getStatus(request.orderId);
    expect(lastExchange().body.status_message).toBe('Success, transaction is found');
    expectReferenceTransactionShape(lastExchange().body);
    expect(confirmed).toEqual(claimed);
  });

  it('rejects a notification signed with another key, or tampered with', async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);
    await pay(checkout.redirectUrl, 'gopay');
    const [notification] = await notificationsFor(request.orderId);
    const otherMerchant = createMidtransGateway({ serverKey: 'SB-Mid-server-other', snapBaseUrl: simulator.snapBaseUrl, coreBaseUrl: simulator.coreBaseUrl });
    expect(() => otherMerchant.verifyNotification(notification)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    expect(() => gateway.verifyNotification({ ...notification, gross_amount: '1000.00' })).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('maps pending, then expire (status_code 407 is not an error)', async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);
    await pay(checkout.redirectUrl, 'bank_transfer:bni', 'pending');
    expect(await gateway.getStatus(request.orderId)).toMatchObject({ status: 'pending', gatewayStatus: 'pending' });

    const expired = await gateway.expire(request.orderId);
    expect(lastExchange()).toMatchObject({ path: `/v2/${request.orderId}/expire`, status: 200, body: { status_code: '407', transaction_status: 'expire' } });
    expect(expired).toMatchObject({ orderId: request.orderId, status: 'expired', gatewayStatus: 'expire', grossAmount: 100000 });
    expect(await gateway.getStatus(request.orderId)).toMatchObject({ status: 'expired' });

    const notifications = await notificationsFor(request.orderId);
    expect(notifications.map((body) => gateway.verifyNotification(body).status)).toEqual(['pending', 'expired']);
  });

  it('maps cancel of a pending payment to failed, and a cancel after settlement to gateway_rejected 412', async () => {
    const pendingRequest = checkoutRequest();
    const pendingCheckout = await gateway.createCheckout(pendingRequest);
    await pay(pendingCheckout.redirectUrl, 'qris', 'pending');
    expect(await gateway.cancel(pendingRequest.orderId)).toMatchObject({ status: 'failed', gatewayStatus: 'cancel' });
    expect(lastExchange().body).toMatchObject({ status_code: '200', status_message: 'Success, transaction is canceled' });

    const paidRequest = checkoutRequest();
    const paidCheckout = await gateway.createCheckout(paidRequest);
    await pay(paidCheckout.redirectUrl, 'qris');
    const error = await caught(gateway.cancel(paidRequest.orderId));
    expect(error.code).toBe('gateway_rejected');
    expect(error.details).toMatchObject({ httpStatus: 412, statusCode: '412', messages: ['Merchant cannot modify the status of the transaction'] });
    expect((await caught(gateway.expire(paidRequest.orderId))).details.statusCode).toBe('412');
  });

  it('maps a card deny to failed', async () => {
    const request = checkoutRequest();
    const checkout = await gateway.createCheckout(request);
    await pay(checkout.redirectUrl, 'credit_card', 'deny');
    expect(await gateway.getStatus(request.orderId)).toMatchObject({ status: 'failed', gatewayStatus: 'deny', paymentType: 'credit_card' });
  });

  it('cancel and expire of an unknown order are gateway_not_found', async () => {
    expect((await caught(gateway.cancel('never-created'))).code).toBe('gateway_not_found');
    expect((await caught(gateway.expire('never-created'))).code).toBe('gateway_not_found');
  });
});

describe('saved card renewals', () => {
  it('saves the card on the first payment and charges it merchant-initiated later', async () => {
    const first = checkoutRequest({ saveCard: true, userId: 'cus_conformance' });
    const checkout = await gateway.createCheckout(first);
    expect(exchanges[0]?.requestBody).toMatchObject({ user_id: 'cus_conformance', credit_card: { save_card: true } });
    await pay(checkout.redirectUrl, 'credit_card');

    const [notification] = await notificationsFor(first.orderId);
    const claimed = gateway.verifyNotification(notification);
    expect(claimed).toMatchObject({ status: 'paid', gatewayStatus: 'capture', fraudStatus: 'accept', savedTokenId: expect.any(String) });
    const savedTokenId = claimed.savedTokenId!;

    const renewal = checkoutRequest({ items: [{ id: 'plan_pro-monthly', name: 'Pro (monthly)', price: 150000, quantity: 1 }], amount: 150000 });
    const charged = await gateway.chargeSavedCard({ orderId: renewal.orderId, amount: 150000, currency: 'IDR', items: renewal.items, savedTokenId });
    expect(lastExchange()).toMatchObject({
      path: '/v2/charge',
      status: 200,
      requestBody: { payment_type: 'credit_card', credit_card: { token_id: savedTokenId, initiated_by: 'merchant' } },
      body: { status_code: '200', transaction_status: 'capture' },
    });
    expectReferenceTransactionShape(lastExchange().body);
    expect(charged).toMatchObject({ orderId: renewal.orderId, status: 'paid', grossAmount: 150000, paymentType: 'credit_card' });

    expect(lastExchange().requestHeaders.get('x-override-notification')).toBe(`${receiver.url}/webhooks/midtrans`);
    const [renewalNotification] = await notificationsFor(renewal.orderId);
    expectReferenceTransactionShape(renewalNotification!);
    expect(gateway.verifyNotification(renewalNotification)).toEqual(charged);

    const revoke = await fetch(`${simulator.url}/__simulator/saved-tokens/${savedTokenId}/revoke`, { method: 'POST', headers: simulator.controlHeaders });
    expect(revoke.status).toBe(200);
    const error = await caught(gateway.chargeSavedCard({ orderId: `${renewal.orderId}-2`, amount: 150000, currency: 'IDR', items: renewal.items, savedTokenId }));
    expect(error.code).toBe('gateway_rejected');
    expect(error.details).toMatchObject({ httpStatus: 200, statusCode: '411', messages: ['Token id is missing, invalid, or timed out'] });
  });
});
