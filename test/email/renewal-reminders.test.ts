import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { openEarlyRenewals } from '../../src/modules/subscriptions/renewal-reminders.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import { formatDateTime } from '../../src/web/format.ts';
import type { TestApp } from '../support/app.ts';
import { formFields, openPortal, PortalClient } from '../portal/support/portal-client.ts';
import { expectEveryPaymentHasItsEvents, simulate, subscriptionOf } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * The renewal reminder: a customer who pays each period themselves (no saved card) gets
 * their renewal `renewal_reminder_days` before the period ends — the payment opened early,
 * and an email whose "Pay now" signs them in on it. Driven by the real jobs on an injected
 * clock, the real simulator, and delivered over SMTP to the mail catcher.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  project = await createProject(t.url, { name: 'Kopi Kenangan Cloud' });
});
afterAll(async () => {
  await mail?.close();
});
beforeEach(() => catcher.clear());

const DAY = 86_400_000;
const address = (externalId: string) => `${externalId}@example.com`;
const when = (d: Date, locale: 'en' | 'id' = 'en') => formatDateTime(d, locale, 'Asia/Jakarta');

/** A customer who paid for `plan` by QRIS (nothing saved: they pay each period themselves), or by card (saved). */
async function subscribed(externalId: string, o: { p?: TestProject; locale?: 'en' | 'id'; card?: boolean } = {}) {
  const p = o.p ?? project;
  const session = await createSession(t.url, p, externalId, { email: address(externalId), name: 'Ana Lestari', ...(o.locale && { locale: o.locale }) });
  expect(session.status, session.text).toBe(200);
  const eu = await t.database.db.selectFrom('end_users').select('id').where('project_id', '=', p.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const change = await http(t.url, 'POST', `/api/platform/end-users/${externalId}/subscription/change`, { basic: p.creds, body: { plan_code: 'pro' } });
  expect(change.body.outcome, change.text).toBe('payment_required');
  const order = change.body.payment.order_id as string;
  await simulate(t, order, o.card ? { transaction_status: 'capture', payment_type: 'credit_card', fraud_status: 'accept' } : { transaction_status: 'settlement', payment_type: 'qris' });
  t.clock.advance(1000);
  return eu.id;
}

/** Runs the reminder job twice (as two ticks, or two instances, would) at `at`. */
async function remindAt(at: Date) {
  t.clock.set(at);
  await Promise.all([openEarlyRenewals(t.deps), openEarlyRenewals(t.deps)]);
  await openEarlyRenewals(t.deps);
  await t.simulator.deliveriesSettled();
}

const renewalsOf = (subscriptionId: string) =>
  t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', subscriptionId).where('purpose', '=', 'renewal').orderBy('created_at').execute();
const queuedTypes = async (externalId: string) =>
  (await t.database.db.selectFrom('email_outbox').select('type').where('to_address', '=', address(externalId)).orderBy('created_at').orderBy('type').execute()).map((e) => e.type);

async function delivered(externalId: string, subject: RegExp) {
  while ((await deliverEmails(t.deps)).sent > 0);
  const mine = catcher.messages().filter((m) => m.to.includes(address(externalId)) && subject.test(m.subject));
  expect(mine, `one email "${subject}" to ${externalId}`).toHaveLength(1);
  return mine[0]!;
}

describe('renewal_reminder', () => {
  it('arrives N days before the period end with "Pay now" on the renewal; paid ahead, the period end renews without past due', async () => {
    const eu = await subscribed('early-bird');
    const sub = (await subscriptionOf(t, eu))!;
    const end = sub.current_period_end!;

    // Not yet: just outside the project's 3 days.
    await remindAt(new Date(end.getTime() - 3 * DAY - 60_000));
    expect(await renewalsOf(sub.id)).toHaveLength(0);

    await remindAt(new Date(end.getTime() - 3 * DAY + 60_000));
    const [renewal, ...more] = await renewalsOf(sub.id);
    expect(more).toHaveLength(0);
    expect(renewal).toMatchObject({ status: 'pending', amount: 150_000, period_start: end });
    expect(renewal!.redirect_url, 'its payment page is open').toMatch(/^http/);
    expect(await queuedTypes('early-bird')).toEqual(['payment_receipt', 'renewal_reminder']);
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'active', current_period_end: end });

    const graceEnds = new Date(end.getTime() + 3 * DAY);
    const message = await delivered('early-bird', /^Renewal coming up: Pro, IDR 150,000$/);
    expect(message.text).toContain(`Your Pro period with Kopi Kenangan Cloud ends on ${when(end)}. Its renewal of IDR 150,000 is ready: pay it now and your subscription carries on without a break.`);
    expect(message.text).toContain(`"Pay now" signs you in and opens this payment. It works once, until ${when(renewal!.expires_at)}`);
    expect(message.text).toContain(`stays usable until ${when(graceEnds)} while you pay.`);

    // "Pay now" signs the customer in and lands on the renewal.
    const link = /Pay now: (\S+)/.exec(message.text)?.[1];
    expect(link).toMatch(new RegExp(`/portal\\?session=[A-Za-z0-9_-]+&flow=pay%3A${renewal!.id}$`));
    const browser = new PortalClient(t.url, t.deps.config.publicUrl);
    const landed = await browser.get(link!);
    expect(landed.location).toBe(`/portal/payments/${renewal!.id}`);
    const page = await browser.get(landed.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('IDR 150,000');

    // Paid ahead: recorded, and nothing moves until the period end.
    await simulate(t, renewal!.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'active', current_period_start: sub.current_period_start, current_period_end: end });

    t.clock.set(new Date(end.getTime() + 1000));
    await processPeriodEnds(t.deps);
    await processPeriodEnds(t.deps);
    const renewed = (await subscriptionOf(t, eu))!;
    expect(renewed).toMatchObject({ status: 'active', current_period_start: end, current_period_end: renewal!.period_end, grace_ends_at: null });
    expect(await renewalsOf(sub.id)).toHaveLength(1);
    expect((await queuedTypes('early-bird')).sort()).toEqual(['payment_receipt', 'payment_receipt', 'renewal_reminder']);
    const events = await t.database.db.selectFrom('events').select('type').where('subject_id', '=', sub.id).where('type', '=', 'subscription.renewed').execute();
    expect(events).toHaveLength(1);
  });

  it('unpaid at the period end, the same payment is the renewal: the past-due email opens it', async () => {
    const eu = await subscribed('late-payer');
    const sub = (await subscriptionOf(t, eu))!;
    const end = sub.current_period_end!;
    await remindAt(new Date(end.getTime() - 2 * DAY));
    const [early] = await renewalsOf(sub.id);
    expect(early?.status).toBe('pending');

    t.clock.set(new Date(end.getTime() + 1000));
    await processPeriodEnds(t.deps);
    await processPeriodEnds(t.deps);
    await t.simulator.deliveriesSettled();
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'past_due' });
    const renewals = await renewalsOf(sub.id);
    expect(renewals.map((p) => [p.id, p.status])).toEqual([[early!.id, 'pending']]);
    const pastDue = await delivered('late-payer', /^Renewal due:/);
    expect(/Pay now: (\S+)/.exec(pastDue.text)?.[1]).toContain(`flow=pay%3A${early!.id}`);

    // Paid during grace: renewed from the old period end, as any renewal.
    await simulate(t, early!.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'active', current_period_start: end, current_period_end: early!.period_end });
  });

  it('opened ahead it is not owed yet: the customer can cancel it in the portal (silently), and the period end opens a fresh renewal', async () => {
    const eu = await subscribed('changes-mind');
    const sub = (await subscriptionOf(t, eu))!;
    const end = sub.current_period_end!;
    await remindAt(new Date(end.getTime() - 2 * DAY));
    const [early] = await renewalsOf(sub.id);

    const { client } = await openPortal(t, project, 'changes-mind');
    const overview = await client.get('/portal');
    expect(overview.text).toContain(`action="/portal/payments/${early!.id}/abandon"`);
    const page = await client.get(`/portal/payments/${early!.id}`);
    const res = await client.post(`/portal/payments/${early!.id}/abandon`, formFields(page.text, `/portal/payments/${early!.id}/abandon`));
    expect(res.location).toBe('/portal?notice=payment_abandoned');
    await t.simulator.deliveriesSettled();
    expect((await renewalsOf(sub.id)).map((p) => p.status)).toEqual(['expired']);
    expect(await queuedTypes('changes-mind')).not.toContain('payment_failed');

    // Owed after the period end: a fresh renewal, which cannot be cancelled.
    t.clock.set(new Date(end.getTime() + 1000));
    await processPeriodEnds(t.deps);
    const renewals = await renewalsOf(sub.id);
    expect(renewals.map((p) => p.status)).toEqual(['expired', 'pending']);
    expect(await subscriptionOf(t, eu)).toMatchObject({ status: 'past_due' });
    const again = (await openPortal(t, project, 'changes-mind')).client;
    const duePage = await again.get(`/portal/payments/${renewals[1]!.id}`);
    expect(duePage.status).toBe(200);
    expect(duePage.text).not.toContain('/abandon"');
    // The page offers no form; one made with the session's own CSRF token is refused all the same.
    const { csrf } = formFields((await again.get('/portal')).text, '/portal/language');
    const forged = { csrf: csrf!, action_id: 'forged-abandon-of-a-due-renewal' };
    const refused = await again.post(`/portal/payments/${renewals[1]!.id}/abandon`, forged);
    expect(refused.status).toBe(422);
    expect((await renewalsOf(sub.id)).map((p) => p.status)).toEqual(['expired', 'pending']);
  });

  it('in Indonesian', async () => {
    const eu = await subscribed('pengingat', { locale: 'id' });
    const end = (await subscriptionOf(t, eu))!.current_period_end!;
    await remindAt(new Date(end.getTime() - DAY));
    const message = await delivered('pengingat', /^Perpanjangan segera: Pro, Rp150\.000$/);
    expect(message.text).toContain(`Periode Pro Anda di Kopi Kenangan Cloud berakhir pada ${when(end, 'id')}.`);
    expect(message.text).toMatch(/Bayar sekarang: \S+flow=pay%3Apay_/);
  });

  it('none for a saved card, a scheduled cancellation, a project that set 0 days, or the type switched off', async () => {
    const card = await subscribed('card-holder', { card: true });
    const leaving = await subscribed('leaving');
    const cancel = await http(t.url, 'POST', '/api/platform/end-users/leaving/subscription/cancel', { basic: project.creds, body: { reason: 'too expensive' } });
    expect(cancel.status, cancel.text).toBe(200);
    const quiet = await createProject(t.url, { name: 'Quiet Cloud' });
    expect((await http(t.url, 'PATCH', `/api/admin/projects/${quiet.id}`, { admin: true, body: { renewal_reminder_days: 0 } })).body.renewal_reminder_days).toBe(0);
    const off = await subscribed('no-news', { p: quiet });
    const silent = await createProject(t.url, { name: 'Silent Cloud' });
    expect((await http(t.url, 'PATCH', `/api/admin/projects/${silent.id}`, { admin: true, body: { email_disabled_types: ['renewal_reminder'] } })).status).toBe(200);
    const switchedOff = await subscribed('switched-off', { p: silent });

    const ends = await Promise.all([card, leaving, off, switchedOff].map(async (eu) => (await subscriptionOf(t, eu))!.current_period_end!.getTime()));
    await remindAt(new Date(Math.max(...ends) - DAY));
    for (const [eu, opened] of [[card, 0], [leaving, 0], [off, 0], [switchedOff, 1]] as const) {
      expect(await renewalsOf((await subscriptionOf(t, eu))!.id), eu).toHaveLength(opened);
    }
    for (const who of ['card-holder', 'leaving', 'no-news', 'switched-off']) expect(await queuedTypes(who), who).not.toContain('renewal_reminder');
  });

  it('the days are checked: more than 7 is a 400 naming the field', async () => {
    const res = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { renewal_reminder_days: 8 } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('renewal_reminder_days');
  });

  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
