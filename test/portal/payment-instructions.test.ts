import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstructions } from '../../src/payments/midtrans/transaction-state.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, paymentById, simulate } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { PortalClient } from './support/portal-client.ts';
import { formatDateTime } from '../../src/web/format.ts';
import { http } from '../support/http.ts';

/**
 * "How to pay" for a payment that waits on the customer: the gateway's method-specific
 * fields are read (and anything malformed left out), stored with the payment, and shown on
 * the portal's processing page — bank, VA number, amount, deadline — until it is settled.
 */
describe('reading the gateway fields', () => {
  it('reads a VA, a Permata VA, bill codes, a store code and a QR link', () => {
    expect(readInstructions({ va_numbers: [{ bank: 'BNI', va_number: '9880123456789012' }] })).toEqual({ va: { bank: 'bni', number: '9880123456789012' } });
    expect(readInstructions({ permata_va_number: '8562000087926752' })).toEqual({ va: { bank: 'permata', number: '8562000087926752' } });
    expect(readInstructions({ biller_code: '70012', bill_key: '990000000260' })).toEqual({ bill: { billerCode: '70012', billKey: '990000000260' } });
    expect(readInstructions({ store: 'indomaret', payment_code: '25709650945026' })).toEqual({ store: { store: 'indomaret', paymentCode: '25709650945026' } });
    expect(readInstructions({ actions: [{ name: 'deeplink-redirect', url: 'gojek://x' }, { name: 'generate-qr-code', method: 'GET', url: 'https://api.midtrans.com/v2/qris/abc/qr-code' }] })).toEqual({
      qrUrl: 'https://api.midtrans.com/v2/qris/abc/qr-code',
    });
    expect(readInstructions({ payment_type: 'credit_card', masked_card: '481111-1114' })).toBeUndefined();
  });

  it('leaves out what a customer must not be shown: markup, odd numbers, other URL schemes', () => {
    expect(readInstructions({ va_numbers: [{ bank: 'bca', va_number: '<script>alert(1)</script>' }] })).toBeUndefined();
    expect(readInstructions({ va_numbers: 'bca:123' })).toBeUndefined();
    expect(readInstructions({ va_numbers: [{ bank: 'bca' }], permata_va_number: 12345 })).toBeUndefined();
    expect(readInstructions({ biller_code: '70012' })).toBeUndefined();
    expect(readInstructions({ actions: [{ name: 'generate-qr-code', url: 'javascript:alert(1)' }] })).toBeUndefined();
    expect(readInstructions({ actions: [{ name: 'generate-qr-code', url: 'not a url' }] })).toBeUndefined();
  });
});

describe('a bank transfer the customer pays later', () => {
  let t: TestApp;
  let project: TestProject;
  beforeAll(async () => {
    t = await startTestApp();
    project = await createProject(t.url, { name: 'Kopi Kita' });
  });
  afterAll(() => t?.close());

  for (const locale of ['en', 'id'] as const) {
    it(`shows the bank, the VA number to copy, the amount and the deadline while pending (${locale}), and stops once paid`, async () => {
      const externalId = `va-${locale}`;
      const eu = await endUser(t, project, externalId);
      const change = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
      if (change.outcome !== 'payment_required') throw new Error('expected a payment');
      const chosen = (await simulate(t, change.payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' })) as { status: { va_numbers: Array<{ bank: string; va_number: string }> } };
      const va = chosen.status.va_numbers[0]!;
      expect(va.bank).toBe('bni');

      const stored = await paymentById(t, change.payment.id);
      expect([stored.status, stored.payment_method, stored.payment_instructions]).toEqual(['pending', 'bank_transfer', { va: { bank: 'bni', number: va.va_number } }]);

      const minted = await createSession(t.url, project, externalId, { locale });
      const client = new PortalClient(t.url, t.deps.config.publicUrl);
      await client.get(minted.body.portal_url);
      const page = await client.get(`/portal/payments/${change.payment.id}`);
      expect(page.status).toBe(200);
      const text = page.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      const words = locale === 'id' ? ['Cara membayar', 'Nomor virtual account', 'Rp150.000', 'Bayar sebelum'] : ['How to pay', 'Virtual account number', 'IDR 150,000', 'Pay before'];
      for (const w of words) expect(text).toContain(w);
      expect(text).toContain(`BNI`);
      expect(page.text).toContain(`<code class="code" id="va-number">${va.va_number}</code>`);
      expect(page.text).toContain('data-copy="va-number"');

      await simulate(t, change.payment.order_id, { transaction_status: 'settlement' });
      const paid = await client.get(`/portal/payments/${change.payment.id}`);
      expect((await paymentById(t, change.payment.id)).status).toBe('paid');
      expect(paid.text).not.toContain(va.va_number);
    });
  }

  it("shows every date and deadline in the project's time zone, named (WITA for Makassar)", async () => {
    const zone = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { time_zone: 'Asia/Makassar' } });
    expect(zone.status, zone.text).toBe(200);
    const eu = await endUser(t, project, 'wita-user');
    const change = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    if (change.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, change.payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bri' });
    const stored = await paymentById(t, change.payment.id);
    const minted = await createSession(t.url, project, 'wita-user');
    const client = new PortalClient(t.url, t.deps.config.publicUrl);
    await client.get(minted.body.portal_url);
    const page = await client.get(`/portal/payments/${change.payment.id}`);
    const deadline = formatDateTime(stored.expires_at, 'en', 'Asia/Makassar');
    expect(deadline).toMatch(/ WITA$/);
    expect(page.text).toContain(deadline);
    expect(page.text).not.toContain(' WIB<');
    await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { time_zone: 'Asia/Jakarta' } });
  });
});
