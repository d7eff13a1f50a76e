import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { abandonPayment } from '../../src/modules/payments/abandon.ts';
import { ABANDONED } from '../../src/modules/payments/payment-records.ts';
import { reconcilePendingPayments } from '../../src/modules/payments/reconcile.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import { formatDate, formatDateTime } from '../../src/web/format.ts';
import type { TestApp } from '../support/app.ts';
import { PortalClient } from '../portal/support/portal-client.ts';
import { expectEveryPaymentHasItsEvents, paymentById, renotify, simulate, subscriptionOf } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { formFields, openPortal } from '../portal/support/portal-client.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * The customer emails about a subscription's life — a payment that failed, past due, ended,
 * a cancellation scheduled, a plan change taking effect — each driven by the real change
 * (the platform API, the portal, the period-end job, the Midtrans simulator), delivered by
 * the `deliver-emails` job to a real SMTP server (the mail catcher), once per cause, in the
 * customer's language, and never for what the customer did not need to hear.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;
/** A project without a free default plan: an unpaid subscription ends rather than falling back. */
let paidOnly: TestProject;

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  project = await createProject(t.url, { name: 'Kopi Kenangan Cloud' });
  paidOnly = await createProject(t.url, { name: 'Warung Awan', plans: [{ code: 'pro', name: 'Pro', price: 150_000 }] });
});
afterAll(async () => {
  await mail?.close();
});
beforeEach(() => catcher.clear());

const DAY = 86_400_000;
const address = (externalId: string) => `${externalId}@example.com`;
const when = (d: Date, locale: 'en' | 'id' = 'en') => formatDateTime(d, locale, 'Asia/Jakarta');

/** The platform API as the integrator's backend calls it. */
const api = (p: TestProject, user: string, action: string, body?: unknown) =>
  http(t.url, 'POST', `/api/platform/end-users/${user}/subscription${action}`, { basic: p.creds, ...(body !== undefined && { body }) });

/** A customer with an address on file (the integrator passes it when minting a portal session). */
async function customer(externalId: string, p = project, profile: { locale?: 'en' | 'id'; email?: string | null } = {}) {
  const { email = address(externalId), ...rest } = profile;
  const res = await createSession(t.url, p, externalId, { ...(email && { email }), name: 'Ana Lestari', ...rest });
  expect(res.status, res.text).toBe(200);
  const row = await t.database.db.selectFrom('end_users').select('id').where('project_id', '=', p.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.id;
}

/** Asks for `plan` through the platform API: the pending payment. */
async function startChange(externalId: string, plan: string, p = project) {
  const res = await api(p, externalId, '/change', { plan_code: plan });
  expect(res.body.outcome, res.text).toBe('payment_required');
  return res.body.payment as { id: string; order_id: string; amount: number };
}

/** A customer who has paid for `plan` (by card, the card is saved for renewals). */
async function subscribed(externalId: string, plan = 'pro', o: { p?: TestProject; locale?: 'en' | 'id'; method?: 'qris' | 'credit_card' } = {}) {
  const eu = await customer(externalId, o.p, { ...(o.locale && { locale: o.locale }) });
  const payment = await startChange(externalId, plan, o.p);
  const card = o.method === 'credit_card';
  await simulate(t, payment.order_id, { transaction_status: card ? 'capture' : 'settlement', payment_type: o.method ?? 'qris', ...(card && { fraud_status: 'accept' }) });
  t.clock.advance(1000); // what comes next is queued later
  return eu;
}

/** Moves the clock just past the subscription's period end (or grace end) and runs the period-end job twice. */
async function runPeriodEnds(eu: string, until: 'period_end' | 'grace_end' = 'period_end') {
  const sub = (await subscriptionOf(t, eu))!;
  const at = until === 'period_end' ? sub.current_period_end! : sub.grace_ends_at!;
  t.clock.set(new Date(at.getTime() + 1000));
  await processPeriodEnds(t.deps);
  await processPeriodEnds(t.deps);
  await t.simulator.deliveriesSettled();
  return sub;
}

/** What the outbox holds for one customer, oldest first (those of one change by type). */
const queued = async (externalId: string) =>
  (await t.database.db.selectFrom('email_outbox').select(['type', 'idempotency_key', 'locale']).where('to_address', '=', address(externalId)).orderBy('created_at').orderBy('type').execute());
const typesFor = async (externalId: string) => (await queued(externalId)).map((e) => e.type);

/** Runs the delivery job until nothing is due, then the customer's inbox of one type (by subject). */
async function delivered(externalId: string, subject: RegExp | string) {
  while ((await deliverEmails(t.deps)).sent > 0);
  const mine = catcher.messages().filter((m) => m.to.includes(address(externalId)) && (typeof subject === 'string' ? m.subject === subject : subject.test(m.subject)));
  expect(mine, `one email "${subject}" to ${externalId}`).toHaveLength(1);
  return mine[0]!;
}

describe('payment_failed', () => {
  it('a refused card says what failed and that nothing changed; once, though Midtrans repeats the notification', async () => {
    await customer('declined');
    const payment = await startChange('declined', 'pro');
    await simulate(t, payment.order_id, { transaction_status: 'deny', payment_type: 'credit_card' });
    for (let i = 0; i < 3; i++) await renotify(t, payment.order_id);
    expect(await queued('declined')).toEqual([{ type: 'payment_failed', idempotency_key: `payment_failed:${payment.id}`, locale: 'en' }]);

    const message = await delivered('declined', 'Payment failed: Pro, IDR 150,000');
    expect(message.text).toContain('Hi Ana Lestari,');
    expect(message.text).toContain('Your payment of IDR 150,000 for Pro to Kopi Kenangan Cloud did not go through. Nothing was charged.');
    expect(message.text).toContain('Method: Card');
    expect(message.text).toContain(`Reference: ${payment.order_id}`);
    expect(message.text).toContain('Nothing has changed: you stay on Free.');
    expect(message.text).toContain("You can try again from your billing page in Kopi Kenangan Cloud's app.");
    expect(message.html).toContain('<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;">Your payment did not go through</h1>');
  });

  it('an expired payment, in the customer\'s language', async () => {
    await customer('lapsed-id', project, { locale: 'id' });
    const payment = await startChange('lapsed-id', 'pro');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'qris' });
    await simulate(t, payment.order_id, { transaction_status: 'expire' });
    expect(await typesFor('lapsed-id')).toEqual(['payment_failed']);
    const message = await delivered('lapsed-id', 'Pembayaran kedaluwarsa: Pro, Rp150.000');
    expect(message.text).toContain('Halo Ana Lestari,');
    expect(message.text).toContain('tidak diselesaikan tepat waktu sehingga kedaluwarsa');
    expect(message.text).toContain('Tidak ada yang berubah: Anda tetap memakai paket Free.');
    expect(message.html).toContain('<html lang="id">');
  });

  it('is not sent for a payment the customer cancels or replaces in the portal, whichever path records the close first', async () => {
    for (const [externalId, how] of [['abandons', 'cancel'], ['replaces', 'replace']] as const) {
      await customer(externalId);
      const payment = await startChange(externalId, 'pro');
      await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bca' });
      const { client } = await openPortal(t, project, externalId);
      if (how === 'cancel') {
        const page = await client.get(`/portal/payments/${payment.id}`);
        const res = await client.post(`/portal/payments/${payment.id}/abandon`, formFields(page.text, `/portal/payments/${payment.id}/abandon`));
        expect(res.location).toBe('/portal?notice=payment_abandoned');
      } else {
        const confirm = await client.get(`/portal/plans/${project.plans.business!.id}`);
        const res = await client.post(`/portal/plans/${project.plans.business!.id}`, formFields(confirm.text, `/portal/plans/${project.plans.business!.id}`));
        expect(res.status, res.text).toBe(303);
      }
      // Midtrans' notification of our own expire (it may reach the webhook first) is in too.
      await t.simulator.deliveriesSettled();
      expect(await paymentById(t, payment.id)).toMatchObject({ status: 'expired', failure_reason: ABANDONED });
      expect(await typesFor(externalId)).toEqual(['payment_instructions']);
    }
  });

  it("stays silent for an abandonment whose close Midtrans' notification records first; a payment that settles meanwhile keeps no trace of it", async () => {
    const owner = { projectId: project.id, endUserId: await customer('abandon-race') };
    const payment = await startChange('abandon-race', 'pro');
    await simulate(t, payment.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' });
    let seenBeforeOurAnswer: string | undefined;
    const webhookFirst = {
      ...t.deps,
      gateway: {
        ...t.deps.gateway,
        // Midtrans notifies of the expire we asked for, and the webhook records it, before our call returns.
        expire: async (orderId: string) => {
          const state = await t.deps.gateway.expire(orderId);
          await t.simulator.deliveriesSettled();
          seenBeforeOurAnswer = (await paymentById(t, payment.id)).status;
          return state;
        },
      },
    };
    expect((await abandonPayment(webhookFirst, owner, payment.id)).outcome).toBe('abandoned');
    expect(seenBeforeOurAnswer).toBe('expired');
    expect(await paymentById(t, payment.id)).toMatchObject({ status: 'expired', failure_reason: ABANDONED });
    expect(await typesFor('abandon-race')).toEqual(['payment_instructions']);

    const again = await startChange('abandon-race', 'pro');
    await simulate(t, again.order_id, { transaction_status: 'pending', payment_type: 'bank_transfer', bank: 'bni' });
    const paidMeanwhile = {
      ...t.deps,
      gateway: {
        ...t.deps.gateway,
        // The customer pays a moment before our expire reaches Midtrans, which refuses it.
        expire: async (orderId: string) => {
          await simulate(t, orderId, { transaction_status: 'settlement', notify: false });
          return t.deps.gateway.expire(orderId);
        },
      },
    };
    expect((await abandonPayment(paidMeanwhile, owner, again.id)).outcome).toBe('paid');
    expect(await paymentById(t, again.id)).toMatchObject({ status: 'paid', failure_reason: null });
  });

  it('a renewal refused on the "Pay now" page says the subscription is past due until the grace end and how to pay', async () => {
    const eu = await subscribed('renewal-denied');
    await runPeriodEnds(eu);
    const due = (await subscriptionOf(t, eu))!;
    const renewal = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', due.id).where('purpose', '=', 'renewal').executeTakeFirstOrThrow();
    t.clock.advance(60_000);
    await simulate(t, renewal.order_id, { transaction_status: 'deny', payment_type: 'credit_card' });
    // The period end told of the past due; the refused attempt is news of its own (a fresh
    // renewal payment takes its place, so "Pay now" still works).
    expect(await typesFor('renewal-denied')).toEqual(['payment_receipt', 'past_due', 'payment_failed']);

    const message = await delivered('renewal-denied', 'Payment failed: Pro, IDR 150,000');
    expect(message.text).toContain(`Your Pro subscription is past due. It stays usable until ${when(due.grace_ends_at!)}.`);
    expect(message.text).toContain(`Usable until: ${when(due.grace_ends_at!)}`);
    // "Pay now" opens the renewal that replaced the refused one (not the refused one).
    const replacement = await t.database.db.selectFrom('payments').select('id').where('subscription_id', '=', due.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(replacement.id).not.toBe(renewal.id);
    expect(message.text).toContain(`"Pay now" signs you in and opens the renewal, to pay it another way. It works once, until ${when(due.grace_ends_at!)}`);
    const link = /Pay now: (\S+)/.exec(message.text)?.[1];
    expect(link).toMatch(new RegExp(`&flow=pay%3A${replacement.id}$`));
    const landed = await new PortalClient(t.url, t.deps.config.publicUrl).get(link!);
    expect(landed.location).toBe(`/portal/payments/${replacement.id}`);
  });
});

describe('past_due', () => {
  it('the period ends unpaid: until when it stays usable and how to pay; once, though the job runs again', async () => {
    const eu = await subscribed('past-due');
    const before = await runPeriodEnds(eu);
    const due = (await subscriptionOf(t, eu))!;
    expect(due).toMatchObject({ status: 'past_due', grace_ends_at: new Date(before.current_period_end!.getTime() + 3 * DAY) });
    expect((await queued('past-due')).slice(1)).toEqual([
      { type: 'past_due', idempotency_key: `past_due:${due.id}:${before.current_period_end!.toISOString()}`, locale: 'en' },
    ]);

    const message = await delivered('past-due', 'Renewal due: Pro, IDR 150,000');
    expect(message.text).toContain('Your Pro period with Kopi Kenangan Cloud has ended and its renewal of IDR 150,000 is not paid yet, so your subscription is past due.');
    expect(message.text).toContain(`It stays usable until ${when(due.grace_ends_at!)}.`);
    expect(message.text).toContain(`Due since: ${when(before.current_period_end!)}`);
    expect(message.text).toContain('If it is not paid by then, your Pro subscription ends and you move to the Free plan.');
    expect(message.text).toContain(`"Pay now" signs you in and opens this payment. It works once, until ${when(due.grace_ends_at!)}`);

    // "Pay now" signs the customer in and lands on the renewal, once.
    const renewal = await t.database.db.selectFrom('payments').select('id').where('subscription_id', '=', due.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
    const link = /Pay now: (\S+)/.exec(message.text)?.[1];
    expect(link).toMatch(new RegExp(`/portal\\?session=[A-Za-z0-9_-]+&flow=pay%3A${renewal.id}$`));
    expect(message.html).toContain(`href="${link!.replaceAll('&', '&amp;')}"`);
    const browser = new PortalClient(t.url, t.deps.config.publicUrl);
    const landed = await browser.get(link!);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`/portal/payments/${renewal.id}`);
    const page = await browser.get(landed.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('IDR 150,000');
    expect((await new PortalClient(t.url, t.deps.config.publicUrl).get(link!)).status).toBe(410);
  });

  it('with a saved card it waits for the charge: none when the card pays (the receipt says it), one when the card can no longer be charged', async () => {
    const paying = await subscribed('card-renews', 'pro', { method: 'credit_card' });
    const refused = await subscribed('card-revoked', 'pro', { method: 'credit_card' });
    const token = (await subscriptionOf(t, refused))!.saved_card_token;
    await fetch(`${t.simulator.url}/__simulator/saved-tokens/${token}/revoke`, { method: 'POST', headers: t.simulator.controlHeaders });
    await runPeriodEnds(refused); // the later of the two period ends: both are processed
    expect(await subscriptionOf(t, paying)).toMatchObject({ status: 'active' });
    expect(await typesFor('card-renews')).toEqual(['payment_receipt', 'payment_receipt']);

    // Midtrans refuses the token: the renewal falls back to a payment page the customer must use.
    const due = (await subscriptionOf(t, refused))!;
    expect(due.status).toBe('past_due');
    expect(await typesFor('card-revoked')).toEqual(['payment_receipt', 'past_due']);
    const message = await delivered('card-revoked', 'Renewal due: Pro, IDR 150,000');
    expect(message.text).toContain(`It stays usable until ${when(due.grace_ends_at!)}.`);
  });
});

describe('a saved card declined at renewal', () => {
  it('records the denied charge, opens a fresh renewal page, and sends one payment_failed email whose "Pay now" pays it', async () => {
    const eu = await subscribed('card-declined', 'pro', { method: 'credit_card' });
    const before = (await subscriptionOf(t, eu))!;
    const control = (path: string, body: unknown) =>
      fetch(`${t.simulator.url}/__simulator/saved-tokens/${before.saved_card_token}/${path}`, {
        method: 'POST',
        headers: { ...t.simulator.controlHeaders, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await control('decline', { declined_by: 'bank' })).status).toBe(200);
    await runPeriodEnds(eu);

    // The charge reached Midtrans and was denied: that payment failed, with the card on it,
    // and a renewal with a fresh order id and a payment page took its place.
    // (Both are made at the same instant of the test clock: told apart by status, not by time.)
    const renewals = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', before.id).where('purpose', '=', 'renewal').execute();
    expect(renewals.map((r) => r.status).sort()).toEqual(['failed', 'pending']);
    const denied = renewals.find((r) => r.status === 'failed')!;
    const open = renewals.find((r) => r.status === 'pending')!;
    expect(denied.payment_method).toBe('credit_card');
    expect(open.order_id).not.toBe(denied.order_id);
    expect(open.redirect_url).toContain('/snap/v3/redirection/');
    const gateway = (await (await fetch(`${t.simulator.url}/__simulator/transactions/${denied.order_id}`, { headers: t.simulator.controlHeaders })).json()) as { status: Record<string, unknown> };
    expect(gateway.status).toMatchObject({ transaction_status: 'deny', fraud_status: 'accept', status_code: '202' });
    const due = (await subscriptionOf(t, eu))!;
    expect(due).toMatchObject({ status: 'past_due', plan_id: before.plan_id, grace_ends_at: new Date(before.current_period_end!.getTime() + 3 * DAY) });

    // One email: the decline is the news, and it says the subscription is past due until when.
    expect(await typesFor('card-declined')).toEqual(['payment_receipt', 'payment_failed']);
    const message = await delivered('card-declined', 'Payment failed: Pro, IDR 150,000');
    expect(message.text).toContain(`It stays usable until ${when(due.grace_ends_at!)}.`);
    const link = /Pay now: (\S+)/.exec(message.text)?.[1];
    expect(link, message.text).toBeDefined();
    const browser = new PortalClient(t.url, t.deps.config.publicUrl);
    const landed = await browser.get(link!);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`/portal/payments/${open.id}`);

    // Paid through the page (another method): active again, for the next period.
    await simulate(t, open.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'active', current_period_start: before.current_period_end });
    expect((await paymentById(t, open.id))?.status).toBe('paid');
  });
});

describe('subscription_ended', () => {
  it('grace runs out unpaid: moved to the free plan, one email — not also one for the expired renewal', async () => {
    const eu = await subscribed('grace-over');
    await runPeriodEnds(eu);
    const due = (await subscriptionOf(t, eu))!;
    await runPeriodEnds(eu, 'grace_end');
    await reconcilePendingPayments(t.deps);
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'active', plan_id: project.plans.free!.id });
    expect(await typesFor('grace-over')).toEqual(['payment_receipt', 'past_due', 'subscription_ended']);

    const message = await delivered('grace-over', 'Your Pro plan has ended');
    expect(message.text).toContain(`Your Pro plan with Kopi Kenangan Cloud ended on ${when(due.grace_ends_at!)} because its renewal was not paid. Nothing was charged.`);
    expect(message.text).toContain('Plan now: Free');
    expect(message.text).toContain('You are now on the Free plan.');
  });

  it('grace runs out with no free plan to fall back to: the subscription ended, in Indonesian', async () => {
    const eu = await subscribed('grace-over-id', 'pro', { p: paidOnly, locale: 'id' });
    await runPeriodEnds(eu);
    const due = (await subscriptionOf(t, eu))!;
    await runPeriodEnds(eu, 'grace_end');
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'canceled', cancel_reason: 'renewal_unpaid' });
    expect(await typesFor('grace-over-id')).toEqual(['payment_receipt', 'past_due', 'subscription_ended']);

    const past = await delivered('grace-over-id', 'Perpanjangan belum dibayar: Pro, Rp150.000');
    expect(past.text).toContain('Bila belum dibayar sampai saat itu, langganan Pro Anda berakhir.');
    const ended = await delivered('grace-over-id', 'Langganan Pro Anda telah berakhir');
    expect(ended.text).toContain(`Langganan Pro Anda di Warung Awan berakhir pada ${when(due.grace_ends_at!, 'id')} karena perpanjangannya tidak dibayar.`);
    expect(ended.text).toContain('Untuk berlangganan lagi, pilih paket dari halaman tagihan Anda di aplikasi Warung Awan.');
  });
});

describe('cancellation_scheduled', () => {
  it('from the portal: access until the period end and how to resume; at the period end, the subscription_ended email', async () => {
    const eu = await subscribed('portal-cancel');
    const { client } = await openPortal(t, project, 'portal-cancel');
    const form = await client.get('/portal/cancel');
    const res = await client.post('/portal/cancel', { ...formFields(form.text, '/portal/cancel'), reason: 'too_expensive' });
    expect([res.status, res.location]).toEqual([303, '/portal?notice=canceled']);
    const sub = (await subscriptionOf(t, eu))!;
    expect(sub.cancel_at_period_end).toBe(true);
    expect(await queued('portal-cancel')).toContainEqual({ type: 'cancellation_scheduled', idempotency_key: `cancellation_scheduled:${sub.id}:${sub.canceled_at!.toISOString()}`, locale: 'en' });

    const message = await delivered('portal-cancel', `Your Pro subscription ends on ${formatDate(sub.current_period_end!, 'en', 'Asia/Jakarta')}`);
    expect(message.text).toContain('Your Pro subscription with Kopi Kenangan Cloud is canceled and will not renew. Nothing more will be charged.');
    expect(message.text).toContain(`You keep full access until ${when(sub.current_period_end!)}.`);
    expect(message.text).toContain("Changed your mind? Resume the subscription from your billing page in Kopi Kenangan Cloud's app before then.");

    await runPeriodEnds(eu);
    expect(await typesFor('portal-cancel')).toEqual(['payment_receipt', 'cancellation_scheduled', 'subscription_ended']);
    const ended = await delivered('portal-cancel', 'Your Pro subscription has ended');
    expect(ended.text).toContain(`ended on ${when(sub.current_period_end!)}, as scheduled when it was canceled`);
  });

  it('from the API, in Indonesian; asking twice sends once, and cancelling again after resuming is news again', async () => {
    const eu = await subscribed('api-cancel', 'pro', { locale: 'id' });
    expect((await api(project, 'api-cancel', '/cancel', { reason: 'moving on' })).status).toBe(200);
    expect((await api(project, 'api-cancel', '/cancel', { reason: 'moving on' })).status).toBe(200);
    expect(await typesFor('api-cancel')).toEqual(['payment_receipt', 'cancellation_scheduled']);
    const sub = (await subscriptionOf(t, eu))!;
    const message = await delivered('api-cancel', `Langganan Pro Anda berakhir pada ${formatDate(sub.current_period_end!, 'id', 'Asia/Jakarta')}`);
    expect(message.text).toContain(`Anda tetap dapat menggunakannya sepenuhnya sampai ${when(sub.current_period_end!, 'id')}.`);

    expect((await api(project, 'api-cancel', '/resume')).status).toBe(200);
    t.clock.advance(60_000);
    expect((await api(project, 'api-cancel', '/cancel', {})).status).toBe(200);
    expect(await typesFor('api-cancel')).toEqual(['payment_receipt', 'cancellation_scheduled', 'cancellation_scheduled']);
  });
});

describe('plan_changed', () => {
  it('a paid upgrade: plan_changed says what changed, the receipt what was paid; once each, though Midtrans repeats', async () => {
    const eu = await subscribed('upgrader');
    catcher.clear();
    const payment = await startChange('upgrader', 'business');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    await renotify(t, payment.order_id);
    const sub = (await subscriptionOf(t, eu))!;
    expect((await queued('upgrader')).slice(1)).toEqual([
      { type: 'payment_receipt', idempotency_key: `payment_receipt:${payment.id}`, locale: 'en' },
      { type: 'plan_changed', idempotency_key: `plan_changed:${payment.id}`, locale: 'en' },
    ]);

    const changed = await delivered('upgrader', 'Your plan is now Business');
    expect(changed.text).toContain('Your subscription with Kopi Kenangan Cloud changed from Pro to Business.');
    expect(changed.text).toContain('Previous plan: Pro');
    expect(changed.text).toContain('New plan: Business');
    expect(changed.text).toContain('Price: IDR 450,000 per month');
    expect(changed.text).toContain(`Effective from: ${when(t.clock.now())}`);
    expect(changed.text).toContain(`Next renewal: ${when(sub.current_period_end!)}`);
    // The money is the receipt's: not repeated here.
    expect(changed.text).not.toContain(payment.order_id);
    const receipt = await delivered('upgrader', /^Receipt: Business, IDR /);
    expect(receipt.text).toContain(`Reference: ${payment.order_id}`);
  });

  it('buying a paid plan with nothing paid before (the free default plan, or no plan) is a purchase: its receipt says it all', async () => {
    await subscribed('free-to-pro');
    await subscribed('first-purchase', 'pro', { p: paidOnly });
    expect(await typesFor('free-to-pro')).toEqual(['payment_receipt']);
    expect(await typesFor('first-purchase')).toEqual(['payment_receipt']);
  });

  it('a change applied at once (a plan of the same price): plan_changed, keyed by the subscription\'s new version', async () => {
    const team = await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans`, { admin: true, body: { code: 'pro-team', name: 'Pro Team', price: 150_000, interval: 'month' } });
    expect(team.status, team.text).toBe(201);
    const eu = await subscribed('switcher');
    const res = await api(project, 'switcher', '/change', { plan_code: 'pro-team' });
    expect(res.body.outcome, res.text).toBe('applied');
    const sub = (await subscriptionOf(t, eu))!;
    expect((await queued('switcher')).slice(1)).toEqual([{ type: 'plan_changed', idempotency_key: `plan_changed:${sub.id}:v${sub.version}`, locale: 'en' }]);
    const changed = await delivered('switcher', 'Your plan is now Pro Team');
    expect(changed.text).toContain('changed from Pro to Pro Team');
    expect(changed.text).toContain(`Effective from: ${when(t.clock.now())}`);
    expect(changed.text).toContain(`Next renewal: ${when(sub.current_period_end!)}`);
  });

  it('a scheduled downgrade at period end: plan_changed, and past_due for the cheaper renewal', async () => {
    const eu = await subscribed('downgrader', 'business');
    const res = await api(project, 'downgrader', '/change', { plan_code: 'pro' });
    expect(res.body.outcome, res.text).toBe('scheduled');
    const before = await runPeriodEnds(eu);
    expect(await typesFor('downgrader')).toEqual(['payment_receipt', 'past_due', 'plan_changed']);
    const changed = await delivered('downgrader', 'Your plan is now Pro');
    expect(changed.text).toContain('changed from Business to Pro');
    expect(changed.text).toContain(`Effective from: ${when(before.current_period_end!)}`);
    expect(changed.text).toContain('Price: IDR 150,000 per month');
    // Its renewal is due now: the past-due email says so, not a "next renewal" date.
    expect(changed.text).not.toContain('Next renewal');
    await delivered('downgrader', 'Renewal due: Pro, IDR 150,000');
  });

  it('a downgrade to the free plan at period end, in Indonesian: plan_changed only, no renewal', async () => {
    const eu = await subscribed('to-free-id', 'pro', { locale: 'id' });
    expect((await api(project, 'to-free-id', '/change', { plan_code: 'free' })).body.outcome).toBe('scheduled');
    await runPeriodEnds(eu);
    expect(await typesFor('to-free-id')).toEqual(['payment_receipt', 'plan_changed']);
    const changed = await delivered('to-free-id', 'Paket Anda kini Free');
    expect(changed.text).toContain('Langganan Anda di Kopi Kenangan Cloud berubah dari Pro ke Free.');
    expect(changed.text).toContain('Harga: Gratis');
  });
});

describe('when nothing is sent', () => {
  it('a type the project switched off is not queued; the others still are', async () => {
    const patch = (types: string[]) => http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { email_disabled_types: types } });
    expect((await patch(['payment_failed', 'past_due', 'subscription_ended', 'cancellation_scheduled', 'plan_changed'])).status).toBe(200);
    try {
      await customer('off-failed');
      const payment = await startChange('off-failed', 'pro');
      await simulate(t, payment.order_id, { transaction_status: 'deny', payment_type: 'credit_card' });

      const canceller = await subscribed('off-cancel');
      await api(project, 'off-cancel', '/cancel', {});
      const downgrader = await subscribed('off-downgrade', 'business');
      await api(project, 'off-downgrade', '/change', { plan_code: 'pro' });
      await runPeriodEnds(canceller);
      await runPeriodEnds(downgrader);
      expect(await subscriptionOf(t, canceller)).toMatchObject({ status: 'canceled' });
      expect(await subscriptionOf(t, downgrader)).toMatchObject({ status: 'past_due', plan_id: project.plans.pro!.id });

      expect(await typesFor('off-failed')).toEqual([]);
      expect(await typesFor('off-cancel')).toEqual(['payment_receipt']);
      expect(await typesFor('off-downgrade')).toEqual(['payment_receipt']);
    } finally {
      await patch([]);
      }
  });

  it('a customer without an address gets nothing', async () => {
    const eu = await customer('no-address', project, { email: null });
    const payment = await startChange('no-address', 'pro');
    await simulate(t, payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    await api(project, 'no-address', '/cancel', {});
    await runPeriodEnds(eu);
    const rows = await t.database.db.selectFrom('email_outbox').select('id').where('end_user_id', '=', eu).execute();
    expect(rows).toEqual([]);
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
