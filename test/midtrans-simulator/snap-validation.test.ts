import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { basicAuth, createSnap, requestJson, serverKey, snapRequestBody, startTestSimulator } from './support.ts';

let simulator: MidtransSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

const unauthorized = { error_messages: ['Access denied due to unauthorized transaction, please check client or server key'] };

describe('Snap create: authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['another server key', basicAuth('SB-Mid-server-wrong')],
    ['a bearer token', 'Bearer abc'],
    ['garbage', 'Basic %%%'],
    ['an empty username', basicAuth('')],
  ])('answers 401 for %s', async (_name, authorization) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    const response = await requestJson(`${simulator.snapBaseUrl}/transactions`, { method: 'POST', body: snapRequestBody(), headers });
    expect(response.status).toBe(401);
    expect(response.json).toEqual(unauthorized);
  });
});

describe('Snap create: validation', () => {
  const details = (transactionDetails: Record<string, unknown>) => ({ transaction_details: transactionDetails, item_details: undefined });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing transaction_details', { transaction_details: undefined }, "transaction_details can't be blank"],
    ['missing order_id', details({ gross_amount: 1000 }), "transaction_details.order_id can't be blank"],
    ['an order_id of 51 characters', details({ order_id: 'a'.repeat(51), gross_amount: 1000 }), 'transaction_details.order_id is too long (maximum is 50 characters)'],
    ['an order_id with a space', details({ order_id: 'order 1', gross_amount: 1000 }), "transaction_details.order_id may only contain letters, digits, '-', '_', '~' and '.'"],
    ['an order_id with #', details({ order_id: 'order#1', gross_amount: 1000 }), "transaction_details.order_id may only contain letters, digits, '-', '_', '~' and '.'"],
    ['a numeric order_id', details({ order_id: 12, gross_amount: 1000 }), 'transaction_details.order_id must be a string'],
    ['missing gross_amount', details({ order_id: 'o-1' }), "transaction_details.gross_amount can't be blank"],
    ['a decimal gross_amount', details({ order_id: 'o-1', gross_amount: 1000.5 }), 'transaction_details.gross_amount must be an integer (IDR has no decimals)'],
    ['a zero gross_amount', details({ order_id: 'o-1', gross_amount: 0 }), 'transaction_details.gross_amount must be greater than or equal to 1'],
    ['a string gross_amount', details({ order_id: 'o-1', gross_amount: '1000' }), 'transaction_details.gross_amount must be a number'],
    ['items not summing to gross_amount', { item_details: [{ id: 'a', price: 150000, quantity: 1, name: 'Pro' }] }, 'transaction_details.gross_amount is not equal to the sum of item_details'],
    ['an item name of 51 characters', { item_details: [{ id: 'a', price: 100000, quantity: 1, name: 'n'.repeat(51) }] }, 'item_details[0].name is too long (maximum is 50 characters)'],
    ['an item without a name', { item_details: [{ id: 'a', price: 100000, quantity: 1 }] }, "item_details[0].name can't be blank"],
    ['a fractional item price', { item_details: [{ id: 'a', price: 99999.5, quantity: 1, name: 'x' }] }, 'item_details[0].price must be an integer'],
    ['a zero quantity', { item_details: [{ id: 'a', price: 100000, quantity: 0, name: 'x' }] }, 'item_details[0].quantity must be an integer greater than or equal to 1'],
    ['item_details that is not a list', { item_details: { id: 'a' } }, 'item_details must be an array'],
    ['an unknown expiry unit', { expiry: { unit: 'week', duration: 1 } }, 'expiry.unit is not included in the list (day, hour, minute)'],
    ['a prototype key as the expiry unit', { expiry: { unit: 'constructor', duration: 1 } }, 'expiry.unit is not included in the list (day, hour, minute)'],
    ['an expiry over 7 days', { expiry: { unit: 'day', duration: 8 } }, 'expiry must not be longer than 7 days'],
    ['an expiry of 7 days and a minute', { expiry: { unit: 'minute', duration: 7 * 24 * 60 + 1 } }, 'expiry must not be longer than 7 days'],
    ['a zero expiry duration', { expiry: { unit: 'minute', duration: 0 } }, 'expiry.duration must be an integer greater than or equal to 1'],
    ['a finish callback that is not a URL', { callbacks: { finish: 'javascript:alert(1)' } }, 'callbacks.finish must be an http(s) URL'],
  ])('rejects %s', async (_name, overrides, message) => {
    const response = await createSnap(simulator, snapRequestBody(overrides));
    expect(response.status).toBe(400);
    expect(response.json.error_messages).toContain(message);
    expect(Object.keys(response.json)).toEqual(['error_messages']);
  });

  it('rejects a reused order_id', async () => {
    const body = snapRequestBody();
    expect((await createSnap(simulator, body)).status).toBe(201);
    const again = await createSnap(simulator, body);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error_messages: ['transaction_details.order_id has already been taken'] });
  });

  it('rejects more than 3 override notification URLs', async () => {
    const urls = ['http://a.test/1', 'http://a.test/2', 'http://a.test/3', 'http://a.test/4'].join(',');
    const response = await createSnap(simulator, snapRequestBody(), { 'x-override-notification': urls });
    expect(response.status).toBe(400);
    expect(response.json.error_messages).toEqual(['x-override-notification must hold at most 3 comma-separated http(s) URLs']);
  });

  it('answers invalid JSON and other media types in the Snap error shape', async () => {
    const invalidJson = await requestJson(`${simulator.snapBaseUrl}/transactions`, {
      method: 'POST', rawBody: '{"transaction_details":', headers: { authorization: basicAuth(), 'content-type': 'application/json' },
    });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.json).toEqual({ error_messages: ['Request body is not valid JSON'] });

    const xml = await requestJson(`${simulator.snapBaseUrl}/transactions`, {
      method: 'POST', rawBody: '<a/>', headers: { authorization: basicAuth(), 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
    expect(xml.json.error_messages).toHaveLength(1);
  });

  it('accepts every documented boundary: 50-char order_id with - _ ~ ., 7-day expiry, negative credit lines', async () => {
    const orderId = `A-z_0~9.${'x'.repeat(42)}`;
    expect(orderId).toHaveLength(50);
    const response = await createSnap(simulator, snapRequestBody({ expiry: { unit: 'day', duration: 7 } }, orderId));
    expect(response.status).toBe(201);
    expect(Object.keys(response.json).sort()).toEqual(['redirect_url', 'token']);
    expect(response.json.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.json.redirect_url).toBe(`${simulator.url}/snap/v3/redirection/${String(response.json.token)}`);
  });

  it('accepts a request without item_details, customer, callbacks or expiry', async () => {
    const response = await createSnap(simulator, { transaction_details: { order_id: `bare-${Date.now()}`, gross_amount: 5000 } });
    expect(response.status).toBe(201);
  });
});

describe('publicUrl', () => {
  it('is used for redirect_url when configured', async () => {
    const behindProxy = buildSimulator({ serverKey, publicUrl: 'https://midtrans-sim.example/' });
    try {
      const listeningUrl = await behindProxy.listen(0, '127.0.0.1');
      expect(behindProxy.url).toBe('https://midtrans-sim.example');
      const response = await requestJson(`${listeningUrl}/snap/v1/transactions`, { method: 'POST', body: snapRequestBody(), headers: { authorization: basicAuth() } });
      expect(response.json.redirect_url).toBe(`https://midtrans-sim.example/snap/v3/redirection/${String(response.json.token)}`);
    } finally {
      await behindProxy.close();
    }
  });
});
