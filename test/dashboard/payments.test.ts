import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/payments/gateway.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { eventsOf, expectEveryPaymentHasItsEvents, paymentById, pendingUpgrade, simulate, simulatorTransactions } from '../support/billing.ts';
import { addPerson, csrfOf, signIn, submit } from '../support/dashboard.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { formFields, openPortal } from '../portal/support/portal-client.ts';

/**
 * The dashboard's payments and refunds over real HTTP, paying through the Midtrans
 * simulator: the list (filters, keyset pages, "Needs attention"), one payment, "Check status
 * now" (throttled), refunds through Midtrans (full, partial then the rest, idempotent) and
 * outside it (bank transfer, with a note), as the dashboard, the portal's history and the
 * events API all show them — and a viewer's forged refund is a 403 that changes nothing.
 */

let t: TestApp;
let project: TestProject;
const email = (role: string) => `pay-${role}@example.com`;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Paying Co' });
  for (const role of ['owner', 'finance', 'viewer']) await addPerson(t, email(role), { projectId: project.id, role });
});
afterAll(async () => {
  await expectEveryPaymentHasItsEvents(t);
  await t.close();
});

const list = (query = '') => `/dashboard/projects/${project.id}/payments${query}`;
const pagePath = (id: string) => `/dashboard/projects/${project.id}/payments/${id}`;
const refundPath = (id: string) => `${pagePath(id)}/refund`;

/** A Pro payment (Rp150.000) settled on the simulator with `method`. */
async function paid(externalId: string, method: 'credit_card' | 'bank_transfer' | 'gopay' = 'credit_card') {
  const { payment } = await pendingUpgrade(t, project, externalId);
  t.clock.advance(1000);
  await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: method, ...(method === 'bank_transfer' && { bank: 'bca' }) });
  return paymentById(t, payment.id);
}

const refundsOf = (paymentId: string) => t.database.db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute();
const refundedEvents = async (paymentId: string) => (await eventsOf(t, paymentId)).filter((e) => e.type === 'payment.refunded');

describe('refunds through Midtrans', () => {
  it('refunds a card payment in full: the simulator refunds it, the dashboard, the portal history and the events API show it, once', async () => {
    const payment = await paid('card-full');
    const finance = await signIn(t, email('finance'));
    const before = await finance.get(pagePath(payment.id));
    expect(before.status).toBe(200);
    expect(before.text).toContain('Refund through Midtrans');
    expect(before.text).toContain('Visa •••• 1114');
    expect(before.text).toContain('Up to IDR 150,000 can still be refunded.');

    const res = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '150,000', 'midtrans-reason': 'Customer asked' });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toMatch(/notice=refund_succeeded/);
    await t.simulator.deliveriesSettled(); // Midtrans' refund notification reaches the webhook too

    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'refunded', refunded_amount: 150_000, gateway_status: 'refund' });
    expect(await refundsOf(payment.id)).toEqual([expect.objectContaining({ amount: 150_000, status: 'succeeded', channel: 'midtrans', reason: 'Customer asked' })]);
    expect(await refundedEvents(payment.id)).toHaveLength(1);
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((tx!.payment as { transaction_status: string }).transaction_status).toBe('refund');

    const after = (await finance.get(res.headers.location as string)).text;
    expect(after).toContain('IDR 150,000 refunded.');
    expect(after).toContain('This payment has been refunded in full.');
    expect(after).not.toContain(`action="${refundPath(payment.id)}"`);
    expect(after).toMatch(/<strong>Refunded<\/strong> <span class="muted">by dashboard · <code>refund<\/code> · IDR 150,000 given back/);

    const portal = (await openPortal(t, project, 'card-full')).client;
    const history = (await portal.get('/portal/payments')).text;
    expect(history).toContain('Refunded</span>');

    await publishEvents(t.deps);
    const events = await http(t.url, 'GET', '/api/platform/events?type=payment.refunded', { basic: project.creds });
    expect(events.status, events.text).toBe(200);
    const mine = (events.body.data as any[]).filter((e) => e.data.payment.id === payment.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].data.payment).toMatchObject({ status: 'refunded', refunded_amount: 150_000, end_user_id: 'card-full' });
    expect(mine[0].data.refund).toMatchObject({ amount: 150_000, channel: 'midtrans', reason: 'Customer asked' });

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('subject_id', '=', payment.id).where('action', '=', 'payment.refund_requested').execute();
    expect(audit).toHaveLength(1);
  });

  it('refunds part, then the rest: partly refunded (still paid, amount shown) in the dashboard and the portal, then refunded', async () => {
    const payment = await paid('card-partial', 'gopay');
    const owner = await signIn(t, email('owner'));
    const first = await submit(owner, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '50000' });
    expect(first.status, first.text).toBe(303);
    await t.simulator.deliveriesSettled();
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', refunded_amount: 50_000, gateway_status: 'partial_refund' });
    const page = (await owner.get(pagePath(payment.id))).text;
    expect(page).toContain('Partly refunded</span>');
    expect(page).toContain('Up to IDR 100,000 can still be refunded.');
    const listed = (await owner.get(list('?status=partially_refunded'))).text;
    expect(listed).toContain(pagePath(payment.id));
    expect(listed).toContain('IDR 50,000 refunded');
    // The customer's page reads it the same way (it used to say "Paid").
    expect((await owner.get(`/dashboard/projects/${project.id}/customers/card-partial`)).text).toContain('Partly refunded</span>');

    const { client } = await openPortal(t, project, 'card-partial');
    const history = (await client.get('/portal/payments')).text;
    expect(history).toContain('Partly refunded</span>');
    expect(history).toContain('IDR 50,000 refunded');
    expect((await client.get(`/portal/payments/${payment.id}`)).text).toContain('IDR 50,000 of this payment was refunded to you.');

    const tooMuch = await submit(owner, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '100001' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.text).toContain('That is more than is left to refund (IDR 100,000).');
    expect(tooMuch.text).toMatch(/id="midtrans-amount"[^>]*aria-invalid="true"/);

    const rest = await submit(owner, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '100000' });
    expect(rest.status, rest.text).toBe(303);
    await t.simulator.deliveriesSettled();
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'refunded', refunded_amount: 150_000 });
    // (Made at the same instant of the frozen test clock: compared in amount order, not by time.)
    expect((await refundsOf(payment.id)).map((r) => [r.amount, r.status]).sort(([a], [b]) => Number(a) - Number(b))).toEqual([[50_000, 'succeeded'], [100_000, 'succeeded']]);
    expect(await refundedEvents(payment.id)).toHaveLength(2);
  });

  it('a double submit and a resubmitted form refund once (the form\'s refund key is the idempotency key)', async () => {
    const payment = await paid('card-twice');
    const finance = await signIn(t, email('finance'));
    const fields = { ...formFields((await finance.get(pagePath(payment.id))).text, refundPath(payment.id)), 'midtrans-amount': '10000' };
    const [a, b] = await Promise.all([finance.post(refundPath(payment.id), fields), finance.post(refundPath(payment.id), fields)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    // The same form sent again later with a fresh action id but the same refund key.
    const again = await finance.post(refundPath(payment.id), { ...fields, action_id: 'another-action-id-0001' });
    expect(again.status).toBe(303);
    await t.simulator.deliveriesSettled();
    expect(await refundsOf(payment.id)).toHaveLength(1);
    expect(await paymentById(t, payment.id)).toMatchObject({ refunded_amount: 10_000 });
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((tx!.payment as { refunds: unknown[] }).refunds).toHaveLength(1);
  });
});

describe('when Midtrans does not answer a refund', () => {
  const noAnswer = () => new GatewayError('gateway_unavailable', 'Midtrans POST /v2/{order_id}/refund: no answer within the timeout');

  it('the refund waits, holds its amount, and "Ask Midtrans again" completes it once with the same key', async () => {
    const payment = await paid('card-no-answer');
    const finance = await signIn(t, email('finance'));
    // The request never reaches Midtrans (a connection that timed out).
    const lost = vi.spyOn(t.deps.gateway, 'refund').mockRejectedValueOnce(noAnswer());
    const res = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '60000' });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toMatch(/notice=refund_pending/);
    expect(lost).toHaveBeenCalledTimes(1);
    const [waiting] = await refundsOf(payment.id);
    expect(waiting).toMatchObject({ amount: 60_000, status: 'pending', channel: 'midtrans' });

    // Nothing counted as refunded; the amount is held, so it cannot be refunded twice meanwhile.
    const page = await finance.get(res.headers.location as string);
    expect(page.text).toContain('Midtrans did not answer, so the refund is waiting.');
    expect(page.text).toContain('Waiting for Midtrans');
    expect(page.text).toContain('Up to IDR 90,000 can still be refunded.');
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect(await refundedEvents(payment.id)).toHaveLength(0);
    const [before] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((before!.payment as { refunds: unknown[] }).refunds).toHaveLength(0);
    const overdraw = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '90001' });
    expect(overdraw.status).toBe(400);
    expect(overdraw.text).toContain('That is more than is left to refund (IDR 90,000).');

    // "Ask Midtrans again": the real call, with the refund's own key.
    const retryPath = `${pagePath(payment.id)}/refunds/${waiting!.id}/retry`;
    const retryForm = formFields(page.text, retryPath);
    lost.mockRestore();
    const retried = await finance.post(retryPath, retryForm);
    expect(retried.status, retried.text).toBe(303);
    expect(retried.headers.location).toMatch(/notice=refund_succeeded/);
    await t.simulator.deliveriesSettled();
    expect(await refundsOf(payment.id)).toMatchObject([{ id: waiting!.id, refund_key: waiting!.refund_key, status: 'succeeded' }]);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', refunded_amount: 60_000 });
    expect(await refundedEvents(payment.id)).toHaveLength(1);

    // The same retry form sent again (a fresh action id) finds it done: no second refund.
    const stale = await finance.post(retryPath, { ...retryForm, action_id: 'another-action-id-0002' });
    expect(stale.status).toBe(303);
    await t.simulator.deliveriesSettled();
    const [after] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((after!.payment as { refunds: unknown[] }).refunds).toHaveLength(1);
    expect(await paymentById(t, payment.id)).toMatchObject({ refunded_amount: 60_000 });
  });

  it('Midtrans refunded but its answer was lost: the notification and a retry race, and it counts once', async () => {
    const payment = await paid('card-answer-lost');
    const finance = await signIn(t, email('finance'));
    const real = t.deps.gateway.refund.bind(t.deps.gateway);
    vi.spyOn(t.deps.gateway, 'refund').mockImplementationOnce(async (request) => {
      await real(request);
      throw noAnswer();
    });
    const res = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '150000' });
    expect(res.status, res.text).toBe(303);
    // Pending, unless Midtrans' notification got in first.
    expect(res.headers.location).toMatch(/notice=refund_(pending|succeeded)/);
    const [refund] = await refundsOf(payment.id);
    // The page offers "Ask Midtrans again" while it waits; asked then (or forged after), it is the same refund.
    const retryPath = `${pagePath(payment.id)}/refunds/${refund!.id}/retry`;
    const html = (await finance.get(pagePath(payment.id))).text;
    const fields = html.includes(`action="${retryPath}"`) ? formFields(html, retryPath) : { csrf: await csrfOf(finance), action_id: 'retry-after-lost-answer-01' };
    const retried = await finance.post(retryPath, fields);
    expect(retried.status).toBe(303);
    vi.restoreAllMocks();
    await t.simulator.deliveriesSettled();
    expect(await refundsOf(payment.id)).toMatchObject([{ id: refund!.id, status: 'succeeded', amount: 150_000 }]);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'refunded', refunded_amount: 150_000 });
    expect(await refundedEvents(payment.id)).toHaveLength(1);
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((tx!.payment as { refunds: unknown[] }).refunds).toHaveLength(1);
  });
});

describe('refunds outside Midtrans', () => {
  it('a bank transfer offers only "Refund outside Midtrans", needs a note, and never asks Midtrans', async () => {
    const payment = await paid('va-outside', 'bank_transfer');
    const finance = await signIn(t, email('finance'));
    const page = (await finance.get(pagePath(payment.id))).text;
    expect(page).not.toContain('Refund through Midtrans');
    expect(page).toContain('Midtrans cannot refund Bank transfer (VA) payments.');
    expect(page).toContain('>BCA<');

    const noNote = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'outside-amount': '150000', 'outside-note': '  ' });
    expect(noNote.status).toBe(400);
    expect(noNote.text).toContain('Say how the money was given back.');
    expect(await refundsOf(payment.id)).toEqual([]);

    const forcedThroughMidtrans = await submit(finance, pagePath(payment.id), refundPath(payment.id), { channel: 'midtrans', 'midtrans-amount': '150000' });
    expect(forcedThroughMidtrans.status).toBe(400);
    expect(forcedThroughMidtrans.text).toContain('Midtrans cannot refund this payment method.');

    const res = await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'outside-amount': '150000', 'outside-note': 'BCA transfer to 1234567890, ref 998877' });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toMatch(/notice=refund_recorded/);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'refunded', refunded_amount: 150_000, gateway_status: 'settlement' });
    expect(await refundsOf(payment.id)).toEqual([expect.objectContaining({ channel: 'outside', status: 'succeeded', note: 'BCA transfer to 1234567890, ref 998877' })]);
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((tx!.payment as { transaction_status: string; refunds: unknown[] })).toMatchObject({ transaction_status: 'settlement', refunds: [] });
    const shown = (await finance.get(pagePath(payment.id))).text;
    expect(shown).toContain('Outside Midtrans');
    expect(shown).toContain('Note: BCA transfer to 1234567890, ref 998877');
  });
});

describe('who may refund', () => {
  it("a viewer sees no refund form, and a viewer's forged POST is a 403 that changes nothing", async () => {
    const payment = await paid('card-viewer');
    const viewer = await signIn(t, email('viewer'));
    const page = (await viewer.get(pagePath(payment.id))).text;
    expect(page).toContain('Your role can see payments but not refund them.');
    expect(page).not.toContain(`action="${refundPath(payment.id)}"`);
    const forged = await viewer.post(refundPath(payment.id), {
      csrf: await csrfOf(viewer),
      action_id: 'forged-action-000001',
      refund_key: 'rfd_forgedforgedforged00',
      channel: 'midtrans',
      'midtrans-amount': '150000',
    });
    expect(forged.status).toBe(403);
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', refunded_amount: 0 });
    const [tx] = (await simulatorTransactions(t)).filter((x) => x.order_id === payment.order_id);
    expect((tx!.payment as { transaction_status: string }).transaction_status).toBe('settlement');
  });

  it('another project\'s payment is not found', async () => {
    const other = await createProject(t.url, { name: 'Other Co' });
    await addPerson(t, 'pay-other@example.com', { projectId: other.id, role: 'owner' });
    const payment = await paid('card-elsewhere');
    const stranger = await signIn(t, 'pay-other@example.com');
    expect((await stranger.get(`/dashboard/projects/${other.id}/payments/${payment.id}`)).status).toBe(404);
  });
});

describe('the payments list', () => {
  it('filters by status, method and date range (project time zone) and pages newest first without repeats', async () => {
    const finance = await signIn(t, email('finance'));
    const all = (await finance.get(list())).text;
    expect(all).toContain('<h1>Payments</h1>');
    expect(all).toContain(`/dashboard/projects/${project.id}/customers/card-full`);

    const va = (await finance.get(list('?method=bank_transfer'))).text;
    expect(va).toContain('Bank transfer (VA)');
    expect(va).not.toContain('data-label="Method">Card<');
    expect(va).toContain('data-label="Method">Bank transfer (VA)<');
    const refunded = (await finance.get(list('?status=refunded'))).text;
    expect(refunded).toContain('/customers/card-full');
    expect(refunded).not.toContain('/customers/card-viewer');

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(t.clock.now());
    expect((await finance.get(list(`?from=${today}&to=${today}`))).text).toContain('/customers/card-full');
    expect((await finance.get(list('?from=2000-01-01&to=2000-01-02'))).text).toContain('No payments match.');
    const bad = await finance.get(list('?from=2026-02-30'));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Use a date like 2026-01-31.');

    // Keyset pages: 30 more payments, 25 a page, "Older payments" carries the filter.
    for (let i = 0; i < 30; i += 1) {
      await pendingUpgrade(t, project, `pager-${i}`);
      t.clock.advance(1000);
    }
    const ids = async (html: string) => [...html.matchAll(/payments\/(pay_[A-Za-z0-9_-]+)" aria-label/g)].map((m) => m[1]!);
    const first = (await finance.get(list('?status=pending'))).text;
    const next = /href="([^"]+)" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&');
    expect(next).toContain('status=pending');
    const second = (await finance.get(next)).text;
    const pageOne = await ids(first);
    const pageTwo = await ids(second);
    expect(pageOne).toHaveLength(25);
    expect(pageTwo.length).toBeGreaterThanOrEqual(5);
    expect(pageOne.filter((id) => pageTwo.includes(id))).toEqual([]);
    expect(second).toContain('Newest payments');
  });

  it('lists a payment flagged for refund under "Needs attention" until it is refunded in full', async () => {
    const payment = await paid('late-one');
    await t.database.db.updateTable('payments').set({ refund_due_reason: 'settled_after_expiry', refund_due_at: t.clock.now() }).where('id', '=', payment.id).execute();
    const finance = await signIn(t, email('finance'));
    const before = (await finance.get(list())).text;
    expect(before).toContain('Needs attention');
    expect(before).toContain('Paid after it expired');
    expect(before).toContain(`href="${pagePath(payment.id)}" aria-label="Open payment`);
    expect((await submit(finance, pagePath(payment.id), refundPath(payment.id), { 'midtrans-amount': '150000' })).status).toBe(303);
    await t.simulator.deliveriesSettled();
    expect((await finance.get(list())).text).not.toContain('Paid after it expired');
  });
});

describe('Check status now', () => {
  it('records a settlement whose notification was lost, at most once per 5 seconds per payment (any member may ask)', async () => {
    const { payment } = await pendingUpgrade(t, project, 'lost-notification');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris', notify: false });
    expect((await paymentById(t, payment.id)).status).toBe('pending');
    const viewer = await signIn(t, email('viewer'));
    const check = `${pagePath(payment.id)}/check`;
    const res = await submit(viewer, pagePath(payment.id), check);
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toMatch(/notice=check_changed$/);
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', payment_method: 'qris' });
    expect((await viewer.get(res.headers.location as string)).text).toContain('Checked with Midtrans: the payment was updated.');

    const throttled = await submit(viewer, pagePath(payment.id), check);
    expect(throttled.headers.location).toMatch(/notice=check_throttled$/);
    expect((await viewer.get(throttled.headers.location as string)).text).toContain('It was checked a moment ago.');
    t.clock.advance(5_001);
    const later = await submit(viewer, pagePath(payment.id), check);
    expect(later.headers.location).toMatch(/notice=checked$/);
  });
});

describe('refunds made at Midtrans without Langgan', () => {
  it('are recorded from the notification (once, under Midtrans\' key), so the ledger matches the money', async () => {
    const payment = await paid('card-at-midtrans');
    const refund = await fetch(`${t.simulator.coreBaseUrl}/v2/${payment.order_id}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.simulator.controlHeaders },
      body: JSON.stringify({ refund_key: 'made-at-midtrans', amount: 20000, reason: 'Phone call' }),
    });
    expect(refund.status).toBe(200);
    await t.simulator.deliveriesSettled();
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'paid', refunded_amount: 20_000, gateway_status: 'partial_refund' });
    expect(await refundsOf(payment.id)).toEqual([expect.objectContaining({ refund_key: 'made-at-midtrans', amount: 20_000, status: 'succeeded', created_by: null })]);
    expect(await refundedEvents(payment.id)).toHaveLength(1);
    // Asked again (a duplicate notification, a status check): nothing more is counted.
    const { recordGatewayState } = await import('../../src/modules/payments/payments.service.ts');
    const state = (await t.deps.gateway.getStatus(payment.order_id))!;
    expect((await recordGatewayState(t.deps, state)).outcome).toBe('unchanged');
    expect(await refundedEvents(payment.id)).toHaveLength(1);
    const page = (await (await signIn(t, email('viewer'))).get(pagePath(payment.id))).text;
    expect(page).toContain('Phone call');
  });
});

describe('emailing a payment link without email set up', () => {
  it('offers no email button and answers a POST with 422 naming why; copying the link still works', async () => {
    const { payment, eu } = await pendingUpgrade(t, project, 'no-mail-here');
    await t.database.db.updateTable('end_users').set({ email: 'someone@example.com' }).where('id', '=', eu).execute();
    const finance = await signIn(t, email('finance'));
    const customer = `/dashboard/projects/${project.id}/customers/no-mail-here`;
    const shown = await finance.get(customer);
    expect(shown.text).toContain('Get a payment link');
    expect(shown.text).not.toContain('Email it to');
    const res = await finance.post(`${customer}/payments/${payment.id}/email`, { csrf: await csrfOf(finance), action_id: 'no-mail' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Email is not set up on this server (SMTP_URL), so nothing can be emailed.');
    expect(await t.database.db.selectFrom('email_outbox').select('id').execute()).toHaveLength(0);
  });
});
