import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/modules/accounts/totp.ts';
import { EMAIL_TYPES } from '../../src/modules/projects/projects.schemas.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { formFields, PortalClient } from '../portal/support/portal-client.ts';

/**
 * The dashboard over real HTTP: sign-in and its limits, sessions, CSRF, roles checked on the
 * server for every page and POST, settings through the admin API's schema, keys, members.
 */

let t: TestApp;
let project: TestProject;
let other: TestProject;
const PASSWORD = 'correct horse battery staple';
const people: Record<string, { id: string; email: string }> = {};

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Acme Notes', plans: [] });
  other = await createProject(t.url, { name: 'Someone Else', plans: [] });
  for (const role of ['owner', 'admin', 'finance', 'viewer'] as const) {
    const email = `${role}@example.com`;
    const res = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email, name: `The ${role}`, password: PASSWORD } });
    expect(res.status, res.text).toBe(201);
    people[role] = { id: res.body.id, email };
    expect((await http(t.url, 'POST', `/api/admin/projects/${project.id}/members`, { admin: true, body: { email, role } })).status).toBe(200);
  }
});
afterAll(() => t.close());

function browser(): PortalClient {
  return new PortalClient(t.url, t.deps.config.publicUrl);
}

async function signIn(role: string, c = browser()): Promise<PortalClient> {
  const res = await c.post('/dashboard/login', { email: people[role]!.email, password: PASSWORD, next: '/dashboard' });
  expect(res.status, res.text).toBe(303);
  return c;
}

/** A form on a page, posted as the page would (its hidden csrf and action_id, plus `fields`). */
async function submit(c: PortalClient, page: string, action: string, fields: Record<string, string | readonly string[]> = {}) {
  const html = (await c.get(page)).text;
  return c.post(action, { ...formFields(html, action), ...fields });
}

const base = () => `/dashboard/projects/${project.id}`;

describe('signing in', () => {
  it('sends a signed-out reader to the sign-in page, remembering where they were going', async () => {
    const res = await browser().get(`${base()}/settings`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/dashboard/login?next=${encodeURIComponent(`${base()}/settings`)}`);
    const page = await browser().get('/dashboard/login');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<label for="email">Email<\/label>/);
    expect(page.text).toMatch(/<label for="password">Password<\/label>/);
    expect(page.text).toContain('>Sign in</button>');
  });

  it('answers an unknown email and a wrong password with the same page; sets an HttpOnly, Path=/dashboard, SameSite=Lax cookie on success', async () => {
    const unknown = await browser().post('/dashboard/login', { email: 'nobody@example.com', password: PASSWORD, next: '/dashboard' });
    const wrong = await browser().post('/dashboard/login', { email: people.viewer!.email, password: 'not the password', next: '/dashboard' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const problem = (text: string) => /<p class="error-text" role="alert" id="sign-in-problem">([^<]*)<\/p>/.exec(text)?.[1];
    expect(problem(unknown.text)).toBeTruthy();
    expect(problem(unknown.text)).toBe(problem(wrong.text));

    const c = browser();
    const ok = await c.post('/dashboard/login', { email: people.viewer!.email.toUpperCase(), password: PASSWORD, next: `${base()}/settings` });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`${base()}/settings`);
    const cookie = ok.setCookies.find((l) => l.startsWith('langgan_dashboard='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/dashboard')).text).toContain('Acme Notes');
  });

  it('never redirects outside the dashboard after sign-in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/portal', '/dashboard\\@evil']) {
      const res = await browser().post('/dashboard/login', { email: people.viewer!.email, password: PASSWORD, next });
      expect(res.location, next).toBe('/dashboard');
    }
  });

  it('slows an account after repeated failures with a growing delay that ends by itself, and limits an IP', async () => {
    const email = people.finance!.email;
    const attempt = (password: string) => browser().post('/dashboard/login', { email, password, next: '/dashboard' });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password')).status).toBe(401);
    expect((await attempt('wrong password')).status).toBe(401); // the sixth opens a 2-second wait
    const waiting = await attempt(PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.headers['retry-after']).toBe('2');
    t.clock.advance(2_100);
    expect((await attempt('wrong password')).status).toBe(401); // the seventh: a 4-second wait
    expect((await attempt(PASSWORD)).headers['retry-after']).toBe('4');
    t.clock.advance(4_100);
    expect((await attempt(PASSWORD)).status).toBe(303); // no permanent lockout
    t.clock.advance(16 * 60_000);
  });

  it('signs out: the session ends on the server, not only in the browser', async () => {
    const c = await signIn('viewer');
    const secret = c.jar.get('langgan_dashboard')!;
    const res = await submit(c, '/dashboard', '/dashboard/logout');
    expect(res.status).toBe(200);
    expect(res.text).toContain('You have signed out.');
    const replay = browser();
    replay.jar.set('langgan_dashboard', secret);
    expect((await replay.get('/dashboard')).status).toBe(303);
  });
});

describe('two-factor sign-in over HTTP', () => {
  it('is turned on from the account page and then asked for after the password', async () => {
    const res = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'twofa@example.com', name: 'Two Factor', password: PASSWORD } });
    expect(res.status).toBe(201);
    const c = browser();
    await c.post('/dashboard/login', { email: 'twofa@example.com', password: PASSWORD, next: '/dashboard' });
    const started = await submit(c, '/dashboard/account', '/dashboard/account/2fa/start');
    expect(started.status).toBe(200);
    const secret = /<code class="secret" id="totp-secret">([A-Z2-7]+)<\/code>/.exec(started.text)![1]!;
    const confirmed = await c.post('/dashboard/account/2fa/confirm', { ...formFields(started.text, '/dashboard/account/2fa/confirm'), code: totpCodeAt(secret, t.clock.now()) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text.match(/<li>[a-z2-9]{5}-[a-z2-9]{5}<\/li>/g)).toHaveLength(10);

    t.clock.advance(31_000);
    const again = browser();
    const first = await again.post('/dashboard/login', { email: 'twofa@example.com', password: PASSWORD, next: '/dashboard/account' });
    expect(first.location).toBe(`/dashboard/login/2fa?next=${encodeURIComponent('/dashboard/account')}`);
    expect((await again.get('/dashboard')).status).toBe(303); // half signed in is not signed in
    const form = await again.get(first.location!);
    expect(form.text).toMatch(/<label for="code">Code<\/label>/);
    const done = await again.post('/dashboard/login/2fa', { ...formFields(form.text, '/dashboard/login/2fa'), code: totpCodeAt(secret, t.clock.now()) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/dashboard/account');
    expect((await again.get('/dashboard/account')).text).toContain('Two-factor sign-in');
  });
});

describe('roles, checked on the server', () => {
  it('hides another project: a non-member gets 404, as for a project that does not exist', async () => {
    const c = await signIn('owner');
    expect((await c.get(`/dashboard/projects/${other.id}`)).status).toBe(404);
    expect((await c.get('/dashboard/projects/prj_doesnotexist')).status).toBe(404);
    expect((await c.get('/dashboard')).text).not.toContain('Someone Else');
  });

  it("refuses a viewer's and a finance member's forged settings POST with 403 and changes nothing", async () => {
    for (const role of ['viewer', 'finance']) {
      const c = await signIn(role);
      const page = await c.get(`${base()}/settings`);
      expect(page.text).toContain('changing them needs the admin or owner role');
      expect(page.text).not.toContain('>Save changes</button>');
      // The form a viewer never sees, forged with the session's own valid token.
      const csrf = formFields((await c.get('/dashboard')).text, '/dashboard/logout').csrf!;
      const forged = await c.post(`${base()}/settings`, {
        csrf,
        action_id: 'forged-action-1',
        name: 'Hacked',
        default_locale: 'en',
        redirect_uris: 'https://evil.example/',
        grace_period_days: '3',
      });
      expect(forged.status).toBe(403);
      const rotate = await c.post(`${base()}/keys/rotate`, { csrf, action_id: 'forged-action-2' });
      expect(rotate.status).toBe(403);
      const invite = await c.post(`${base()}/members/invite`, { csrf, action_id: 'forged-action-3', email: 'x@example.com', name: 'X', role: 'owner' });
      expect(invite.status).toBe(403);
    }
    const row = await t.database.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(row.name).toBe('Acme Notes');
    expect(await t.database.db.selectFrom('users').select('id').where('email', '=', 'x@example.com').execute()).toEqual([]);
  });

  it('lets an admin change settings, validated by the admin API schema, shown next to the field, audited as old → new', async () => {
    const c = await signIn('admin');
    const bad = await submit(c, `${base()}/settings`, `${base()}/settings`, { name: 'Acme Notes', default_locale: 'en', redirect_uris: 'not a url\nhttps://ok.example/back', grace_period_days: '99' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="redirect_uris"[^>]*aria-describedby="redirect_uris-hint redirect_uris-error"[^>]*aria-invalid="true"/);
    expect(bad.text).toMatch(/<span class="field-error" id="redirect_uris-error">redirect_uris\.0 must be an absolute http\(s\) URL/);
    expect(bad.text).toMatch(/<span class="field-error" id="grace_period_days-error">grace_period_days must be &lt;= 60/);

    const ok = await submit(c, `${base()}/settings`, `${base()}/settings`, {
      name: 'Acme Notes',
      default_locale: 'id',
      redirect_uris: 'https://app.example.com/dashboard\nhttps://app.example.com/billing',
      grace_period_days: '5',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`${base()}/settings?saved=1`);
    const row = await t.database.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ default_locale: 'id', grace_period_days: 5, redirect_uris: ['https://app.example.com/dashboard', 'https://app.example.com/billing'] });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.updated').execute();
    expect(audit.at(-1)).toMatchObject({ actor_user_id: people.admin!.id, data: { changes: { default_locale: { old: 'en', new: 'id' }, grace_period_days: { old: 3, new: 5 } } } });
  });

  it('sets the customer email sender and reply-to and switches receipts off and on, audited; a bad address is shown next to its field', async () => {
    const c = await signIn('admin');
    const page = `${base()}/settings`;
    const settings = { name: 'Acme Notes', default_locale: 'en', redirect_uris: 'https://app.example.com/dashboard', grace_period_days: '3' };
    const allOn = [...EMAIL_TYPES];
    expect((await submit(c, page, page, { ...settings, email_types: allOn })).status).toBe(303);
    const form = (await c.get(page)).text;
    expect(form).toMatch(/<input type="checkbox" id="email_type_payment_receipt" name="email_types" value="payment_receipt" checked>/);
    expect(form).toMatch(/<input type="checkbox" id="email_type_payment_instructions" name="email_types" value="payment_instructions" checked>/);
    expect(form).toMatch(/<label for="email_sender_name">Sender name<\/label>/);

    const bad = await submit(c, page, page, { ...settings, email_types: allOn, email_reply_to: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<span class="field-error" id="email_reply_to-error">email_reply_to must be an email address/);
    expect(bad.text).toContain('value="not an address"');

    // The receipt's box left unticked: receipts off, the rest on.
    const off = await submit(c, page, page, { ...settings, email_types: allOn.filter((type) => type !== 'payment_receipt'), email_sender_name: '  Acme Billing ', email_reply_to: 'help@acme.example' });
    expect(off.status).toBe(303);
    const row = () => t.database.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ email_sender_name: 'Acme Billing', email_reply_to: 'help@acme.example', email_disabled_types: ['payment_receipt'] });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.updated').execute();
    expect(audit.at(-1)!.data).toMatchObject({ changes: { email_sender_name: { old: null, new: 'Acme Billing' }, email_disabled_types: { old: [], new: ['payment_receipt'] } } });
    expect((await c.get(page)).text).toMatch(/<input type="checkbox" id="email_type_payment_receipt" name="email_types" value="payment_receipt">/);

    const on = await submit(c, page, page, { ...settings, email_types: allOn, email_sender_name: '', email_reply_to: '' });
    expect(on.status).toBe(303);
    expect(await row()).toMatchObject({ email_sender_name: null, email_reply_to: null, email_disabled_types: [] });

    // The renewal reminder's days: the form shows the project's, refuses more than 7 next to the field, saves and audits 0–7.
    expect((await c.get(page)).text).toMatch(/<input type="number" id="renewal_reminder_days" name="renewal_reminder_days" aria-describedby="renewal_reminder_days-hint" min="0" max="7" value="3">/);
    const tooMany = await submit(c, page, page, { ...settings, email_types: allOn, renewal_reminder_days: '10' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/<span class="field-error" id="renewal_reminder_days-error">renewal_reminder_days must be &lt;= 7/);
    expect((await submit(c, page, page, { ...settings, email_types: allOn, renewal_reminder_days: '5' })).status).toBe(303);
    expect(await row()).toMatchObject({ renewal_reminder_days: 5 });
    const reminded = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.updated').execute();
    expect(reminded.at(-1)!.data).toMatchObject({ changes: { renewal_reminder_days: { old: 3, new: 5 } } });
  });

  it('turns the hosted login page on and renames its address; a taken or malformed name is shown next to its field', async () => {
    const c = await signIn('admin');
    const page = `${base()}/settings`;
    const settings = { name: 'Acme Notes', default_locale: 'en', redirect_uris: 'https://app.example.com/dashboard', grace_period_days: '3' };
    const form = (await c.get(page)).text;
    expect(form).toMatch(/<label for="hosted_login_enabled">Customers can sign in by email<\/label>/);
    expect(form).toMatch(/<input type="checkbox" id="hosted_login_enabled" name="hosted_login_enabled" value="on" aria-describedby="hosted_login_enabled-hint">/);

    const otherSlug = (await t.database.db.selectFrom('projects').select('slug').where('id', '=', other.id).executeTakeFirstOrThrow()).slug;
    const taken = await submit(c, page, page, { ...settings, slug: otherSlug, hosted_login_enabled: 'on' });
    expect(taken.status).toBe(400);
    expect(taken.text).toMatch(/<span class="field-error" id="slug-error">Another project already uses this address name/);
    const bad = await submit(c, page, page, { ...settings, slug: '-no-' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<span class="field-error" id="slug-error">slug must be 3–40 lower-case letters/);

    const ok = await submit(c, page, page, { ...settings, slug: ' Acme-Notes ', hosted_login_enabled: 'on' });
    expect(ok.status).toBe(303);
    const row = await t.database.db.selectFrom('projects').select(['slug', 'hosted_login_enabled']).where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ slug: 'acme-notes', hosted_login_enabled: true });
    expect((await c.get(page)).text).toContain('/portal/login?project=acme-notes');
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.updated').execute();
    expect(audit.at(-1)!.data).toMatchObject({ changes: { hosted_login_enabled: { old: false, new: true } } });

    // A viewer cannot: the forged POST is refused and changes nothing.
    const viewer = await signIn('viewer');
    const forged = await viewer.post(page, { ...formFields((await viewer.get(page)).text, page), ...settings, slug: 'hijacked', login_settings: '1' });
    expect(forged.status).toBe(403);
    expect((await t.database.db.selectFrom('projects').select('slug').where('id', '=', project.id).executeTakeFirstOrThrow()).slug).toBe('acme-notes');
  });

  it('refuses a POST without the session token, or from another origin, with 403', async () => {
    const c = await signIn('admin');
    const fields = { action_id: 'a1', name: 'X', default_locale: 'en', redirect_uris: '', grace_period_days: '3' };
    expect((await c.post(`${base()}/settings`, { ...fields, csrf: 'nope' })).status).toBe(403);
    const csrf = formFields((await c.get('/dashboard')).text, '/dashboard/logout').csrf!;
    expect((await c.post(`${base()}/settings`, { ...fields, csrf }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});

describe('plans', () => {
  it('creates, edits, reorders, archives and sets the default through the admin API rules, each audited; a viewer cannot', async () => {
    const c = await signIn('admin');
    const plans = `${base()}/plans`;
    const bad = await submit(c, `${plans}/new`, `${plans}/new`, { code: 'Not Valid', name: 'Pro', price: '12.5', interval: 'month', description: '', features: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="code-error">code must be 1-40 lowercase letters/);
    expect(bad.text).toMatch(/id="price-error">price must be an integer/);
    for (const [code, name, price] of [['free', 'Free', '0'], ['pro', 'Pro', '150000'], ['team', 'Team', '450000']] as const) {
      const ok = await submit(c, `${plans}/new`, `${plans}/new`, { code, name, price, interval: 'month', description: '', features: 'Sync\nSupport' });
      expect(ok.status, ok.text).toBe(303);
    }
    const taken = await submit(c, `${plans}/new`, `${plans}/new`, { code: 'pro', name: 'Pro again', price: '1', interval: 'month', description: '', features: '' });
    expect(taken.status).toBe(409);
    expect(taken.text).toMatch(/id="code-error">code &quot;pro&quot; is already used/);

    const ids = Object.fromEntries(
      (await t.database.db.selectFrom('plans').select(['id', 'code']).where('project_id', '=', project.id).execute()).map((p) => [p.code, p.id]),
    );
    const edited = await submit(c, `${plans}/${ids.pro}`, `${plans}/${ids.pro}`, { name: 'Pro', description: 'For growing teams', features: 'Sync\nSupport\nSSO' });
    expect(edited.status).toBe(303);
    expect((await http(t.url, 'GET', '/api/platform/plans', { basic: project.creds })).body.data.find((p: { code: string }) => p.code === 'pro')).toMatchObject({
      description: 'For growing teams',
      features: ['Sync', 'Support', 'SSO'],
    });
    expect((await submit(c, plans, `${plans}/${ids.team}/up`)).status).toBe(303);
    expect((await submit(c, plans, `${plans}/${ids.free}/default`)).status).toBe(303);
    expect((await submit(c, plans, `${plans}/${ids.pro}/archive`)).status).toBe(303);
    const after = await http(t.url, 'GET', '/api/platform/plans', { basic: project.creds });
    expect(after.body.data.map((p: { code: string; is_default: boolean }) => [p.code, p.is_default])).toEqual([
      ['free', true],
      ['team', false],
    ]);
    const list = await c.get(plans);
    expect(list.text).toContain('Archived');
    const actions = (await t.database.db.selectFrom('audit_log').select('action').where('project_id', '=', project.id).where('action', 'like', 'plan.%').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['plan.created', 'plan.updated', 'plan.up', 'plan.default', 'plan.archive']));

    const viewer = await signIn('viewer');
    expect((await viewer.get(plans)).text).not.toContain('New plan');
    expect((await viewer.get(`${plans}/new`)).status).toBe(403);
    const csrf = formFields((await viewer.get('/dashboard')).text, '/dashboard/logout').csrf!;
    expect((await viewer.post(`${plans}/${ids.team}/archive`, { csrf, action_id: 'forged-archive' })).status).toBe(403);
    expect((await viewer.post(`${plans}/new`, { csrf, action_id: 'forged-new', code: 'x', name: 'X', price: '0', interval: 'month', description: '', features: '' })).status).toBe(403);
    expect((await t.database.db.selectFrom('plans').select('archived_at').where('id', '=', ids.team!).executeTakeFirstOrThrow()).archived_at).toBeNull();
  });
});

describe('API keys', () => {
  it('rotates the client secret: shown once in the answer, the old one stops at once', async () => {
    const c = await signIn('admin');
    expect((await createSession(t.url, project, 'before-rotation')).status).toBe(200);
    const res = await submit(c, `${base()}/keys`, `${base()}/keys/rotate`);
    expect(res.status).toBe(200);
    const secret = /<code class="secret" id="client-secret">(lgs_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)![1]!;
    expect(res.text).toContain('It will not be shown again.');
    expect((await createSession(t.url, project, 'after-rotation')).status).toBe(401);
    expect((await createSession(t.url, { ...project, clientSecret: secret }, 'after-rotation')).status).toBe(200);
    project = { ...project, clientSecret: secret, creds: { clientId: project.clientId, clientSecret: secret } };
    expect((await c.get(`${base()}/keys`)).text).not.toContain(secret);
  });
});

describe('members', () => {
  it('owners invite by link, change roles and remove; the last owner stays', async () => {
    const c = await signIn('owner');
    const invited = await submit(c, `${base()}/members`, `${base()}/members/invite`, { email: 'newcomer@example.com', name: 'New Comer', role: 'finance' });
    expect(invited.status).toBe(200);
    const link = /<code class="secret" id="invitation-url">([^<]+)<\/code>/.exec(invited.text)![1]!.replaceAll('&amp;', '&');
    const token = new URL(link).searchParams.get('token')!;
    const newcomer = browser();
    expect((await newcomer.get(`/dashboard/invitation?token=${token}`)).text).toContain('newcomer@example.com');
    const accepted = await newcomer.post('/dashboard/invitation', { token, password: 'a fine new password' });
    expect(accepted.status).toBe(303);
    expect((await newcomer.get('/dashboard')).text).toContain('Acme Notes');

    const page = await c.get(`${base()}/members`);
    const demoteSelf = await c.post(`${base()}/members/${people.owner!.id}/role`, { ...formFields(page.text, `${base()}/members/${people.owner!.id}/role`), role: 'viewer' });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.text).toContain('at least one owner');
    const newcomerId = (await t.database.db.selectFrom('users').select('id').where('email', '=', 'newcomer@example.com').executeTakeFirstOrThrow()).id;
    const removed = await submit(c, `${base()}/members`, `${base()}/members/${newcomerId}/remove`);
    expect(removed.status).toBe(303);
    expect((await newcomer.get(base())).status).toBe(404);
  });
});

describe('your account', () => {
  it('changing the password signs out the other devices', async () => {
    const laptop = await signIn('finance');
    const phone = await signIn('finance');
    const res = await submit(laptop, '/dashboard/account', '/dashboard/account/password', { current_password: PASSWORD, new_password: 'finance has a new passphrase' });
    expect(res.status).toBe(303);
    expect((await laptop.get(res.location!)).text).toMatch(/Password changed\. \d+ other sessions? (was|were) signed out\./);
    expect((await phone.get('/dashboard')).status).toBe(303);
    expect((await laptop.get('/dashboard')).status).toBe(200);
  });
});
