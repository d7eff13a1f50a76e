import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MidtransSimulator } from '../../src/midtrans-simulator/index.ts';
import { basicAuth, createCheckout, requestJson, startTestSimulator } from './support.ts';

let simulator: MidtransSimulator;
let orderId: string;
let redirectUrl: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ orderId, redirectUrl } = await createCheckout(simulator));
});

afterAll(async () => {
  await simulator.close();
});

const garbageBodies = [
  'null', '[]', '"text"', '42', 'true', '{}', '{"transaction_details":null}', '{"transaction_details":[]}',
  '{"transaction_details":{"order_id":{},"gross_amount":[]}}', '{"transaction_details":{"order_id":"x","gross_amount":1e400}}',
  '{"transaction_details":{"order_id":"x","gross_amount":10},"item_details":[null,1,"a",{"price":"1"}]}',
  '{"transaction_details":{"order_id":"x","gross_amount":10},"item_details":{"length":1}}',
  '{"transaction_details":{"order_id":"x","gross_amount":10},"expiry":"1d","callbacks":[],"customer_details":"ana"}',
  '{"transaction_details":{"order_id":"x","gross_amount":10},"expiry":{"unit":"minute","duration":1e308}}',
  '{"payment_type":"credit_card","credit_card":"tok"}', '{"transaction_status":{"$ne":null}}', '{"__proto__":{"admin":true}}',
  '{"transaction_details":', 'not json at all',
];

describe('bad input gets a Midtrans-shaped 4xx, never a 500', () => {
  const endpoints: Array<{ name: string; path: () => string; shape: 'snap' | 'core' | 'control' }> = [
    { name: 'Snap create', path: () => '/snap/v1/transactions', shape: 'snap' },
    { name: 'Core charge', path: () => '/v2/charge', shape: 'core' },
    { name: 'Core cancel', path: () => `/v2/${orderId}/cancel`, shape: 'core' },
    { name: 'Core expire', path: () => `/v2/${orderId}/expire`, shape: 'core' },
    { name: 'control transition', path: () => `/__simulator/transactions/${orderId}/transition`, shape: 'control' },
    { name: 'control notify', path: () => `/__simulator/transactions/${orderId}/notify`, shape: 'control' },
    { name: 'control wait', path: () => '/__simulator/deliveries/wait', shape: 'control' },
  ];

  for (const endpoint of endpoints) {
    it(`${endpoint.name}`, async () => {
      for (const rawBody of garbageBodies) {
        const response = await requestJson(`${simulator.url}${endpoint.path()}`, {
          method: 'POST', rawBody, headers: { authorization: basicAuth(), 'content-type': 'application/json' },
        });
        expect(response.status, `${endpoint.name} with ${rawBody}`).toBeLessThan(500);
        if (endpoint.shape === 'snap' && response.status >= 400) expect(response.json.error_messages, rawBody).toEqual(expect.any(Array));
        if (endpoint.shape === 'core') expect(response.json.status_code, rawBody).toEqual(expect.any(String));
        expect(JSON.stringify(response.json)).not.toMatch(/at .*\.ts:\d+/);
      }
    });
  }

  it('payment page form with repeated and odd fields', async () => {
    for (const form of ['outcome=pay&outcome=deny&payment_method=qris', 'payment_method[]=qris&outcome=pay', '', '%%%', `outcome=${'x'.repeat(10_000)}`]) {
      const response = await fetch(redirectUrl, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(response.status, form).toBeLessThan(500);
    }
  });

  it('unknown routes answer in the shape of their area', async () => {
    const snap = await requestJson(`${simulator.url}/snap/v1/nothing`, { method: 'POST', body: {} });
    expect(snap).toMatchObject({ status: 404, json: { error_messages: [expect.any(String)] } });
    const coreApi = await requestJson(`${simulator.url}/v2/a/b/c`, { headers: { authorization: basicAuth() } });
    expect(coreApi).toMatchObject({ status: 404, json: { status_code: '404' } });
  });

  it('an over-long id or malformed URL is a shaped 4xx', async () => {
    const longId = await requestJson(`${simulator.url}/v2/${'x'.repeat(500)}/status`, { headers: { authorization: basicAuth() } });
    expect(longId).toMatchObject({ status: 414, json: { status_code: '414', status_message: 'Request path parameter is too long' } });
    const malformed = await requestJson(`${simulator.url}/v2/%E0%A4%A/status`, { headers: { authorization: basicAuth() } });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    expect(malformed.json.status_code).toEqual(String(malformed.status));
  });
});
