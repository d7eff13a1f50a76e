import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { listCustomers } from '../../src/modules/end-users/customers.repository.ts';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { csvCell } from '../../src/web/csv.ts';
import type { TestApp } from '../support/app.ts';
import { endUser, pendingUpgrade, subscriptionOf } from '../support/billing.ts';
import { addPerson, csrfOf, signIn, submit } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';
import { formFields, PortalClient } from '../portal/support/portal-client.ts';

/**
 * The dashboard's customers: the list (search, status and plan filters, keyset pages, the
 * streamed CSV), one customer's page, and acting for them — each action through the
 * portal's and API's own use cases, audited with who did it; a viewer reads only.
 * Real HTTP over a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL).
 */

let world: MailWorld;
let t: TestApp;
let project: TestProject;
let other: TestProject;
const email = (role: string) => `customers-${role}@example.com`;
const userIds: Record<string, string> = {};

const db = () => t.database.db;
const list = (query = '') => `/dashboard/projects/${project.id}/customers${query}`;
const page = (externalId: string, p = project) => `/dashboard/projects/${p.id}/customers/${encodeURIComponent(externalId)}`;
const DAY = 86_400_000;

/** The end_user_ids a list page shows, in order. */
const shownIds = (html: string) => [...html.matchAll(/<a href="\/dashboard\/projects\/[^/]+\/customers\/([^"]+)"><code>/g)].map((m) => decodeURIComponent(m[1]!));
const nextLink = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&');

/** Puts a customer's subscription into a state directly (what billing would have done over weeks). */
async function setSubscription(euId: string, changes: Record<string, unknown>) {
  await db().updateTable('subscriptions').set(changes).where('end_user_id', '=', euId).execute();
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await startMailApp();
  t = world.t;
  project = await createProject(t.url, { name: 'Customers Co', plans: [
    { code: 'free', name: 'Free', price: 0, is_default: true },
    { code: 'pro', name: 'Pro', price: 150_000 },
    { code: 'business', name: 'Business', price: 450_000 },
  ] });
  other = await createProject(t.url, { name: 'Other Co' });
  for (const role of ['owner', 'finance', 'viewer']) userIds[role] = await addPerson(t, email(role), { projectId: project.id, role });
  await addPerson(t, email('outsider'), { projectId: other.id, role: 'owner' });

  const periodEnd = new Date(t.clock.now().getTime() + 20 * DAY);
  const paidActive = { plan_id: project.plans.business!.id, status: 'active', current_period_start: new Date(periodEnd.getTime() - 30 * DAY), current_period_end: periodEnd };
  // One customer per state, a second apart (newest first in the list).
  const make = async (externalId: string, extra: Record<string, unknown> = {}) => {
    t.clock.advance(1000);
    const res = await createSession(t.url, project, externalId, extra);
    expect(res.status, res.text).toBe(200);
    ids[externalId] = (await db().selectFrom('end_users').select('id').where('external_id', '=', externalId).where('project_id', '=', project.id).executeTakeFirstOrThrow()).id;
    return ids[externalId]!;
  };
  await make('free-1', { email: 'Freddie@Example.com', name: 'Freddie Free' });
  await setSubscription(await make('biz-active', { email: 'ana@acme.test', name: 'Ana Active' }), paidActive);
  await setSubscription(await make('biz-past-due', { name: 'Budi Late' }), { ...paidActive, status: 'past_due', grace_ends_at: new Date(periodEnd.getTime() + 3 * DAY) });
  await setSubscription(await make('pro-canceling', { name: 'Citra Leaving' }), { ...paidActive, plan_id: project.plans.pro!.id, cancel_at_period_end: true, cancel_reason: 'too expensive', canceled_at: t.clock.now() });
  await setSubscription(await make('biz-canceled'), { ...paidActive, status: 'canceled', canceled_at: t.clock.now() });
  t.clock.advance(1000);
  const pending = await pendingUpgrade(t, project, 'first-purchase', 'pro');
  ids['first-purchase'] = pending.eu;
  ids['first-purchase:payment'] = pending.payment.id;
  // As a customer's first purchase looks: no plan yet, its payment open.
  await setSubscription(pending.eu, { status: 'incomplete', plan_id: null, current_period_start: null, current_period_end: null });
  await make('100%_literal', { name: '=HYPERLINK("http://evil.test","x")' });
  ids.other = await endUser(t, other, 'elsewhere');
});
afterAll(() => world?.close());

describe('the customers list', () => {
  it('lists every customer newest first, with plan and the portal\'s status words', async () => {
    const c = await signIn(t, email('viewer'));
    const res = await c.get(list());
    expect(res.status).toBe(200);
    expect(shownIds(res.text)).toEqual(['100%_literal', 'first-purchase', 'biz-canceled', 'pro-canceling', 'biz-past-due', 'biz-active', 'free-1']);
    expect(res.text).toContain('Scheduled to cancel');
    expect(res.text).toContain('Past due');
    expect(res.text).toContain('Pending payment');
    expect(res.text).toContain('<table class="records">');
    expect(res.text).toContain('data-label="Status"');
  });

  it('searches by the start of the end_user_id, email or name, case-insensitively; wildcards are literal', async () => {
    const c = await signIn(t, email('viewer'));
    const search = async (q: string) => shownIds((await c.get(list(`?q=${encodeURIComponent(q)}`))).text);
    expect(await search('biz-')).toEqual(['biz-canceled', 'biz-past-due', 'biz-active']);
    expect(await search('FREDDIE@')).toEqual(['free-1']);
    expect(await search('ana@acme')).toEqual(['biz-active']);
    expect(await search('budi')).toEqual(['biz-past-due']);
    expect(await search('100%')).toEqual(['100%_literal']);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    expect((await c.get(list('?q=nobody'))).text).toContain('No customers match.');
  });

  it('filters by each status, and by plan', async () => {
    const c = await signIn(t, email('viewer'));
    const filter = async (q: string) => shownIds((await c.get(list(q))).text);
    expect(await filter('?status=active')).toEqual(['100%_literal', 'biz-active', 'free-1']);
    expect(await filter('?status=past_due')).toEqual(['biz-past-due']);
    expect(await filter('?status=cancel_scheduled')).toEqual(['pro-canceling']);
    expect(await filter('?status=canceled')).toEqual(['biz-canceled']);
    expect(await filter('?status=pending_payment')).toEqual(['first-purchase']);
    expect(await filter(`?plan=${project.plans.business!.id}`)).toEqual(['biz-canceled', 'biz-past-due', 'biz-active']);
    expect(await filter(`?plan=${project.plans.business!.id}&status=canceled`)).toEqual(['biz-canceled']);
    expect(await filter(`?plan=${project.plans.pro!.id}&q=pro`)).toEqual(['pro-canceling']);
    // An unknown status or another project's plan is no filter at all, not an error.
    expect((await c.get(list('?status=bogus'))).status).toBe(200);
    expect(await filter(`?plan=${other.plans.pro!.id}`)).toHaveLength(7);
  });

  it('pages by keyset: every customer exactly once, ties on the same instant included, filtered or not', async () => {
    // 130 more customers, many created at the same instant (the id breaks the tie).
    const base = t.clock.now();
    const rows = Array.from({ length: 130 }, (_, i) => ({ id: newId('eu'), project_id: project.id, external_id: `bulk-${String(i).padStart(3, '0')}`, email: null, name: null, locale: null, created_at: new Date(base.getTime() + Math.floor(i / 10) * 1000), updated_at: base }));
    await db().insertInto('end_users').values(rows).execute();
    await db()
      .insertInto('subscriptions')
      .values(rows.map((r, i) => ({ id: newId('sub'), project_id: project.id, end_user_id: r.id, plan_id: project.plans[i % 2 ? 'pro' : 'free']!.id, status: 'active' as const, current_period_start: base, current_period_end: new Date(base.getTime() + 30 * DAY), created_at: base, updated_at: base })))
      .execute();

    const c = await signIn(t, email('viewer'));
    const walk = async (first: string) => {
      const seen: string[] = [];
      let next: string | undefined = first;
      let pages = 0;
      while (next) {
        const res = await c.get(next);
        expect(res.status).toBe(200);
        seen.push(...shownIds(res.text));
        next = nextLink(res.text);
        pages += 1;
      }
      return { seen, pages };
    };
    const all = await walk(list());
    expect(all.pages).toBe(3);
    expect(new Set(all.seen).size).toBe(all.seen.length);
    const expected = (await db().selectFrom('end_users').select(['external_id', 'created_at', 'id']).where('project_id', '=', project.id).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.external_id);
    expect(all.seen).toEqual(expected);

    const pro = await walk(list(`?plan=${project.plans.pro!.id}`));
    expect(pro.seen).toEqual(expected.filter((id) => rows.find((r) => r.external_id === id) ? Number(id.slice(5)) % 2 === 1 : id === 'pro-canceling'));
    expect(pro.pages).toBe(2);

    // The query function the benchmark calls: the same pages, straight from the repository.
    const first = await listCustomers(db(), { projectId: project.id, status: 'active', limit: 60 });
    const second = await listCustomers(db(), { projectId: project.id, status: 'active', after: first.next!, limit: 60 });
    const third = await listCustomers(db(), { projectId: project.id, status: 'active', after: second.next!, limit: 60 });
    expect(third.next).toBeNull();
    expect([...first.rows, ...second.rows, ...third.rows].map((r) => r.external_id)).toEqual(expected.filter((id) => id.startsWith('bulk-') || ['100%_literal', 'biz-active', 'free-1'].includes(id)));
    await db().deleteFrom('subscriptions').where('end_user_id', 'in', rows.map((r) => r.id)).execute();
    await db().deleteFrom('end_users').where('id', 'in', rows.map((r) => r.id)).execute();
  });

  it('exports the filtered list as a streamed CSV, quoted, with formulas neutralised', async () => {
    const c = await signIn(t, email('viewer'));
    const res = await c.get(list('.csv'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('"end_user_id","email","name","status","plan_code","plan_name","current_period_end","cancel_at_period_end","cancel_reason","scheduled_plan_code","customer_since"');
    expect(lines).toHaveLength(9); // header, 7 customers, the final CRLF
    expect(lines[1]).toMatch(/^"100%_literal","","'=HYPERLINK\(""http:\/\/evil.test"",""x""\)","active","free","Free",/);
    expect(lines.find((l) => l.startsWith('"pro-canceling"'))).toMatch(/"cancel_scheduled","pro","Pro","[^"]+","true","too expensive","",/);
    const filtered = (await c.get(list('.csv?status=past_due'))).text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(filtered.map((l) => l.split(',')[0])).toEqual(['"end_user_id"', '"biz-past-due"']);
  });

  it('escapes every cell a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvCell)).toEqual(["\"'=1+1\"", "\"'+1\"", "\"'-2\"", "\"'@SUM(A1)\"", "\"'\tx\"", "\"'\rx\""]);
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(-5)).toBe('"-5"');
  });
});

describe("a customer's page", () => {
  it('shows plan, status, period, renewal method, pending cancellation with its reason, and payments linking to their page', async () => {
    await db().updateTable('subscriptions').set({ saved_card_last4: '1114' }).where('end_user_id', '=', ids['biz-active']!).execute();
    const c = await signIn(t, email('viewer'));
    const active = (await c.get(page('biz-active'))).text;
    expect(active).toContain('<h1>Ana Active</h1>');
    expect(active).toContain('Card •••• 1114 is charged automatically on');
    expect(active).toContain('<dt>Plan</dt><dd>Business</dd>');
    expect(active).toContain('<dt>Current period</dt>');
    const canceling = (await c.get(page('pro-canceling'))).text;
    expect(canceling).toContain('Cancels at the period end, on');
    expect(canceling).toContain('Reason: too expensive');
    const buying = (await c.get(page('first-purchase'))).text;
    expect(buying).toContain('Pending payment');
    expect(buying).toContain(`href="/dashboard/projects/${project.id}/payments/${ids['first-purchase:payment']}"`);
    expect(buying).toContain('Pro plan');
    // A viewer reads; no form to act.
    expect(active).toContain('acting for them needs the finance, admin or owner role');
    expect(active).not.toContain(`action="${page('biz-active')}/cancel"`);
  });

  it("is a 404 for another project's customer, an unknown one, and for someone outside the project", async () => {
    const c = await signIn(t, email('owner'));
    expect((await c.get(page('elsewhere'))).status).toBe(404);
    expect((await c.get(page('nobody-here'))).status).toBe(404);
    expect((await c.get(page('elsewhere', other))).status).toBe(404);
    const outsider = await signIn(t, email('outsider'));
    expect((await outsider.get(page('biz-active'))).status).toBe(404);
    expect((await outsider.get(list())).status).toBe(404);
    expect((await outsider.get(list('.csv'))).status).toBe(404);
    const forged = await c.post(`${page('elsewhere')}/cancel`, { csrf: await csrfOf(c), action_id: 'other-project', reason: 'x' });
    expect(forged.status).toBe(404);
    expect((await subscriptionOf(t, ids.other!))!.cancel_at_period_end).toBe(false);
  });
});

describe('acting for a customer', () => {
  const auditOf = (action: string) => db().selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', action).orderBy('at', 'desc').orderBy('id', 'desc').execute();

  it('cancels at the period end with a reason and resumes: the same use case as the portal, audited with who did it', async () => {
    const c = await signIn(t, email('finance'));
    const res = await submit(c, page('biz-active'), `${page('biz-active')}/cancel`, { reason: 'Asked by phone' });
    expect(res.status, res.text).toBe(303);
    expect(res.location).toBe(`${page('biz-active')}?notice=canceled`);
    const sub = (await subscriptionOf(t, ids['biz-active']!))!;
    expect(sub).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_reason: 'Asked by phone' });
    const [audit] = await auditOf('customer.subscription_canceled');
    expect(audit).toMatchObject({ actor_user_id: userIds.finance, subject_id: sub.id, data: { end_user_id: 'biz-active', reason: 'Asked by phone' } });
    const event = await db().selectFrom('events').selectAll().where('subject_id', '=', sub.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ type: 'subscription.updated', source: 'admin' });
    // The cancellation email was queued in the same change; the page shows its status.
    const shown = (await c.get(res.location!)).text;
    expect(shown).toContain('The subscription will cancel at the period end.');
    expect(shown).toContain('Cancellation scheduled');
    expect(shown).toContain('Waiting to send');

    const resumed = await submit(c, page('biz-active'), `${page('biz-active')}/resume`);
    expect(resumed.location).toBe(`${page('biz-active')}?notice=resumed`);
    expect((await subscriptionOf(t, ids['biz-active']!))!).toMatchObject({ cancel_at_period_end: false, cancel_reason: null });
    expect((await auditOf('customer.subscription_resumed'))[0]).toMatchObject({ actor_user_id: userIds.finance, subject_id: sub.id });
  });

  it('shows each email\'s delivery: sent, waiting, or not delivered with the reason', async () => {
    await deliverEmails(t.deps);
    const c = await signIn(t, email('viewer'));
    const shown = (await c.get(page('biz-active'))).text;
    expect(shown).toMatch(/Cancellation scheduled<br><span class="muted">[^<]+<\/span><\/td>\s*<td data-label="Status"><span class="badge badge-ok">/);
    const now = t.clock.now();
    await db()
      .insertInto('email_outbox')
      .values({ id: newId('eml'), project_id: project.id, end_user_id: ids['biz-active']!, type: 'payment_failed', idempotency_key: 'payment_failed:test', to_address: 'ana@acme.test', locale: 'en', subject: 'Your payment failed', text_body: 'x', html_body: 'x', message_id: '<x@test>', status: 'failed', next_attempt_at: now, last_error: '550 mailbox unavailable', created_at: now, sent_at: null, body_purged_at: null })
      .execute();
    const failed = (await c.get(page('biz-active'))).text;
    expect(failed).toContain('Not delivered');
    expect(failed).toContain('Last error: 550 mailbox unavailable');
  });

  it('schedules a downgrade and withdraws it; a dearer plan is refused next to the field and nothing changes', async () => {
    const c = await signIn(t, email('owner'));
    const form = (await c.get(page('biz-active'))).text;
    expect(form).toContain(`<option value="${project.plans.pro!.id}">Pro</option>`);
    const res = await submit(c, page('biz-active'), `${page('biz-active')}/downgrade`, { plan_id: project.plans.pro!.id });
    expect(res.location).toBe(`${page('biz-active')}?notice=downgrade_scheduled`);
    expect((await subscriptionOf(t, ids['biz-active']!))!.scheduled_plan_id).toBe(project.plans.pro!.id);
    expect((await auditOf('customer.downgrade_scheduled'))[0]).toMatchObject({ actor_user_id: userIds.owner, data: { plan_id: project.plans.pro!.id } });
    expect((await c.get(res.location!)).text).toContain('Changes to Pro on');

    const withdrawn = await submit(c, page('biz-active'), `${page('biz-active')}/withdraw`);
    expect(withdrawn.location).toBe(`${page('biz-active')}?notice=change_withdrawn`);
    expect((await subscriptionOf(t, ids['biz-active']!))!.scheduled_plan_id).toBeNull();
    expect(await auditOf('customer.scheduled_change_withdrawn')).toHaveLength(1);

    // A paid upgrade (Pro → Business), sent as a forged form: the customer's choice, refused
    // under the lock, no payment created, the reason shown by the field.
    const onPro = (await subscriptionOf(t, ids['biz-active']!))!;
    await setSubscription(ids['biz-active']!, { plan_id: project.plans.pro!.id });
    const paymentsBefore = await db().selectFrom('payments').select('id').execute();
    expect((await c.get(page('biz-active'))).text).not.toContain(`<option value="${project.plans.business!.id}">`);
    const upgrade = await c.post(`${page('biz-active')}/downgrade`, { csrf: await csrfOf(c), action_id: 'forged-upgrade', plan_id: project.plans.business!.id });
    expect(upgrade.status).toBe(422);
    expect(upgrade.text).toMatch(/<span class="field-error" id="plan_id-error">This change cannot be made here/);
    expect(await db().selectFrom('payments').select('id').execute()).toHaveLength(paymentsBefore.length);
    expect((await subscriptionOf(t, ids['biz-active']!))!).toMatchObject({ plan_id: project.plans.pro!.id, scheduled_plan_id: null, version: onPro.version });
    await setSubscription(ids['biz-active']!, { plan_id: project.plans.business!.id });
  });

  it('keeps an overlong reason next to its field', async () => {
    const c = await signIn(t, email('owner'));
    const res = await submit(c, page('biz-past-due'), `${page('biz-past-due')}/cancel`, { reason: 'x'.repeat(501) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<span class="field-error" id="reason-error">Keep the reason under 500 characters.</span>');
    expect((await subscriptionOf(t, ids['biz-past-due']!))!.cancel_at_period_end).toBe(false);
  });

  it("opens the customer's portal through a single-use link, audited as opened from the dashboard", async () => {
    const c = await signIn(t, email('finance'));
    const form = (await c.get(page('biz-active'))).text;
    expect(form).toMatch(new RegExp(`<form method="post" action="${page('biz-active')}/portal" target="_blank">`));
    const res = await submit(c, page('biz-active'), `${page('biz-active')}/portal`);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(new RegExp(`^${t.deps.config.publicUrl}/portal\\?session=[A-Za-z0-9_-]{43}$`));
    const [audit] = await auditOf('customer.portal_opened');
    expect(audit).toMatchObject({ actor_user_id: userIds.finance, subject_id: ids['biz-active'], data: { end_user_id: 'biz-active', opened_from: 'dashboard' } });

    const browser = new PortalClient(t.url, t.deps.config.publicUrl);
    const exchanged = await browser.get(res.location!);
    expect(exchanged.status).toBe(303);
    expect((await browser.get('/portal')).status).toBe(200);
    const again = new PortalClient(t.url, t.deps.config.publicUrl);
    expect((await again.get(res.location!)).status).toBe(410);
  });

  it("revokes an active portal session: that customer's cookie stops working", async () => {
    const customer = new PortalClient(t.url, t.deps.config.publicUrl);
    const minted = await createSession(t.url, project, 'biz-past-due');
    await customer.get(minted.body.portal_url);
    expect((await customer.get('/portal')).status).toBe(200);
    const session = await db().selectFrom('portal_sessions').select('id').where('end_user_id', '=', ids['biz-past-due']!).where('ended_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();

    const c = await signIn(t, email('finance'));
    const action = `${page('biz-past-due')}/sessions/${session.id}/revoke`;
    expect((await c.get(page('biz-past-due'))).text).toContain(`action="${action}"`);
    const res = await submit(c, page('biz-past-due'), action);
    expect(res.location).toBe(`${page('biz-past-due')}?notice=session_revoked`);
    expect((await customer.get('/portal')).status).toBe(401);
    expect((await auditOf('customer.portal_session_revoked'))[0]).toMatchObject({ actor_user_id: userIds.finance, subject_id: session.id });
    expect((await c.get(res.location!)).text).not.toContain(`action="${action}"`);
  });

  it('makes a payment link for an open payment: shown once, it signs the customer in on that payment, once', async () => {
    const c = await signIn(t, email('finance'));
    const paymentId = ids['first-purchase:payment']!;
    const action = `${page('first-purchase')}/payments/${paymentId}/link`;
    const res = await submit(c, page('first-purchase'), action);
    expect(res.status).toBe(200);
    const url = /<code class="secret" id="payment-link">([^<]+)<\/code>/.exec(res.text)![1]!.replace(/&amp;/g, '&');
    expect(url).toMatch(new RegExp(`^${t.deps.config.publicUrl}/portal\\?session=[A-Za-z0-9_-]{43}&flow=pay%3A${paymentId}$`));
    expect((await auditOf('customer.payment_link_created'))[0]).toMatchObject({ actor_user_id: userIds.finance, subject_id: paymentId });
    expect((await c.get(page('first-purchase'))).text).not.toContain(url);

    const customer = new PortalClient(t.url, t.deps.config.publicUrl);
    const landed = await customer.get(url);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`/portal/payments/${paymentId}`);
    expect((await new PortalClient(t.url, t.deps.config.publicUrl).get(url)).status).toBe(410);
  });

  it('emails the payment link to the customer: their language, "Pay now" lands on the payment; not without an address, not twice in 10 minutes', async () => {
    const c = await signIn(t, email('finance'));
    const paymentId = ids['first-purchase:payment']!;
    const action = `${page('first-purchase')}/payments/${paymentId}/email`;
    // No address on file: no button, and a POST says why.
    expect((await c.get(page('first-purchase'))).text).not.toContain(`action="${action}"`);
    const refused = await c.post(action, { csrf: await csrfOf(c), action_id: 'no-address' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('This customer has no email address on file');

    await db().updateTable('end_users').set({ email: 'first@buyer.test', locale: 'id' }).where('id', '=', ids['first-purchase']!).execute();
    const shown = (await c.get(page('first-purchase'))).text;
    expect(shown).toContain('Email it to first@buyer.test');
    world.catcher.clear();
    const res = await submit(c, page('first-purchase'), action);
    expect(res.status, res.text).toBe(303);
    expect(res.location).toBe(`${page('first-purchase')}?notice=link_emailed`);
    const after = (await c.get(res.location!)).text;
    expect(after).toContain('The payment link is on its way to the customer.');
    expect(after).toContain('<td data-label="Email">Payment link<br><span class="muted">Siap dibayar: Pro, Rp150.000</span></td>');
    expect((await auditOf('customer.payment_link_emailed'))[0]).toMatchObject({ actor_user_id: userIds.finance, subject_id: paymentId });

    while ((await deliverEmails(t.deps)).sent > 0);
    const [message, ...more] = world.catcher.messages().filter((m) => m.to.includes('first@buyer.test'));
    expect(more).toHaveLength(0);
    expect(message!.subject).toBe('Siap dibayar: Pro, Rp150.000');
    expect(message!.text).toContain('Customers Co mengirimkan tautan untuk membayar Rp150.000 untuk Pro.');
    const link = /Bayar sekarang: (\S+)/.exec(message!.text)?.[1];
    expect(link).toContain(`flow=pay%3A${paymentId}`);
    const landed = await new PortalClient(t.url, t.deps.config.publicUrl).get(link!);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`/portal/payments/${paymentId}`);

    // Again at once: refused, saying when it can go; ten minutes later it goes.
    const again = await submit(c, page('first-purchase'), action);
    expect(again.status).toBe(429);
    expect(again.text).toContain('The payment link was emailed less than 10 minutes ago.');
    t.clock.advance(10 * 60_000);
    expect((await submit(c, page('first-purchase'), action)).location).toBe(`${page('first-purchase')}?notice=link_emailed`);
    expect(await db().selectFrom('email_outbox').select('id').where('type', '=', 'payment_link').where('end_user_id', '=', ids['first-purchase']!).execute()).toHaveLength(2);

    // Paid (or closed) before the click: nothing is sent, and the answer says why.
    const form = formFields((await c.get(page('first-purchase'))).text, action);
    t.clock.advance(10 * 60_000);
    await db().updateTable('payments').set({ status: 'expired' }).where('id', '=', paymentId).execute();
    const closed = await c.post(action, form);
    expect(closed.status).toBe(422);
    expect(closed.text).toContain('This payment is no longer open: there is nothing to pay.');
    expect(await db().selectFrom('email_outbox').select('id').where('type', '=', 'payment_link').execute()).toHaveLength(2);
    await db().updateTable('payments').set({ status: 'pending' }).where('id', '=', paymentId).execute();
  });

  it("refuses a viewer's forged POST to every action with 403, and nothing changes", async () => {
    const c = await signIn(t, email('viewer'));
    const csrf = await csrfOf(c);
    const before = await db().selectFrom('subscriptions').selectAll().where('project_id', '=', project.id).orderBy('id').execute();
    const auditsBefore = (await db().selectFrom('audit_log').select('id').where('project_id', '=', project.id).execute()).length;
    const tokensBefore = (await db().selectFrom('portal_tokens').select('token_hash').execute()).length;
    const session = await db().selectFrom('portal_sessions').select('id').where('end_user_id', '=', ids['biz-active']!).executeTakeFirstOrThrow();
    for (const [action, extra] of [
      ['cancel', { reason: 'forged' }],
      ['resume', {}],
      ['downgrade', { plan_id: project.plans.pro!.id }],
      ['withdraw', {}],
      ['portal', {}],
      [`payments/${ids['first-purchase:payment']}/link`, {}],
      [`payments/${ids['first-purchase:payment']}/email`, {}],
      [`sessions/${session.id}/revoke`, {}],
    ] as const) {
      const target = action.startsWith('payments/') ? page('first-purchase') : page('biz-active');
      const res = await c.post(`${target}/${action}`, { csrf, action_id: `forged-${action}`, ...extra });
      expect(res.status, action).toBe(403);
    }
    expect(await db().selectFrom('subscriptions').selectAll().where('project_id', '=', project.id).orderBy('id').execute()).toEqual(before);
    expect((await db().selectFrom('audit_log').select('id').where('project_id', '=', project.id).execute()).length).toBe(auditsBefore);
    expect((await db().selectFrom('portal_tokens').select('token_hash').execute()).length).toBe(tokensBefore);
    expect(await db().selectFrom('email_outbox').select('id').where('idempotency_key', 'like', '%forged%').execute()).toHaveLength(0);
    // And a finance member's POST without the session's token is refused too.
    const finance = await signIn(t, email('finance'));
    expect((await finance.post(`${page('biz-active')}/cancel`, { csrf: 'not-the-token', action_id: 'no-token' })).status).toBe(403);
  });

  it("shows the customer's timeline from the events log, naming the dashboard as who acted", async () => {
    await publishEvents(t.deps);
    const c = await signIn(t, email('viewer'));
    const shown = (await c.get(page('biz-active'))).text;
    expect(shown).toMatch(/<code>subscription\.updated<\/code><\/td><td data-label="By">Dashboard<\/td>/);
    expect(shown).toContain('<code>portal_session.created</code>');
  });
});
