import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type CheckoutRequest } from '../../src/payments/gateway.ts';
import { createMidtransGateway, midtransHosts, type MidtransGatewayOptions } from '../../src/payments/midtrans/index.ts';
import { notificationSignature } from '../../src/payments/midtrans/signature.ts';
import { startHttpStub, type HttpStub, type StubAnswer, type StubRequest } from './http-stub.ts';

const serverKey = 'SB-Mid-server-client-test-key';
const encodedKey = Buffer.from(`${serverKey}:`).toString('base64');

const checkout: CheckoutRequest = {
  orderId: 'sub-8f2c-1700000000',
  amount: 100000,
  currency: 'IDR',
  items: [
    { id: 'plan_pro-monthly', name: 'Pro (monthly)', price: 150000, quantity: 1 },
    { id: 'proration-credit', name: 'Unused time credit', price: -50000, quantity: 1 },
  ],
  customer: { firstName: 'Ana', email: 'ana@example.com' },
  finishUrl: 'https://portal.example/portal/payments/return',
  expiryMinutes: 60,
};

const statusBody = (overrides: Record<string, string> = {}) => ({
  status_code: '200',
  status_message: 'Success, transaction is found',
  transaction_id: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
  order_id: checkout.orderId,
  gross_amount: '100000.00',
  currency: 'IDR',
  payment_type: 'bank_transfer',
  transaction_time: '2026-01-09 18:27:19',
  transaction_status: 'settlement',
  settlement_time: '2026-01-09 18:29:02',
  fraud_status: 'accept',
  ...overrides,
});

let stub: HttpStub;

beforeEach(async () => {
  stub = await startHttpStub();
});

afterEach(async () => {
  await stub.close();
});

function gateway(overrides: Partial<MidtransGatewayOptions> = {}) {
  return createMidtransGateway({
    serverKey,
    snapBaseUrl: `${stub.url}/snap/v1`,
    coreBaseUrl: stub.url,
    retryDelayMs: 5,
    timeoutMs: 2_000,
    ...overrides,
  });
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

describe('midtransHosts', () => {
  it('returns the real sandbox and production hosts', () => {
    expect(midtransHosts('sandbox')).toEqual({ snapBaseUrl: 'https://app.sandbox.midtrans.com/snap/v1', coreBaseUrl: 'https://api.sandbox.midtrans.com' });
    expect(midtransHosts('production')).toEqual({ snapBaseUrl: 'https://app.midtrans.com/snap/v1', coreBaseUrl: 'https://api.midtrans.com' });
  });
});

describe('createCheckout', () => {
  it('sends the Snap request with Basic auth, JSON headers, override URL and the documented body', async () => {
    stub.answerWith(() => ({ status: 201, body: { token: 'tok-1', redirect_url: 'https://pay.example/snap/v3/redirection/tok-1' } }));
    const result = await gateway({ notificationUrl: 'https://langgan.example/webhooks/midtrans' }).createCheckout({ ...checkout, saveCard: true, userId: 'cus_1' });

    expect(result).toEqual({ token: 'tok-1', redirectUrl: 'https://pay.example/snap/v3/redirection/tok-1' });
    const [request] = stub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/snap/v1/transactions');
    expect(request?.headers.authorization).toBe(`Basic ${encodedKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['x-override-notification']).toBe('https://langgan.example/webhooks/midtrans');
    expect(request?.json).toEqual({
      transaction_details: { order_id: checkout.orderId, gross_amount: 100000 },
      item_details: [
        { id: 'plan_pro-monthly', price: 150000, quantity: 1, name: 'Pro (monthly)' },
        { id: 'proration-credit', price: -50000, quantity: 1, name: 'Unused time credit' },
      ],
      customer_details: { first_name: 'Ana', email: 'ana@example.com' },
      callbacks: { finish: 'https://portal.example/portal/payments/return' },
      expiry: { unit: 'minute', duration: 60 },
      user_id: 'cus_1',
      credit_card: { save_card: true },
    });
  });

  it('omits the override header, customer details and card saving when not asked', async () => {
    stub.answerWith(() => ({ status: 201, body: { token: 't', redirect_url: 'https://pay.example/t' } }));
    await gateway().createCheckout({ ...checkout, customer: undefined });
    const [request] = stub.requests;
    expect(request?.headers['x-override-notification']).toBeUndefined();
    const body = request?.json as Record<string, unknown>;
    expect(body).not.toHaveProperty('customer_details');
    expect(body).not.toHaveProperty('credit_card');
    expect(body).not.toHaveProperty('user_id');
  });

  it('surfaces a duplicate order_id on a retry as order_id_taken (the first attempt may have succeeded; its token is lost)', async () => {
    stub.answerWith((_request, index) =>
      index === 0 ? { status: 502, body: 'Bad Gateway' } : { status: 400, body: { error_messages: ['transaction_details.order_id has already been taken'] } });
    const error = await caught(gateway().createCheckout(checkout));
    expect(error.code).toBe('order_id_taken');
    expect(error.message).toMatch(/outcome unknown/);
    expect(stub.requests).toHaveLength(2);
  });

  it('reports a duplicate order_id without a retry as order_id_taken', async () => {
    stub.answerWith(() => ({ status: 400, body: { error_messages: ['transaction_details.order_id has already been taken'] } }));
    const error = await caught(gateway().createCheckout(checkout));
    expect(error.code).toBe('order_id_taken');
    expect(error.details.messages).toEqual(['transaction_details.order_id has already been taken']);
  });

  it('treats a 2xx without token as an unexpected answer', async () => {
    stub.answerWith(() => ({ status: 201, body: '<html>maintenance</html>' }));
    expect((await caught(gateway().createCheckout(checkout))).code).toBe('gateway_unavailable');
  });
});

describe('retries', () => {
  it('retries HTTP 5xx and succeeds within the bound', async () => {
    stub.answerWith((_request, index) => (index < 2 ? { status: 503, body: { error_messages: ['busy'] } } : { status: 200, body: statusBody() }));
    const state = await gateway({ maxRetries: 2 }).getStatus(checkout.orderId);
    expect(state?.status).toBe('paid');
    expect(stub.requests).toHaveLength(3);
  });

  it('gives up after maxRetries on persistent 5xx', async () => {
    stub.answerWith(() => ({ status: 500, body: { error_messages: ['Sorry, we encountered internal server error'] } }));
    const error = await caught(gateway({ maxRetries: 3 }).getStatus(checkout.orderId));
    expect(error.code).toBe('gateway_unavailable');
    expect(error.details.httpStatus).toBe(500);
    expect(stub.requests).toHaveLength(4);
  });

  it('retries network errors (dropped connections) a bounded number of times', async () => {
    stub.answerWith(() => 'drop');
    const error = await caught(gateway({ maxRetries: 2 }).cancel(checkout.orderId));
    expect(error.code).toBe('gateway_unavailable');
    expect(stub.requests).toHaveLength(3);
  });

  it('reports a refused connection as gateway_unavailable', async () => {
    const closedUrl = stub.url;
    await stub.close();
    stub = await startHttpStub();
    const error = await caught(gateway({ coreBaseUrl: closedUrl, maxRetries: 1 }).getStatus('x'));
    expect(error.code).toBe('gateway_unavailable');
    expect(error.message).toMatch(/network error/);
  });

  it.each([
    [400, { error_messages: ['transaction_details.gross_amount is not equal to the sum of item_details'] }, 'gateway_rejected'],
    [401, { error_messages: ['Access denied due to unauthorized transaction, please check client or server key'] }, 'gateway_unauthorized'],
    [409, { status_code: '409', status_message: 'conflict' }, 'gateway_rejected'],
    [429, { status_code: '429', status_message: 'rate limit' }, 'gateway_rejected'],
  ] as const)('never retries HTTP %i', async (httpStatus, body, code) => {
    stub.answerWith(() => ({ status: httpStatus, body }));
    const error = await caught(gateway({ maxRetries: 3 }).createCheckout(checkout));
    expect(error.code).toBe(code);
    expect(error.details.httpStatus).toBe(httpStatus);
    expect(stub.requests).toHaveLength(1);
  });

  it('times out each attempt and retries within the bound', async () => {
    stub.answerWith(() => ({ status: 200, body: statusBody(), delayMs: 5_000 }));
    const started = Date.now();
    const error = await caught(gateway({ timeoutMs: 100, maxRetries: 1 }).getStatus(checkout.orderId));
    expect(error.code).toBe('gateway_unavailable');
    expect(error.message).toMatch(/timed out/);
    expect(stub.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('error rule: body status_code ≥ 400 other than 407, or HTTP ≥ 400', () => {
  it('treats a body status_code 412 with HTTP 200 as an error', async () => {
    stub.answerWith(() => ({ status: 200, body: { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' } }));
    const error = await caught(gateway().cancel(checkout.orderId));
    expect(error.code).toBe('gateway_rejected');
    expect(error.details).toMatchObject({ httpStatus: 200, statusCode: '412', messages: ['Merchant cannot modify the status of the transaction'] });
  });

  it('treats 407 (expire success) as a success', async () => {
    stub.answerWith(() => ({ status: 200, body: statusBody({ status_code: '407', status_message: 'Success, transaction has expired', transaction_status: 'expire' }) }));
    const state = await gateway().expire(checkout.orderId);
    expect(state).toMatchObject({ orderId: checkout.orderId, status: 'expired', gatewayStatus: 'expire', grossAmount: 100000 });
  });

  it.each([200, 404])('returns null for the 404 body shape with HTTP %i', async (httpStatus) => {
    stub.answerWith(() => ({ status: httpStatus, body: { status_code: '404', status_message: "Transaction doesn't exist." } }));
    await expect(gateway().getStatus('unknown-order')).resolves.toBeNull();
  });

  it('maps a body status_code 401 with HTTP 200 to gateway_unauthorized', async () => {
    stub.answerWith(() => ({ status: 200, body: { status_code: '401', status_message: 'unauthorized' } }));
    expect((await caught(gateway().getStatus('x'))).code).toBe('gateway_unauthorized');
  });

  it('maps a 404 on cancel to gateway_not_found', async () => {
    stub.answerWith(() => ({ status: 404, body: { status_code: '404', status_message: "Transaction doesn't exist." } }));
    expect((await caught(gateway().cancel('x'))).code).toBe('gateway_not_found');
  });

  it('maps a body status_code 5xx with HTTP 200 to gateway_unavailable without retrying', async () => {
    stub.answerWith(() => ({ status: 200, body: { status_code: '500', status_message: 'internal' } }));
    expect((await caught(gateway({ maxRetries: 2 }).getStatus('x'))).code).toBe('gateway_unavailable');
    expect(stub.requests).toHaveLength(1);
  });

  it('reads the status response into our vocabulary', async () => {
    stub.answerWith(() => ({ status: 200, body: statusBody() }));
    const state = await gateway().getStatus(checkout.orderId);
    expect(state).toEqual({
      orderId: checkout.orderId,
      status: 'paid',
      gatewayStatus: 'settlement',
      fraudStatus: 'accept',
      grossAmount: 100000,
      currency: 'IDR',
      paymentType: 'bank_transfer',
      transactionId: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
      paidAt: new Date('2026-01-09T11:29:02.000Z'),
    });
    expect(stub.requests[0]?.path).toBe(`/v2/${checkout.orderId}/status`);
    expect(stub.requests[0]?.method).toBe('GET');
  });

  it('encodes the order id in the path', async () => {
    stub.answerWith(() => ({ status: 404, body: { status_code: '404', status_message: "Transaction doesn't exist." } }));
    await gateway().getStatus('a/b?c');
    expect(stub.requests[0]?.path).toBe('/v2/a%2Fb%3Fc/status');
  });
});

describe('ambiguous retries are resolved with the status API', () => {
  it('cancel: a 412 after a failed attempt returns the cancelled state', async () => {
    stub.answerWith((request, index) => {
      if (index === 0) return { status: 503, body: {} };
      if (request.path.endsWith('/cancel')) return { status: 412, body: { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' } };
      return { status: 200, body: statusBody({ transaction_status: 'cancel', status_code: '202' }) };
    });
    const state = await gateway().cancel(checkout.orderId);
    expect(state.gatewayStatus).toBe('cancel');
    expect(stub.requests.map((request) => request.method + ' ' + request.path)).toEqual([
      `POST /v2/${checkout.orderId}/cancel`,
      `POST /v2/${checkout.orderId}/cancel`,
      `GET /v2/${checkout.orderId}/status`,
    ]);
  });

  it('chargeSavedCard: a duplicate order after a failed attempt returns the charged state', async () => {
    stub.answerWith((request, index) => {
      if (index === 0) return 'drop';
      if (request.path === '/v2/charge') return { status: 200, body: { status_code: '406', status_message: 'Duplicate order ID. Order ID has already been utilized previously.' } };
      return { status: 200, body: statusBody({ payment_type: 'credit_card', transaction_status: 'capture' }) };
    });
    const state = await gateway().chargeSavedCard({ orderId: checkout.orderId, amount: 100000, currency: 'IDR', items: checkout.items, savedTokenId: 'saved-1' });
    expect(state).toMatchObject({ status: 'paid', gatewayStatus: 'capture' });
    expect(stub.requests[0]?.json).toEqual({
      payment_type: 'credit_card',
      transaction_details: { order_id: checkout.orderId, gross_amount: 100000 },
      item_details: checkout.items.map(({ id, price, quantity, name }) => ({ id, price, quantity, name })),
      credit_card: { token_id: 'saved-1', initiated_by: 'merchant' },
    });
  });

  it('chargeSavedCard: a first-attempt 406 is a plain rejection', async () => {
    stub.answerWith(() => ({ status: 200, body: { status_code: '406', status_message: 'Duplicate order ID. Order ID has already been utilized previously.' } }));
    const error = await caught(gateway().chargeSavedCard({ orderId: 'o', amount: 1, currency: 'IDR', items: [], savedTokenId: 's' }));
    expect(error.code).toBe('gateway_rejected');
    expect(stub.requests).toHaveLength(1);
  });
});

describe('the server key never leaks', () => {
  const echoingAnswers: Array<[string, (request: StubRequest) => StubAnswer]> = [
    ['a 400 echoing the credentials', (request) => ({ status: 400, body: { error_messages: [`bad key ${serverKey}`, `header ${String(request.headers.authorization)}`] } })],
    ['a 401 echoing the credentials', (request) => ({ status: 401, body: { status_code: '401', status_message: `rejected ${String(request.headers.authorization)} ${serverKey}` } })],
    ['a 500 echoing the credentials', () => ({ status: 500, body: { error_messages: [`internal ${serverKey}`] } })],
    ['a body 411 echoing the credentials', () => ({ status: 200, body: { status_code: '411', status_message: `token for ${serverKey}` } })],
  ];

  it.each(echoingAnswers)('in errors built from %s', async (_name, answer) => {
    stub.answerWith((request) => answer(request));
    const error = await caught(gateway({ maxRetries: 0 }).chargeSavedCard({ orderId: 'o', amount: 1, currency: 'IDR', items: [], savedTokenId: 's' }));
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error), JSON.stringify(error.details), inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(serverKey);
      expect(text).not.toContain(encodedKey);
    }
  });

  it('in network errors', async () => {
    stub.answerWith(() => 'drop');
    const error = await caught(gateway({ maxRetries: 0 }).getStatus('o'));
    expect(inspect(error, { depth: 10 })).not.toContain(serverKey);
    expect(inspect(error, { depth: 10 })).not.toContain(encodedKey);
  });

  it('in the gateway object itself', () => {
    const text = inspect(gateway(), { depth: 10, showHidden: true });
    expect(text).not.toContain(serverKey);
  });
});

describe('verifyNotification', () => {
  const signed = (overrides: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = { ...statusBody({ status_message: 'midtrans payment notification' }), ...overrides };
    body.signature_key = notificationSignature(String(body.order_id), String(body.status_code), String(body.gross_amount), serverKey);
    return body;
  };

  it('returns the mapped state of a correctly signed notification', () => {
    expect(gateway().verifyNotification({ ...signed(), unknown_field: 'ignored' })).toMatchObject({ orderId: checkout.orderId, status: 'paid', grossAmount: 100000 });
  });

  it('rejects a wrong signature with invalid_signature', () => {
    const body = { ...signed(), gross_amount: '1000000.00' };
    expect(() => gateway().verifyNotification(body)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('rejects a notification signed with another key', () => {
    const body = signed();
    expect(() => createMidtransGateway({ serverKey: 'other', snapBaseUrl: stub.url, coreBaseUrl: stub.url }).verifyNotification(body))
      .toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it.each([
    ['a non-object', 'settlement'],
    ['null', null],
    ['an array', []],
    ['a numeric gross_amount', { ...statusBody(), gross_amount: 100000, signature_key: 'x' }],
    ['a missing signature_key', statusBody()],
    ['a missing transaction_status', { ...statusBody(), transaction_status: undefined, signature_key: 'x' }],
  ])('rejects %s with invalid_notification', (_name, body) => {
    expect(() => gateway().verifyNotification(body)).toThrow(expect.objectContaining({ code: 'invalid_notification' }));
  });

  it('rejects a signed notification with an unknown status or a fractional amount', () => {
    expect(() => gateway().verifyNotification(signed({ transaction_status: 'chargeback' }))).toThrow(expect.objectContaining({ code: 'invalid_notification' }));
    expect(() => gateway().verifyNotification(signed({ gross_amount: '100000.50' }))).toThrow(expect.objectContaining({ code: 'invalid_notification' }));
  });
});
