import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { buildSimulator, type MidtransSimulator, type SimulatorOptions } from '../../src/midtrans-simulator/index.ts';

export const serverKey = 'SB-Mid-server-simulator-test';

export const basicAuth = (key = serverKey) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

export async function startTestSimulator(options: Partial<SimulatorOptions> = {}): Promise<MidtransSimulator> {
  const simulator = buildSimulator({ serverKey, retryIntervalsMs: [10, 10, 10, 10, 10], ...options });
  await simulator.listen(0, '127.0.0.1');
  return simulator;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export async function requestJson(
  url: string,
  init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export function snapRequestBody(overrides: Record<string, unknown> = {}, orderId = `order-${Math.random().toString(36).slice(2, 10)}`) {
  return {
    transaction_details: { order_id: orderId, gross_amount: 100000 },
    item_details: [
      { id: 'plan_pro-monthly', price: 150000, quantity: 1, name: 'Pro (monthly)' },
      { id: 'proration-credit', price: -50000, quantity: 1, name: 'Unused time credit' },
    ],
    customer_details: { first_name: 'Ana', email: 'ana@example.com' },
    callbacks: { finish: 'http://shop.test/portal/payments/return?from=simulator' },
    expiry: { unit: 'minute', duration: 60 },
    ...overrides,
  };
}

export function createSnap(simulator: MidtransSimulator, body: unknown, headers: Record<string, string> = {}) {
  return requestJson(`${simulator.snapBaseUrl}/transactions`, { method: 'POST', body, headers: { authorization: basicAuth(), ...headers } });
}

/** Creates a valid Snap transaction and returns its order id, token and redirect URL. */
export async function createCheckout(simulator: MidtransSimulator, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const body = snapRequestBody(overrides);
  const response = await createSnap(simulator, body, headers);
  expect(response.status).toBe(201);
  return { orderId: body.transaction_details.order_id, token: String(response.json.token), redirectUrl: String(response.json.redirect_url) };
}

export function core(simulator: MidtransSimulator, method: 'GET' | 'POST', path: string, body?: unknown, key = serverKey) {
  return requestJson(`${simulator.coreBaseUrl}${path}`, { method, body, headers: { authorization: basicAuth(key), 'content-type': 'application/json' } });
}

export function control(simulator: MidtransSimulator, method: 'GET' | 'POST', path: string, body?: unknown) {
  return requestJson(`${simulator.url}/__simulator${path}`, { method, body, headers: simulator.controlHeaders });
}

/** Submits the payment page form like a browser (urlencoded), without following the redirect. */
export function submitPaymentForm(redirectUrl: string, fields: Record<string, string>) {
  return fetch(redirectUrl, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

/** Independent check of Midtrans' signature formula. */
export function expectValidSignature(payload: Record<string, unknown>, key = serverKey): void {
  const expected = createHash('sha512').update(`${String(payload.order_id)}${String(payload.status_code)}${String(payload.gross_amount)}${key}`).digest('hex');
  expect(payload.signature_key).toBe(expected);
}

/** Midtrans notification invariants: every value a string (va_numbers a list of string maps), amounts with `.00`. */
export function expectMidtransValueShapes(payload: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'va_numbers') {
      expect(Array.isArray(value)).toBe(true);
      for (const entry of value as Array<Record<string, unknown>>) {
        for (const inner of Object.values(entry)) expect(typeof inner).toBe('string');
      }
      continue;
    }
    expect(typeof value, `${field} should be a string`).toBe('string');
  }
  expect(payload.gross_amount).toMatch(/^\d+\.00$/);
  expect(payload.transaction_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(payload.transaction_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(payload.currency).toBe('IDR');
}
