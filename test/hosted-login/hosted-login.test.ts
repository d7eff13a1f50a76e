import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverEmails } from '../../src/modules/email/deliver-emails.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { purgeExpired } from '../../src/modules/retention/purge-expired.ts';
import type { MailCatcher } from '../../src/mail-catcher/index.ts';
import type { TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { PortalClient } from '../portal/support/portal-client.ts';
import { startMailApp, type MailWorld } from '../support/mail.ts';

/**
 * The hosted login page over real HTTP, with a real SMTP server (the mail catcher): a
 * customer signs in with the code from the email; the answer never says whether an address
 * has an account; codes die after ten minutes, five wrong tries, one use or a newer code;
 * several accounts sharing an address get a picker; the limits answer 429.
 */
let mail: MailWorld;
let catcher: MailCatcher;
let t: TestApp;
let project: TestProject;
let other: TestProject;
const SLUG = 'kopi-cloud';

beforeAll(async () => {
  mail = await startMailApp();
  ({ catcher, t } = mail);
  project = await createProject(t.url, { name: 'Kopi Cloud', redirectUris: ['https://app.kopi.example/account', 'https://app.kopi.example/other'] });
  other = await createProject(t.url, { name: 'Other Co' });
  const on = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { slug: SLUG, hosted_login_enabled: true } });
  expect(on.status, on.text).toBe(200);
  for (const [id, extra] of [
    ['solo', { email: 'Solo@Example.com', name: 'Solo Sari' }],
    ['twin-a', { email: 'shared@example.com', name: 'Twin Work' }],
    ['twin-b', { email: 'SHARED@example.com', name: 'Twin Home' }],
    ['no-email', {}],
  ] as const) {
    const res = await createSession(t.url, project, id, extra);
    expect(res.status, res.text).toBe(200);
  }
});
afterAll(async () => {
  await mail?.close();
});
beforeEach(() => {
  catcher.clear();
  // Every request comes from 127.0.0.1: each test starts with fresh limit windows.
  t.clock.advance(61 * 60_000);
});

function client(): PortalClient {
  return new PortalClient(t.url, t.deps.config.publicUrl);
}

/** Asks for a code as the page's form does, and waits until the outbox is delivered. */
async function requestCode(c: PortalClient, email: string, extra: Record<string, string> = {}) {
  const res = await c.post('/portal/login', { project: SLUG, lang: 'en', email, ...extra });
  await outboxDelivered();
  return res;
}

/** The code is sent in the background right after the answer: wait (bounded) until nothing is left to send. */
async function outboxDelivered(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await deliverEmails(t.deps);
    const open = await t.database.db.selectFrom('email_outbox').select('id').where('status', 'in', ['pending', 'sending']).execute();
    if (open.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the outbox was not delivered within 5 seconds');
}

function lastCode(to: string): { code: string; link: string } {
  const mail = catcher.messages().find((m) => m.to.some((a) => a.toLowerCase() === to.toLowerCase()));
  expect(mail, `an email to ${to}`).toBeDefined();
  const code = /\b(\d{6})\b/.exec(mail!.text)?.[1];
  const link = /(http:\/\/\S+\/portal\/login\/link\?token=[A-Za-z0-9_-]+)/.exec(mail!.text)?.[1];
  expect(code).toBeDefined();
  expect(link).toBeDefined();
  return { code: code!, link: link! };
}

/** Whose portal session the client's cookie holds (its secret, hashed, is the session's key), and that the portal opens. */
async function signedInAs(c: PortalClient): Promise<string> {
  const page = await c.get('/portal');
  expect(page.status, page.text.slice(0, 300)).toBe(200);
  const row = await t.database.db
    .selectFrom('portal_sessions')
    .innerJoin('end_users', 'end_users.id', 'portal_sessions.end_user_id')
    .select(['end_users.external_id', 'portal_sessions.redirect_uri'])
    .where('portal_sessions.secret_hash', '=', sha256(c.jar.get('langgan_portal')!))
    .executeTakeFirstOrThrow();
  expect(row.redirect_uri).toBe('https://app.kopi.example/account');
  return row.external_id;
}

describe('the project slug and switch', () => {
  it('a new project gets a slug from its name; a taken or malformed slug is refused by name', async () => {
    const created = await http(t.url, 'POST', '/api/admin/projects', { admin: true, body: { name: 'Toko Buku Ceria!', redirect_uris: ['https://toko.example/'] } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.slug).toBe('toko-buku-ceria');
    expect(created.body.hosted_login_enabled).toBe(false);
    const again = await http(t.url, 'POST', '/api/admin/projects', { admin: true, body: { name: 'Toko Buku Ceria', redirect_uris: ['https://toko.example/'] } });
    expect(again.body.slug).toMatch(/^toko-buku-ceria-[a-z0-9]{6}$/);

    const taken = await http(t.url, 'PATCH', `/api/admin/projects/${other.id}`, { admin: true, body: { slug: SLUG } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('slug_taken');
    const takenOnCreate = await http(t.url, 'POST', '/api/admin/projects', { admin: true, body: { name: 'X', slug: SLUG, redirect_uris: ['https://x.example/'] } });
    expect(takenOnCreate.status).toBe(409);
    const bad = await http(t.url, 'PATCH', `/api/admin/projects/${other.id}`, { admin: true, body: { slug: 'Has Spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('slug');
  });

  it('off, unknown or missing: one identical 404 page that names nothing', async () => {
    const c = client();
    const off = await c.get(`/portal/login?project=${await slugOf(other.id)}`);
    const unknown = await c.get('/portal/login?project=no-such-project');
    const missing = await c.get('/portal/login');
    for (const res of [off, unknown, missing]) expect(res.status).toBe(404);
    expect(off.text).toBe(unknown.text);
    expect(missing.text).toBe(unknown.text);
    expect(off.text).toContain('Sign-in is not available here');
    expect(off.text).not.toContain('Other Co');
    const posted = await c.post('/portal/login', { project: await slugOf(other.id), email: 'a@example.com' });
    expect(posted.status).toBe(404);
  });
});

async function slugOf(projectId: string): Promise<string> {
  const row = await t.database.db.selectFrom('projects').select('slug').where('id', '=', projectId).executeTakeFirstOrThrow();
  return row.slug;
}

describe('asking for a code', () => {
  it('the page is themed, in the asked language, with an Email field', async () => {
    const page = await client().get(`/portal/login?project=${SLUG}&lang=id`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="id"');
    expect(page.text).toContain('Masuk ke tagihan');
    expect(page.text).toContain('<label for="email">Email</label>');
    expect(page.text).toContain('Kopi Cloud');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('answers the same whether or not the address has an account, and emails only a customer', async () => {
    const known = await requestCode(client(), 'solo@example.com');
    const unknown = await requestCode(client(), 'nobody@example.com');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.text.replaceAll('solo@example.com', 'X')).toBe(unknown.text.replaceAll('nobody@example.com', 'X'));
    expect(known.text).toContain("If that address has an account with Kopi Cloud, we&#39;ve sent a code");
    expect(catcher.messages().map((m) => m.to.map((a) => a.toLowerCase()))).toEqual([['solo@example.com']]);
    const [mail] = catcher.messages();
    expect(mail!.subject).toBe('Your sign-in code for Kopi Cloud');
    expect(mail!.text).toContain('Hi Solo Sari,');
  });

  it('a malformed address is answered on the form, naming the problem', async () => {
    const res = await client().post('/portal/login', { project: SLUG, email: 'not-an-address' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an email address');
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('a cross-site form post is refused before anything is sent', async () => {
    const res = await client().post('/portal/login', { project: SLUG, email: 'solo@example.com' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    await outboxDelivered();
    expect(catcher.messages()).toEqual([]);
  });
});

describe('signing in', () => {
  it('the code from the email opens the portal for that customer, with Back to app to the first registered URI', async () => {
    const c = client();
    await requestCode(c, 'solo@example.com');
    const { code } = lastCode('solo@example.com');
    const res = await c.post('/portal/login/code', { project: SLUG, email: 'SOLO@example.com', code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(res.status, res.text.slice(0, 500)).toBe(303);
    expect(res.location).toBe('/portal');
    expect(res.setCookies.join('\n')).toMatch(/langgan_portal=[^;]+;.*Path=\/portal;.*HttpOnly/i);
    expect(await signedInAs(c)).toBe('solo');

    const reused = await client().post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code });
    expect(reused.status).toBe(422);
    expect(reused.text).toContain('This code has expired, was used already');
  });

  it('five wrong codes lock the code: the right one no longer works', async () => {
    const c = client();
    await requestCode(c, 'solo@example.com');
    const { code } = lastCode('solo@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 0; left--) {
      const res = await c.post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code: wrong });
      expect(res.status).toBe(422);
      expect(res.text).toContain(left > 0 ? `You can try ${left} more time` : 'tried too many times');
    }
    const right = await c.post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code });
    expect(right.status).toBe(422);
    expect(right.text).toContain('This code has expired');
    expect(right.setCookies.join()).not.toContain('langgan_portal=');
  });

  it('a new code replaces the old one, and a code dies after ten minutes', async () => {
    const c = client();
    await requestCode(c, 'solo@example.com');
    const first = lastCode('solo@example.com');
    catcher.clear();
    await requestCode(c, 'solo@example.com');
    const second = lastCode('solo@example.com');
    const old = await c.post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code: first.code });
    // (One time in a million the new code repeats the old digits; the link below still tells.)
    if (first.code !== second.code) expect(old.status).toBe(422);
    expect((await c.get(first.link)).status).toBe(410);

    t.clock.advance(10 * 60_000 + 1);
    const late = await c.post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code: second.code });
    expect(late.status).toBe(422);
  });

  it('the one-click link signs in once (HEAD, as link scanners send, does not use it), landing on the deep link', async () => {
    const c = client();
    await requestCode(c, 'solo@example.com', { flow: 'payments' });
    const { link } = lastCode('solo@example.com');
    expect((await c.send('HEAD', c.toListener(link), {})).status).toBe(200);
    const res = await c.get(link);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/payments');
    expect(await signedInAs(c)).toBe('solo');
    const again = await client().get(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('This sign-in link no longer works');
    expect(again.text).toContain(`/portal/login?project=${SLUG}`);
  });

  it('two accounts sharing an address: the customer picks one, and only one of those two', async () => {
    const c = client();
    await requestCode(c, 'shared@example.com');
    expect(catcher.messages()).toHaveLength(1);
    const { code } = lastCode('shared@example.com');
    const picker = await c.post('/portal/login/code', { project: SLUG, email: 'shared@example.com', code });
    expect(picker.status).toBe(200);
    expect(picker.text).toContain('Which account?');
    expect(picker.text).toContain('Twin Work');
    expect(picker.text).toContain('Twin Home');
    expect(picker.setCookies.join()).not.toContain('langgan_portal=');

    const ids = await t.database.db.selectFrom('end_users').select(['id', 'external_id']).where('project_id', '=', project.id).execute();
    const byExternal = Object.fromEntries(ids.map((r) => [r.external_id, r.id]));
    const foreign = await c.post('/portal/login/account', { account: byExternal.solo! });
    expect(foreign.status).toBe(410);
    const chosen = await c.post('/portal/login/account', { account: byExternal['twin-b']! });
    expect(chosen.status).toBe(303);
    expect(await signedInAs(c)).toBe('twin-b');
    const twice = await c.post('/portal/login/account', { account: byExternal['twin-a']! });
    expect(twice.status).toBe(410);
  });
});

describe('limits', () => {
  it('per address: the sixth code in an hour is a 429 page with Retry-After, and sends nothing', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) expect((await c.post('/portal/login', { project: SLUG, email: 'solo@example.com' })).status).toBe(200);
    await outboxDelivered();
    catcher.clear();
    const sixth = await requestCode(c, 'SOLO@example.com');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(59 * 60 - 5);
    expect(sixth.text).toContain('Too many attempts');
    expect(sixth.text).toContain('wait 60 minutes');
    expect(catcher.messages()).toEqual([]);
  });

  it('per IP: the eleventh code in fifteen minutes is refused, whatever the address', async () => {
    const c = client();
    for (let i = 0; i < 10; i++) expect((await c.post('/portal/login', { project: SLUG, email: `ip${i}@example.com` })).status).toBe(200);
    const eleventh = await c.post('/portal/login', { project: SLUG, email: 'solo@example.com' });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
  });

  it('per IP: after thirty wrong codes, codes are not even checked for fifteen minutes', async () => {
    const c = client();
    for (let i = 0; i < 6; i++) {
      await c.post('/portal/login', { project: SLUG, email: `guess${i}@example.com` });
      for (let j = 0; j < 5; j++) expect((await c.post('/portal/login/code', { project: SLUG, email: `guess${i}@example.com`, code: '000000' })).status).toBe(422);
    }
    const blocked = await c.post('/portal/login/code', { project: SLUG, email: 'solo@example.com', code: '123456' });
    expect(blocked.status).toBe(429);
  });
});

describe('deep links and the end-user API', () => {
  it('the session API takes a flow and the portal lands on it; a malformed flow is a 400 naming it', async () => {
    const minted = await createSession(t.url, project, 'solo', { flow: 'plans' });
    expect(minted.status, minted.text).toBe(200);
    expect(minted.body.portal_url).toMatch(/&flow=plans$/);
    const c = client();
    const res = await c.get(minted.body.portal_url);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/plans');

    // Used twice: the "link used" page offers the hosted login page of a project that has it on.
    const used = await client().get(minted.body.portal_url);
    expect(used.status).toBe(410);
    expect(used.text).toContain(`href="/portal/login?project=${SLUG}&amp;lang=en"`);
    expect(used.text).toContain('Sign in with your email');

    const bad = await createSession(t.url, project, 'solo', { flow: 'https://evil.example' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('flow');
  });

  it('PUT /api/platform/end-users/{id} sets the address the page sends codes to, only in the caller\'s project', async () => {
    const put = await http(t.url, 'PUT', '/api/platform/end-users/no-email', { basic: project.creds, body: { email: 'late@example.com', name: 'Late Lina' } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ end_user_id: 'no-email', email: 'late@example.com', name: 'Late Lina' });
    await requestCode(client(), 'late@example.com');
    expect(catcher.messages().map((m) => m.to)).toEqual([['late@example.com']]);

    const foreign = await http(t.url, 'PUT', '/api/platform/end-users/no-email', { basic: other.creds, body: { email: 'x@example.com' } });
    expect(foreign.status).toBe(404);
    const bad = await http(t.url, 'PUT', '/api/platform/end-users/no-email', { basic: project.creds, body: { email: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('email');
    const empty = await http(t.url, 'PUT', '/api/platform/end-users/no-email', { basic: project.creds, body: {} });
    expect(empty.status).toBe(400);
  });
});

describe('retention', () => {
  it('deletes code rows a day after they expire, and only those', async () => {
    await requestCode(client(), 'solo@example.com');
    t.clock.advance(25 * 3_600_000);
    await requestCode(client(), 'late@example.com');
    const summary = await purgeExpired(t.deps);
    expect(summary.loginCodes).toBeGreaterThanOrEqual(1);
    const left = await t.database.db.selectFrom('login_codes').select(['email', 'expires_at']).execute();
    expect(left.map((r) => r.email)).toContain('late@example.com');
    expect(left.every((r) => r.expires_at.getTime() > t.clock.now().getTime() - 86_400_000)).toBe(true);
  });
});
