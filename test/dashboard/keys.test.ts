import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/lib/crypto.ts';
import { formatDateTime } from '../../src/web/format.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { addPerson, csrfOf, signIn, submit } from '../support/dashboard.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { formFields } from '../portal/support/portal-client.ts';

/**
 * The dashboard's API keys page (rotation with a grace window, last use of each secret),
 * the project time zone setting, and creating projects — over real HTTP, with the form's
 * CSRF token and every role checked on the server.
 */

let t: TestApp;
let project: TestProject;
const email = (role: string) => `keys-${role}@example.com`;
let adminOfInstanceId: string;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Keyed Co', plans: [] });
  for (const role of ['owner', 'admin', 'finance', 'viewer']) await addPerson(t, email(role), { projectId: project.id, role });
  adminOfInstanceId = await addPerson(t, email('instance'), { instanceAdmin: true });
});
afterAll(() => t.close());

const keys = () => `/dashboard/projects/${project.id}/keys`;
const rotate = () => `${keys()}/rotate`;
const settings = () => `/dashboard/projects/${project.id}/settings`;
const projectRow = (id = project.id) => t.database.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const shownSecret = (html: string) => /<code class="secret" id="client-secret">(lgs_[A-Za-z0-9_-]+)<\/code>/.exec(html)?.[1];
const withSecret = (p: TestProject, secret: string): TestProject => ({ ...p, clientSecret: secret, creds: { clientId: p.clientId, clientSecret: secret } });
/** What a `<time>` on the page says, in the project's zone. */
const shown = (at: Date, zone: string, locale: 'en' | 'id' = 'en') => `<time datetime="${at.toISOString()}">${formatDateTime(at, locale, zone)}</time>`;

describe('API keys page', () => {
  it('shows when the secret was last used, in the project time zone ("Never" before any use)', async () => {
    const c = await signIn(t, email('viewer'));
    const before = await c.get(keys());
    expect(before.status).toBe(200);
    expect(before.text).toContain(`<code class="secret" id="client-id">${project.clientId}</code>`);
    expect(before.text).toContain('Last used: <span id="current-last-used">Never</span>');

    const usedAt = t.clock.now();
    expect((await createSession(t.url, project, 'keys-user')).status).toBe(200);
    const after = (await c.get(keys())).text;
    expect(after).toContain(`<span id="current-last-used">${shown(usedAt, 'Asia/Jakarta')}</span>`);
    expect(after).toContain('Times in WIB.');

    await t.database.db.updateTable('projects').set({ time_zone: 'Asia/Jayapura' }).where('id', '=', project.id).execute();
    const east = (await c.get(keys())).text;
    expect(east).toContain(`<span id="current-last-used">${shown(usedAt, 'Asia/Jayapura')}</span>`);
    expect(shown(usedAt, 'Asia/Jayapura')).not.toBe(shown(usedAt, 'Asia/Jakarta'));
    await t.database.db.updateTable('projects').set({ time_zone: 'Asia/Jakarta' }).where('id', '=', project.id).execute();
  });

  it('offers "now / after 1 hour / after 24 hours", now chosen by default; readers without the role see no form', async () => {
    const admin = (await (await signIn(t, email('admin'))).get(keys())).text;
    expect(admin).toContain('<legend>Old secret stops</legend>');
    expect(admin).toMatch(/<input type="radio" id="grace-0" name="previous_secret_expires_in" value="0" checked><label for="grace-0">Now<\/label>/);
    expect(admin).toMatch(/value="3600"><label for="grace-3600">After 1 hour<\/label>/);
    expect(admin).toMatch(/value="86400"><label for="grace-86400">After 24 hours<\/label>/);
    for (const role of ['viewer', 'finance']) {
      const page = (await (await signIn(t, email(role))).get(keys())).text;
      expect(page, role).not.toContain(`action="${rotate()}"`);
    }
  });

  it('in Bahasa Indonesia too', async () => {
    const c = await signIn(t, email('admin'));
    c.jar.set('langgan_dashboard_lang', 'id');
    const page = (await c.get(keys())).text;
    for (const text of ['<legend>Secret lama berhenti</legend>', '>Sekarang</label>', '>Setelah 1 jam</label>', '>Setelah 24 jam</label>', 'Terakhir dipakai']) {
      expect(page).toContain(text);
    }
  });

  it('rotates with a 1-hour grace window: the new secret is shown once, both work until the window ends, then only the new one', async () => {
    const c = await signIn(t, email('admin'));
    const res = await submit(c, keys(), rotate(), { previous_secret_expires_in: '3600' });
    expect(res.status, res.text).toBe(200);
    const secret = shownSecret(res.text)!;
    expect(secret).toBeTruthy();
    expect(res.text).toContain('It will not be shown again.');
    const until = new Date(t.clock.now().getTime() + 3600_000);
    expect(res.text).toContain(`The old secret keeps working until ${formatDateTime(until, 'en', 'Asia/Jakarta')}. Deploy the new one before then.`);
    expect((await projectRow()).previous_secret_expires_at).toEqual(until);

    const fresh = withSecret(project, secret);
    t.clock.advance(61_000); // past the minute within which a use is not written again
    const oldUse = t.clock.now();
    expect((await createSession(t.url, project, 'grace-user')).status).toBe(200);
    expect((await createSession(t.url, fresh, 'grace-user')).status).toBe(200);

    const page = (await c.get(keys())).text;
    expect(page).not.toContain(secret);
    expect(page).toContain(`<span id="previous-until">Still works until ${formatDateTime(until, 'en', 'Asia/Jakarta')}, alongside the current one.</span>`);
    expect(page).toContain(`<span id="previous-last-used">${shown(oldUse, 'Asia/Jakarta')}</span>`);
    expect(page).toContain(`<span id="current-last-used">${shown(oldUse, 'Asia/Jakarta')}</span>`);

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.secret_rotated').execute();
    expect(audit.at(-1)).toMatchObject({ data: { previous_secret_expires_at: until.toISOString() } });

    t.clock.set(until);
    expect((await createSession(t.url, project, 'grace-user')).status).toBe(401);
    expect((await createSession(t.url, fresh, 'grace-user')).status).toBe(200);
    expect((await c.get(keys())).text).not.toContain('id="previous-until"');
    project = fresh;
  });

  it('rotates with "now": the old secret stops at once', async () => {
    const c = await signIn(t, email('owner'));
    const res = await submit(c, keys(), rotate(), { previous_secret_expires_in: '0' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('The old secret has stopped working.');
    const secret = shownSecret(res.text)!;
    expect((await createSession(t.url, project, 'now-user')).status).toBe(401);
    expect((await createSession(t.url, withSecret(project, secret), 'now-user')).status).toBe(200);
    expect((await projectRow()).previous_client_secret_hash).toBeNull();
    project = withSecret(project, secret);

    // The same form sent again rotates nothing more and shows no secret.
    const page = await c.get(keys());
    const form = { ...formFields(page.text, rotate()), previous_secret_expires_in: '0' };
    const first = await c.post(rotate(), form);
    const again = await c.post(rotate(), form);
    expect(first.status).toBe(200);
    expect(again.status).toBe(303);
    expect(again.location).toBe(keys());
    project = withSecret(project, shownSecret(first.text)!);
    expect((await projectRow()).client_secret_hash.equals(sha256(project.clientSecret))).toBe(true);
  });

  it('refuses a grace window the form does not offer', async () => {
    const c = await signIn(t, email('admin'));
    const before = await projectRow();
    const res = await submit(c, keys(), rotate(), { previous_secret_expires_in: '600' });
    expect(res.status).toBe(400);
    expect((await projectRow()).client_secret_hash.equals(before.client_secret_hash)).toBe(true);
  });

  it("refuses a viewer's and a finance member's forged rotation with 403, and a POST without the session's token", async () => {
    const before = await projectRow();
    for (const role of ['viewer', 'finance']) {
      const c = await signIn(t, email(role));
      const forged = await c.post(rotate(), { csrf: await csrfOf(c), action_id: `forged-${role}`, previous_secret_expires_in: '86400' });
      expect(forged.status, role).toBe(403);
    }
    const admin = await signIn(t, email('admin'));
    expect((await admin.post(rotate(), { csrf: 'not-the-token', action_id: 'no-token', previous_secret_expires_in: '3600' })).status).toBe(403);
    const after = await projectRow();
    expect(after.client_secret_hash.equals(before.client_secret_hash)).toBe(true);
    expect(after.previous_client_secret_hash).toEqual(before.previous_client_secret_hash);
  });
});

describe('time zone setting', () => {
  it("offers Indonesia's three zones first, then the others, with the project's selected", async () => {
    const page = (await (await signIn(t, email('viewer'))).get(settings())).text;
    const select = page.slice(page.indexOf('<select id="time_zone"'), page.indexOf('</select>', page.indexOf('<select id="time_zone"')));
    const options = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(options.slice(0, 3)).toEqual(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']);
    expect(select).toContain('<option value="Asia/Jakarta" selected>Asia/Jakarta (WIB)</option>');
    expect(select).toContain('>Asia/Makassar (WITA)</option>');
    expect(select).toContain('>Asia/Jayapura (WIT)</option>');
    expect(options).toEqual(expect.arrayContaining(['UTC', 'Europe/Amsterdam']));
    expect(new Set(options).size).toBe(options.length);
    expect(page).toContain('<label for="time_zone">Time zone</label>');
  });

  it('saves a valid zone (audited old → new) and refuses an unknown one next to the field', async () => {
    const c = await signIn(t, email('admin'));
    const fields = { name: 'Keyed Co', default_locale: 'en', redirect_uris: 'https://app.example.com/dashboard', grace_period_days: '3' };
    const bad = await submit(c, settings(), settings(), { ...fields, time_zone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="time_zone"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('<span class="field-error" id="time_zone-error">time_zone must be an IANA time zone name, such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura</span>');
    expect((await projectRow()).time_zone).toBe('Asia/Jakarta');

    const ok = await submit(c, settings(), settings(), { ...fields, time_zone: 'Asia/Makassar' });
    expect(ok.status).toBe(303);
    expect((await projectRow()).time_zone).toBe('Asia/Makassar');
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'project.updated').execute();
    expect(audit.at(-1)).toMatchObject({ actor_user_id: expect.any(String), data: { changes: { time_zone: { old: 'Asia/Jakarta', new: 'Asia/Makassar' } } } });
    expect((await c.get(settings())).text).toContain('<option value="Asia/Makassar" selected>');
    expect((await http(t.url, 'GET', `/api/admin/projects/${project.id}`, { admin: true })).body.time_zone).toBe('Asia/Makassar');
  });

  it("refuses a viewer's forged time zone change with 403", async () => {
    const c = await signIn(t, email('viewer'));
    const forged = await c.post(settings(), {
      csrf: await csrfOf(c),
      action_id: 'forged-zone',
      name: 'Keyed Co',
      default_locale: 'en',
      time_zone: 'UTC',
      redirect_uris: '',
      grace_period_days: '3',
    });
    expect(forged.status).toBe(403);
    expect((await projectRow()).time_zone).toBe('Asia/Makassar');
  });
});

describe('creating projects (instance admins)', () => {
  const countProjects = async () => (await t.database.db.selectFrom('projects').select('id').execute()).length;

  it('creates a project through the admin API schema; the creator becomes owner and sees the first secret once', async () => {
    const c = await signIn(t, email('instance'));
    expect((await c.get('/dashboard')).text).toContain('<a class="button" href="/dashboard/projects/new">New project</a>');
    const form = await c.get('/dashboard/projects/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="Asia/Jakarta" selected>');

    const before = await countProjects();
    const bad = await submit(c, '/dashboard/projects/new', '/dashboard/projects/new', { name: '  ', redirect_uris: 'not a url', default_locale: 'en', time_zone: 'Nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<span class="field-error" id="name-error">name must NOT have fewer than 1 characters/);
    expect(bad.text).toMatch(/<span class="field-error" id="redirect_uris-error">redirect_uris\.0 must be an absolute http\(s\) URL/);
    expect(bad.text).toMatch(/<span class="field-error" id="time_zone-error">time_zone must be an IANA time zone name/);
    expect(await countProjects()).toBe(before);

    const page = await c.get('/dashboard/projects/new');
    const fields = { ...formFields(page.text, '/dashboard/projects/new'), name: 'Fresh Co', redirect_uris: 'https://fresh.example.com/back', default_locale: 'id', time_zone: 'Asia/Jayapura' };
    const created = await c.post('/dashboard/projects/new', fields);
    expect(created.status, created.text).toBe(200);
    expect(created.text).toContain('Project created, with you as its owner.');
    const secret = shownSecret(created.text)!;
    const row = await t.database.db.selectFrom('projects').selectAll().where('name', '=', 'Fresh Co').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ default_locale: 'id', time_zone: 'Asia/Jayapura', redirect_uris: ['https://fresh.example.com/back'] });
    expect(row.client_secret_hash.equals(sha256(secret))).toBe(true);
    const fresh: TestProject = { id: row.id, clientId: row.client_id, clientSecret: secret, creds: { clientId: row.client_id, clientSecret: secret }, plans: {} };
    expect((await createSession(t.url, fresh, 'first-customer')).status).toBe(200);

    const member = await t.database.db.selectFrom('project_members').selectAll().where('project_id', '=', row.id).execute();
    expect(member).toMatchObject([{ user_id: adminOfInstanceId, role: 'owner' }]);
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', row.id).where('action', '=', 'project.created').execute();
    expect(audit).toMatchObject([{ actor_user_id: adminOfInstanceId, subject_id: row.id }]);

    // The secret is never shown again; sending the same form again creates nothing.
    const again = await c.post('/dashboard/projects/new', fields);
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/dashboard/projects/${row.id}/keys`);
    expect((await c.get(again.location!)).text).not.toContain(secret);
    expect(await countProjects()).toBe(before + 1);
  });

  it('is refused with 403 to everyone else, the form and a forged POST alike', async () => {
    const before = await countProjects();
    for (const role of ['owner', 'viewer']) {
      const c = await signIn(t, email(role));
      expect((await c.get('/dashboard')).text, role).not.toContain('/dashboard/projects/new');
      expect((await c.get('/dashboard/projects/new')).status, role).toBe(403);
      const forged = await c.post('/dashboard/projects/new', { csrf: await csrfOf(c), action_id: `forged-new-${role}`, name: 'Sneaky', redirect_uris: '', default_locale: 'en', time_zone: 'UTC' });
      expect(forged.status, role).toBe(403);
    }
    expect(await countProjects()).toBe(before);
  });
});
