import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ASSETS, ASSET_BYTES } from '../../src/apps/portal/http/assets.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { simulate } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { http } from '../support/http.ts';
import { formFields, PortalClient, type PortalResponse } from './support/portal-client.ts';
import { PAGE_BUDGET_BYTES } from './support/page-checks.ts';

/**
 * The portal over plain HTTP: the exchange and its cookie, the headers on every response,
 * CSRF and Origin checks, once-only actions, authorisation by the session alone, languages,
 * escaping and page weight. (The browser suites cover the same ground as a person would.)
 */
let t: TestApp;
let project: TestProject;
let other: TestProject;
const APP = 'https://app.example.com/dashboard';

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Acme <Notes> & "Co"', redirectUris: [APP, 'https://app.example.com/other'] });
  other = await createProject(t.url, { name: 'Other project' });
});
afterAll(() => t?.close());

/** A browser-like client that has opened the portal for `user`. */
async function open(user: string, extra: Record<string, unknown> = {}, appended = `&redirect_uri=${encodeURIComponent(APP)}`, p = project) {
  const minted = await createSession(t.url, p, user, extra);
  expect(minted.status, minted.text).toBe(200);
  const client = new PortalClient(t.url, t.deps.config.publicUrl);
  const exchange = await client.get(minted.body.portal_url + appended);
  return { client, exchange, token: minted.body.session_token as string };
}

async function endUser(externalId: string, p = project) {
  return t.database.db.selectFrom('end_users').selectAll().where('project_id', '=', p.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

async function subscriptionOf(externalId: string) {
  const user = await endUser(externalId);
  return t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
}

/** Puts the user on Pro, paid: a plan one may cancel (the free default plan is not). */
async function onPaidPlan(externalId: string) {
  const user = await endUser(externalId);
  const r = await changePlan(t.deps, { projectId: project.id, endUserId: user.id, planId: project.plans.pro!.id, source: 'api' });
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
}

/** The payment a confirm form started: the answer leads straight to its page on the gateway. */
async function startedPayment(started: { status: number; location?: string | undefined }) {
  expect(started.status).toBe(303);
  const payment = await t.database.db.selectFrom('payments').selectAll().where('redirect_url', '=', started.location!).executeTakeFirstOrThrow();
  expect(new URL(started.location!).origin).toBe(t.simulator.url);
  return payment;
}

async function portalEvents(subscriptionId: string) {
  return t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subscriptionId).where('source', '=', 'portal').execute();
}

function expectPortalHeaders(res: PortalResponse) {
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
}

describe('GET /portal?session= — the exchange', () => {
  it('sets an HttpOnly, Path=/portal, 30-minute, SameSite=Lax cookie and 303s to the clean /portal', async () => {
    const { exchange } = await open('x-cookie');
    expect(exchange.status).toBe(303);
    expect(exchange.location).toBe('/portal');
    const session = exchange.setCookies.find((c) => c.startsWith('langgan_portal='))!;
    expect(session).toMatch(/^langgan_portal=[A-Za-z0-9_-]{43}; Max-Age=1800; Path=\/portal; HttpOnly; SameSite=Lax$/);
    expect(exchange.headers['cache-control']).toBe('no-store');
    expectPortalHeaders(exchange);
  });

  it('stores only the SHA-256 of the cookie secret', async () => {
    const { client } = await open('x-hash');
    const secret = client.jar.get('langgan_portal')!;
    const rows = await t.database.db.selectFrom('portal_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('adds Secure when PUBLIC_URL is https', async () => {
    const secure = await startTestApp({ env: { PUBLIC_URL: 'https://billing.example.com' } });
    try {
      const p = await createProject(secure.url);
      const minted = await createSession(secure.url, p, 'secure-user');
      const client = new PortalClient(secure.url, 'https://billing.example.com');
      const res = await client.get(minted.body.portal_url);
      expect(res.setCookies.find((c) => c.startsWith('langgan_portal='))).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await secure.close();
    }
  });

  it('gives exactly one session when the same link is opened concurrently', async () => {
    const minted = await createSession(t.url, project, 'x-race');
    const results = await Promise.all(Array.from({ length: 5 }, () => new PortalClient(t.url, t.deps.config.publicUrl).get(minted.body.portal_url)));
    expect(results.map((r) => r.status).sort()).toEqual([303, 410, 410, 410, 410]);
  });

  it('answers used (410), expired (410) and unknown (404) links with a friendly page and "Back to app"', async () => {
    const { token } = await open('x-links');
    const client = new PortalClient(t.url, t.deps.config.publicUrl);
    const used = await client.get(`/portal?session=${token}&redirect_uri=${encodeURIComponent(APP)}`);
    expect(used.status).toBe(410);
    expect(used.headers['content-type']).toMatch(/^text\/html/);
    expect(used.text).toContain('This link has already been used');
    expect(used.text).toContain(`<a class="button" href="${APP}">Back to app</a>`);
    expectPortalHeaders(used);

    const fresh = await createSession(t.url, project, 'x-links', { redirect_uri: APP });
    t.clock.advance(301_000);
    const expired = await client.get(fresh.body.portal_url);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This link has expired');
    expect(expired.text).toContain(`href="${APP}"`);

    const unknown = await client.get('/portal?session=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("This link isn&#39;t valid");
    expect(unknown.text).not.toContain('Back to app');
  });

  it('names the project and offers a way on from every page without a session', async () => {
    // A used link minted and opened without redirect_uri: the project's registered app.
    const minted = await createSession(t.url, project, 'x-no-redirect');
    const first = new PortalClient(t.url, t.deps.config.publicUrl);
    expect((await first.get(minted.body.portal_url)).status).toBe(303);
    const again = await new PortalClient(t.url, t.deps.config.publicUrl).get(minted.body.portal_url);
    expect(again.status).toBe(410);
    expect(again.text).toContain('Acme &lt;Notes&gt;');
    expect(again.text).toContain(`<a class="button" href="${APP}">Back to app</a>`);

    // A 404 after the session ended (its cookie still held): the project's name and its app.
    const { client } = await open('x-ended-404');
    const back = await client.post('/portal/back', formFields((await client.get('/portal')).text, '/portal/back'));
    expect(back.status).toBe(303);
    const lost = await client.get('/portal/no-such-page');
    expect(lost.status).toBe(404);
    expect(lost.text).toContain('Acme &lt;Notes&gt;');
    expect(lost.text).toContain(`href="${APP}"`);

    // Nothing known at all: Langgan's frame, and a sentence saying what to do.
    const stranger = await new PortalClient(t.url, t.deps.config.publicUrl).get('/portal/no-such-page');
    expect(stranger.status).toBe(404);
    expect(stranger.text).toContain('To see your billing, open it again from the app where you manage your account.');
    const unknown = await new PortalClient(t.url, t.deps.config.publicUrl).get('/portal?session=nope');
    expect(unknown.text).toContain('open billing again');
  });

  it('ignores an unregistered redirect_uri (and only the log hears of it)', async () => {
    const { client, exchange } = await open('x-evil-redirect', {}, `&redirect_uri=${encodeURIComponent('https://evil.example/steal')}`);
    expect(exchange.status).toBe(303);
    const page = await client.get('/portal');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('evil.example');
    expect(page.text).toContain('Close billing');
    expect(page.headers['content-security-policy']).toContain("form-action 'self';");
    const leave = await client.post('/portal/back', formFields(page.text, '/portal/back'));
    expect(leave.status).toBe(200);
    expect(leave.text).toContain('You can close this tab.');
  });

  it('keeps a registered redirect_uri for "Back to app", which ends the session', async () => {
    const { client } = await open('x-back');
    const page = await client.get('/portal');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://app.example.com;");
    const leave = await client.post('/portal/back', formFields(page.text, '/portal/back'));
    expect(leave.status).toBe(303);
    expect(leave.location).toBe(APP);
    const after = await client.get('/portal');
    expect(after.status).toBe(401);
    expect(after.text).toContain('Your billing session has ended');
    expect(after.text).toContain(`href="${APP}"`);
  });
});

describe('headers on every /portal response', () => {
  it('sends Referrer-Policy no-referrer, nosniff, a strict CSP and no-store on pages, errors, 404s and assets', async () => {
    const { client } = await open('x-headers');
    const overview = await client.get('/portal');
    const csp = String(overview.headers['content-security-policy']);
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'self' 'sha256-[A-Za-z0-9+/=]+'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self' https:\/\/app\.example\.com; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(overview.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(overview.text).not.toMatch(/\son[a-z]+=/i);
    expect(overview.headers['cache-control']).toBe('no-store');
    for (const res of [
      overview,
      await client.get('/portal/no-such-page'),
      await client.get('/portal/payments/pay_nope'),
      await client.get(ASSETS.css.path),
      await client.get(ASSETS.js.path),
      await new PortalClient(t.url, t.deps.config.publicUrl).get('/portal'),
    ]) {
      expectPortalHeaders(res);
    }
    const css = await client.get(ASSETS.css.path);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const notFound = await client.get('/portal/no-such-page');
    expect(notFound.status).toBe(404);
    expect(notFound.text).toContain('Page not found');
    expect(notFound.text).toContain('Back to overview');
  });

  it('escapes every value it shows (project name, plan name) and keeps pages under 50 KB', async () => {
    const res = await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans`, {
      admin: true,
      body: { code: 'xss', name: '<img src=x onerror=alert(1)>', price: 99_000, interval: 'month', features: ['<script>alert(1)</script>'] },
    });
    expect(res.status, res.text).toBe(201);
    const { client } = await open('x-escape');
    await onPaidPlan('x-escape');
    const sizes: Record<string, number> = {};
    for (const path of ['/portal', '/portal/plans', `/portal/plans/${res.body.id}`, '/portal/payments', '/portal/cancel']) {
      const page = await client.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).not.toContain('<script>alert');
      sizes[path] = Buffer.byteLength(page.text) + ASSET_BYTES;
      expect(sizes[path], path).toBeLessThan(PAGE_BUDGET_BYTES);
    }
    const plans = await client.get('/portal/plans');
    expect(plans.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(plans.text).toContain('Acme &lt;Notes&gt; &amp; &quot;Co&quot;');
    await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans/${res.body.id}/archive`, { admin: true });
  });
});

describe('CSRF: Origin and a session-bound token on every POST', () => {
  it('refuses a missing or foreign Origin, a wrong token and another session\'s token, changing nothing', async () => {
    const { client } = await open('x-csrf');
    const { client: stranger } = await open('x-csrf-stranger');
    await onPaidPlan('x-csrf');
    await onPaidPlan('x-csrf-stranger');
    const page = await client.get('/portal/cancel');
    const fields: Record<string, string> = { ...formFields(page.text, '/portal/cancel'), reason: 'other' };
    const strangerFields = formFields((await stranger.get('/portal/cancel')).text, '/portal/cancel');
    const sub = await subscriptionOf('x-csrf');

    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no Origin, no Fetch Metadata', fields, { origin: '', 'sec-fetch-site': '' }],
      ['foreign Origin', fields, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
      ['same-site other origin', fields, { origin: 'http://localhost:1', 'sec-fetch-site': 'same-site' }],
      ['Origin null from another site', fields, { origin: 'null', 'sec-fetch-site': 'cross-site' }],
      ['wrong token', { ...fields, csrf: 'x'.repeat(43) }, {}],
      ["another session's token", { ...fields, csrf: strangerFields.csrf! }, {}],
      ['no token', { action_id: fields.action_id! }, {}],
    ];
    for (const [name, form, headers] of attempts) {
      const res = await client.post('/portal/cancel', form, headers);
      expect(res.status, name).toBe(name === 'no token' ? 400 : 403);
      expect(res.headers['content-type'], name).toMatch(/^text\/html/);
    }
    expect((await subscriptionOf('x-csrf')).version).toBe(sub.version);
    expect(await portalEvents(sub.id)).toEqual([]);

    // Origin: null (Referrer-Policy: no-referrer) is accepted only with Sec-Fetch-Site: same-origin.
    const ok = await client.post('/portal/cancel', fields, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect((await subscriptionOf('x-csrf')).cancel_at_period_end).toBe(true);
  });

  it('refuses ids and fields the session does not own: unknown form fields, other projects\' plans, others\' payments', async () => {
    const { client } = await open('x-authz');
    await onPaidPlan('x-authz');
    const page = await client.get('/portal/cancel');
    const fields = formFields(page.text, '/portal/cancel');
    const victim = await endUser('x-csrf');
    const extra = await client.post('/portal/cancel', { ...fields, end_user_id: victim.id });
    expect(extra.status).toBe(400);

    const foreignPlan = other.plans.pro!.id;
    expect((await client.get(`/portal/plans/${foreignPlan}`)).status).toBe(404);
    const confirm = await client.get(`/portal/plans/${project.plans.business!.id}`);
    const changeFields = formFields(confirm.text, `/portal/plans/${project.plans.business!.id}`);
    const foreign = await client.post(`/portal/plans/${foreignPlan}`, changeFields);
    expect(foreign.status).toBe(404);
    expect(await t.database.db.selectFrom('payments').select('id').where('plan_id', '=', foreignPlan).execute()).toEqual([]);

    // Another end user's payment, in the same project.
    const { client: payer } = await open('x-payer');
    const payerConfirm = await payer.get(`/portal/plans/${project.plans.pro!.id}`);
    const started = await payer.post(`/portal/plans/${project.plans.pro!.id}`, formFields(payerConfirm.text, `/portal/plans/${project.plans.pro!.id}`));
    const payment = await startedPayment(started);
    const paymentId = payment.id;
    expect((await payer.get(`/portal/payments/${paymentId}`)).status).toBe(200);
    for (const path of [`/portal/payments/${paymentId}`, `/portal/payments/${paymentId}/status`, `/portal/payments/return?order_id=${payment.order_id}`]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('150,000');
    }
  });
});

describe('the free default plan', () => {
  it('offers no cancel, sends the cancel page back to the overview, and answers a forged cancel with the reason', async () => {
    const { client } = await open('x-free-cancel');
    const overview = await client.get('/portal');
    expect(overview.text).toContain('Free');
    expect(overview.text).not.toContain('href="/portal/cancel"');
    const page = await client.get('/portal/cancel');
    expect([page.status, page.location]).toEqual([303, '/portal']);
    const sub = await subscriptionOf('x-free-cancel');
    // A form built by hand (the page offers none) with this session's CSRF token.
    const csrf = /name="csrf" value="([^"]+)"/.exec((await client.get('/portal/plans')).text)?.[1];
    const forged = await client.post('/portal/cancel', { csrf: csrf ?? '', action_id: 'a'.repeat(22), reason: 'other' });
    expect(forged.status).toBe(422);
    expect(forged.text).toContain('nothing to cancel');
    expect(await subscriptionOf('x-free-cancel')).toEqual(sub);
  });
});

describe('double submits change things once', () => {
  it('cancels once when the same form is sent twice, even concurrently', async () => {
    const { client } = await open('x-double-cancel');
    await onPaidPlan('x-double-cancel');
    const fields = { ...formFields((await client.get('/portal/cancel')).text, '/portal/cancel'), reason: 'not_using' };
    const sub = await subscriptionOf('x-double-cancel');
    const results = await Promise.all([client.post('/portal/cancel', fields), client.post('/portal/cancel', fields)]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const again = await client.post('/portal/cancel', fields);
    expect(again.status).toBe(303);
    expect(await portalEvents(sub.id)).toHaveLength(1);
  });

  it('schedules a downgrade once, with one event, when the confirmation is double-submitted', async () => {
    const { changePlan } = await import('../../src/modules/subscriptions/change-plan.ts');
    const { client } = await open('x-double-down');
    const user = await endUser('x-double-down');
    const up = await changePlan(t.deps, { projectId: project.id, endUserId: user.id, planId: project.plans.business!.id, source: 'api' });
    expect(up.outcome).toBe('payment_required');
    if (up.outcome !== 'payment_required') return;
    const settled = await http(t.simulator.url, 'POST', `/__simulator/transactions/${up.payment.order_id}/transition`, {
      body: { transaction_status: 'settlement', payment_type: 'qris' },
      headers: t.simulator.controlHeaders,
    });
    expect(settled.status, settled.text).toBe(200);
    await t.simulator.deliveriesSettled();

    const target = project.plans.pro!.id;
    const confirm = await client.get(`/portal/plans/${target}`);
    expect(confirm.text).toContain('Nothing is charged now.');
    const fields = formFields(confirm.text, `/portal/plans/${target}`);
    const results = await Promise.all([client.post(`/portal/plans/${target}`, fields), client.post(`/portal/plans/${target}`, fields)]);
    expect(results.map((r) => r.location)).toEqual(['/portal?notice=downgrade_scheduled', '/portal?notice=downgrade_scheduled']);
    const sub = await subscriptionOf('x-double-down');
    expect(sub.scheduled_plan_id).toBe(target);
    expect(await portalEvents(sub.id)).toHaveLength(1);

    // Withdraw, twice: once.
    const overview = await client.get('/portal');
    const withdraw = formFields(overview.text, '/portal/scheduled-change/withdraw');
    await Promise.all([client.post('/portal/scheduled-change/withdraw', withdraw), client.post('/portal/scheduled-change/withdraw', withdraw)]);
    expect(await portalEvents(sub.id)).toHaveLength(2);
    expect((await subscriptionOf('x-double-down')).scheduled_plan_id).toBeNull();
  });

  it('creates one payment when "Continue to payment" is double-submitted', async () => {
    const { client } = await open('x-double-pay');
    const target = project.plans.pro!.id;
    const confirm = await client.get(`/portal/plans/${target}`);
    // The confirm page may lead straight to the gateway's page: its CSP allows that origin, and only there.
    expect(confirm.headers['content-security-policy']).toMatch(new RegExp(`form-action 'self'[^;]* ${t.simulator.url.replace(/[.]/g, '\\.')}(;| )`));
    expect((await client.get('/portal')).headers['content-security-policy']).not.toContain(t.simulator.url);
    const fields = formFields(confirm.text, `/portal/plans/${target}`);
    const results = await Promise.all([client.post(`/portal/plans/${target}`, fields), client.post(`/portal/plans/${target}`, fields)]);
    const user = await endUser('x-double-pay');
    const payments = await t.database.db.selectFrom('payments').select('id').where('end_user_id', '=', user.id).execute();
    expect(payments).toHaveLength(1);
    // Both answers lead to the one payment's page on the gateway.
    const payment = await t.database.db.selectFrom('payments').selectAll().where('id', '=', payments[0]!.id).executeTakeFirstOrThrow();
    expect(results.map((r) => r.location)).toEqual([payment.redirect_url, payment.redirect_url]);
  });
});

describe('payments: the return page and the history', () => {
  it('shows a failed payment as failed, whatever the query string claims', async () => {
    const { client } = await open('x-denied');
    const target = project.plans.pro!.id;
    const started = await client.post(`/portal/plans/${target}`, formFields((await client.get(`/portal/plans/${target}`)).text, `/portal/plans/${target}`));
    const payment = await startedPayment(started);
    const paymentId = payment.id;
    const ready = await client.get(`/portal/payments/${paymentId}`);
    expect(ready.text).toContain('<h1>Ready to pay</h1>');
    expect(ready.text).toContain(`href="${payment.redirect_url}"`);

    // The card is denied, and the notification is lost: only the status API knows.
    const denied = await http(t.simulator.url, 'POST', `/__simulator/transactions/${payment.order_id}/transition`, {
      body: { transaction_status: 'deny', payment_type: 'credit_card', notify: false },
      headers: t.simulator.controlHeaders,
    });
    expect(denied.status, denied.text).toBe(200);
    const back = await client.get(`/portal/payments/return?merchant_id=G1&order_id=${payment.order_id}&status_code=200&transaction_status=settlement`);
    expect(back.status).toBe(303);
    expect(back.location).toBe(`/portal/payments/${paymentId}`);
    const shown = await client.get(back.location!);
    expect(shown.text).toContain('<h1>Payment failed</h1>');
    expect(shown.text).toContain('no money was taken');
    expect((await subscriptionOf('x-denied')).plan_id).toBe(project.plans.free!.id);
    const status = await client.get(`/portal/payments/${paymentId}/status`);
    expect(JSON.parse(status.text)).toEqual({ status: 'failed', phase: 'failed' });
  });

  it('lists payments newest first, ten to a page', async () => {
    const { client } = await open('x-history');
    const user = await endUser('x-history');
    const sub = await subscriptionOf('x-history');
    const base = t.clock.now().getTime();
    const statuses = ['paid', 'failed', 'expired', 'refunded'] as const;
    for (let i = 0; i < 12; i++) {
      await t.database.db
        .insertInto('payments')
        .values({
          id: `pay_history_${String(i).padStart(2, '0')}`,
          project_id: project.id,
          subscription_id: sub.id,
          end_user_id: user.id,
          purpose: 'renewal',
          plan_id: project.plans.pro!.id,
          description: 'Pro renewal',
          amount: 150_000 + i,
          currency: 'IDR',
          item_details: '[]',
          status: statuses[i % 4]!,
          order_id: `pay_history_${i}`,
          gateway: 'midtrans',
          payment_method: 'gopay',
          expires_at: new Date(base + 86_400_000),
          created_at: new Date(base - (12 - i) * 86_400_000),
          updated_at: new Date(base),
        })
        .execute();
    }
    const first = await client.get('/portal/payments');
    const amounts = [...first.text.matchAll(/IDR 150,0(\d\d)/g)].map((m) => Number(m[1]));
    expect(amounts).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    expect(first.text).toContain('Pro renewal');
    for (const label of ['Paid', 'Failed', 'Expired', 'Refunded']) expect(first.text).toContain(`</svg>${label}</span>`);
    expect(first.text).toContain('href="/portal/payments?page=2" rel="next">Older payments</a>');
    const second = await client.get('/portal/payments?page=2');
    expect([...second.text.matchAll(/IDR 150,0(\d\d)/g)].map((m) => Number(m[1]))).toEqual([1, 0]);
    expect(second.text).toContain('href="/portal/payments" rel="prev">Newer payments</a>');
    expect(second.text).not.toContain('Older payments');
  });
});

describe('languages', () => {
  it("uses the session's locale, then Accept-Language, then English", async () => {
    const session = await open('x-lang-id', { locale: 'id' });
    const id = await session.client.get('/portal/plans', { 'accept-language': 'en-US' });
    expect(id.text).toContain('<html lang="id">');
    expect(id.text).toContain('Rp150.000');
    expect(id.text).toContain('Tingkatkan ke Pro');

    const browser = await open('x-lang-header');
    const fromHeader = await browser.client.get('/portal/plans', { 'accept-language': 'fr-FR, id;q=0.8, en;q=0.5' });
    expect(fromHeader.text).toContain('<html lang="id">');
    const english = await browser.client.get('/portal/plans', { 'accept-language': 'de-DE' });
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('IDR 150,000');

    const errorPage = await new PortalClient(t.url, t.deps.config.publicUrl).get('/portal?session=nope', { 'accept-language': 'id' });
    expect(errorPage.text).toContain('Tautan ini tidak valid');
  });
});

describe('admin API: theme contrast warnings', () => {
  it('warns about colours below WCAG AA and says what the portal shows instead', async () => {
    const res = await http(t.url, 'POST', '/api/admin/projects', {
      admin: true,
      body: { name: 'Low contrast', redirect_uris: [APP], theme_config: { colors: { text: '#999999', background: '#ffffff', primary: '#ffff00' } } },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.theme_config.colors.text).toBe('#999999');
    expect(res.body.warnings).toHaveLength(2);
    expect(res.body.warnings[0]).toMatch(/^theme_config\.colors\.text \(#999999\), used for text, has a contrast of 2\.84:1 on theme_config\.colors\.background \(#ffffff\), below WCAG AA \(4\.5:1\); the portal shows #[0-9a-f]{6} instead$/);
    expect(res.body.warnings[1]).toMatch(/^theme_config\.colors\.primary \(#ffff00\), used for links/);

    const fixed = await http(t.url, 'PATCH', `/api/admin/projects/${res.body.id}`, { admin: true, body: { theme_config: { colors: { text: '#333333' } } } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.warnings).toBeUndefined();
  });
});

describe('hostile input on portal routes', () => {
  it('HEAD of a portal link answers without spending the token; the GET after it still opens the portal', async () => {
    const minted = await createSession(t.url, project, 'x-head');
    const client = new PortalClient(t.url, t.deps.config.publicUrl);
    const head = await client.send('HEAD', client.toListener(minted.body.portal_url), {});
    expect(head.status).toBeLessThan(300);
    expect(head.setCookies).toEqual([]);
    const get = await client.get(minted.body.portal_url);
    expect(get.status).toBe(303);
    expect(get.location).toBe('/portal');
    expect((await client.get('/portal')).status).toBe(200);
  });

  it('a NUL in a portal path or query is a 400 page, not a database 500', async () => {
    const { client } = await open('x-nul');
    for (const path of ['/portal/payments/%00', '/portal/payments/return?order_id=%00', '/portal/plans/a%00b', '/portal/payments/x%00/status', '/portal?notice=%00']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(400);
      expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
    }
  });

  it('prototype keys find nothing: ?notice=constructor prints no notice, font_family "constructor" no native code', async () => {
    const themed = await createProject(t.url, { name: 'Proto', theme: { font_family: 'constructor' } });
    const { client } = await open('x-proto', {}, '', themed);
    for (const notice of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const page = await client.get(`/portal?notice=${notice}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('[native code]');
      expect(page.text).not.toContain('[object Object]');
    }
    // A font nobody named a stack after is quoted as a family name.
    expect((await client.get('/portal')).text).toContain('--font:"constructor", system-ui');
  });

  it('reloading the return URL calls the gateway at most three times per payment in ten seconds', async () => {
    const { client } = await open('x-return-throttle');
    const target = project.plans.pro!.id;
    const started = await client.post(`/portal/plans/${target}`, formFields((await client.get(`/portal/plans/${target}`)).text, `/portal/plans/${target}`));
    const payment = await startedPayment(started);
    const spy = vi.spyOn(t.deps.gateway, 'getStatus');
    try {
      for (let i = 0; i < 8; i++) {
        const back = await client.get(`/portal/payments/return?order_id=${payment.order_id}`);
        expect(back.status).toBe(303);
      }
      await client.get(`/portal/payments/${payment.id}`);
      await client.get(`/portal/payments/${payment.id}/status`);
      expect(spy.mock.calls.filter(([orderId]) => orderId === payment.order_id)).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('a link for someone else while a session is open', () => {
  it('asks first, naming both accounts; a POST with the session-bound token switches and ends the old session', async () => {
    const { client } = await open('x-victim', { name: 'Vera Victim', email: 'vera@example.com' });
    const minted = await createSession(t.url, other, 'x-sender', { name: 'Sam Sender', email: 'sam@example.com' });
    const link = client.toListener(minted.body.portal_url);

    const asked = await client.get(link);
    expect(asked.status).toBe(200);
    expect(asked.setCookies).toEqual([]);
    expect(asked.text).toContain('<h1>Open a different account?</h1>');
    expect(asked.text).toMatch(/id="switch-incoming">Sam Sender \(sam@example\.com, id x-sender\), at Other project</);
    expect(asked.text).toMatch(/id="switch-current">Vera Victim \(vera@example\.com, id x-victim\), at Acme &lt;Notes&gt; &amp; &quot;Co&quot;</);
    // Still the victim's portal: nothing was exchanged.
    expect((await client.get('/portal')).text).toContain('Acme &lt;Notes&gt;');
    const oldCookie = client.jar.get('langgan_portal');

    const form = formFields(asked.text, '/portal/switch');
    expect((await client.post('/portal/switch', { ...form, csrf: 'forged' })).status).toBe(403);
    expect((await client.post('/portal/switch', form, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);

    const switched = await client.post('/portal/switch', form);
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/portal');
    expect(client.jar.get('langgan_portal')).not.toBe(oldCookie);
    expect((await client.get('/portal')).text).toContain('Other project');
    // The victim's session is over, not merely forgotten by this browser.
    const stale = new PortalClient(t.url, t.deps.config.publicUrl);
    stale.jar.set('langgan_portal', oldCookie!);
    expect((await stale.get('/portal')).status).not.toBe(200);
  });

  it('speaks Bahasa Indonesia for an Indonesian session', async () => {
    const { client } = await open('x-victim-id', { locale: 'id' });
    const minted = await createSession(t.url, project, 'x-sender-id');
    const asked = await client.get(client.toListener(minted.body.portal_url));
    expect(asked.text).toContain('<h1>Buka akun lain?</h1>');
    expect(asked.text).toContain('Lanjutkan ke akun lain');
  });

  it('a fresh link for the same end user, or any link with no live session, opens directly', async () => {
    const { client } = await open('x-same');
    const again = await createSession(t.url, project, 'x-same');
    expect((await client.get(client.toListener(again.body.portal_url))).status).toBe(303);
    const fresh = new PortalClient(t.url, t.deps.config.publicUrl);
    expect((await fresh.get((await createSession(t.url, other, 'x-fresh')).body.portal_url)).status).toBe(303);
  });
});
