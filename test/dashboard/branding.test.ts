import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTED_FONTS } from '../../src/theme/fonts.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { multipart, png } from '../support/images.ts';
import { formFields, PortalClient } from '../portal/support/portal-client.ts';

/**
 * The branding editor over real HTTP: draft → publish (customers see the theme only after
 * publishing), discard and reset, errors next to fields through the admin API's schema,
 * contrast notes, logos validated by content and served safely, hosted fonts, the preview
 * frame rendered by the portal's own views, and roles checked on every POST.
 */

let t: TestApp;
let project: TestProject;
const PASSWORD = 'correct horse battery staple';
const people: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Branded Co' });
  for (const role of ['owner', 'admin', 'finance', 'viewer'] as const) {
    const email = `brand-${role}@example.com`;
    expect((await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email, name: `The ${role}`, password: PASSWORD } })).status).toBe(201);
    expect((await http(t.url, 'POST', `/api/admin/projects/${project.id}/members`, { admin: true, body: { email, role } })).status).toBe(200);
    people[role] = email;
  }
});
afterAll(() => t.close());

const editor = () => `/dashboard/projects/${project.id}/branding`;

async function signIn(role: string): Promise<PortalClient> {
  const c = new PortalClient(t.url, t.deps.config.publicUrl);
  const res = await c.post('/dashboard/login', { email: people[role]!, password: PASSWORD, next: '/dashboard' });
  expect(res.status, res.text).toBe(303);
  return c;
}

/** The editor's form as the page renders it: every input's value, then `fields` on top. */
async function submitEditor(c: PortalClient, fields: Record<string, string>) {
  const html = (await c.get(editor())).text;
  const form = html.slice(html.indexOf('id="branding-form"'), html.indexOf('</form>', html.indexOf('id="branding-form"')));
  const values: Record<string, string> = { ...formFields(html, editor()) };
  for (const m of form.matchAll(/<input type="(?:text|number|color)"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"|<input type="(?:text|number|color)"[^>]*?value="([^"]*)"[^>]*?name="([^"]+)"/g)) {
    if (m[1]) values[m[1]] = m[2]!;
    else values[m[4]!] = m[3]!;
  }
  for (const m of form.matchAll(/name="appearance" value="([^"]+)" checked/g)) values.appearance = m[1]!;
  const font = /<option value="([^"]+)" selected>/.exec(form.slice(form.indexOf('name="font"')));
  if (font) values.font = font[1]!;
  return c.post(editor(), { ...values, ...fields });
}

/** The portal's theme <style> as a customer of the project sees it now. */
async function customerStyle(user = `customer-${Math.random()}`): Promise<string> {
  const minted = await createSession(t.url, project, user);
  const c = new PortalClient(t.url, t.deps.config.publicUrl);
  await c.get(minted.body.portal_url);
  const page = await c.get('/portal');
  expect(page.status).toBe(200);
  return /<style>([^<]*)<\/style>/.exec(page.text)![1]!;
}

describe('draft → publish', () => {
  it('keeps an edit out of the portal until it is published, then customers see it on their next page load', async () => {
    const owner = await signIn('owner');
    expect(await customerStyle()).not.toContain('--primary:#0f766e');

    const saved = await submitEditor(owner, { intent: 'preview', light_primary: '#0F766E' });
    expect(saved.status, saved.text).toBe(303);
    expect(saved.location).toBe(`${editor()}?done=saved`);
    const page = (await owner.get(saved.location!)).text;
    expect(page).toContain('You are editing an unpublished draft');
    expect(page).toMatch(/id="light_primary"[^>]*value="#0f766e"/);
    // The preview shows the draft; customers still do not.
    const preview = await owner.get(`${editor()}/preview?page=overview&mode=light`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('--primary:#0f766e');
    expect(await customerStyle()).not.toContain('--primary:#0f766e');

    const published = await submitEditor(owner, { intent: 'publish' });
    expect(published.location).toBe(`${editor()}?done=published`);
    expect(await customerStyle()).toContain('--primary:#0f766e');
    expect((await owner.get(editor())).text).not.toContain('unpublished draft');

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'data']).where('project_id', '=', project.id).where('action', '=', 'branding.published').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.data)).toContain('#0f766e');
    // The admin API reads the published theme.
    expect((await http(t.url, 'GET', `/api/admin/projects/${project.id}`, { admin: true })).body.theme_config.colors.primary).toBe('#0f766e');
  });

  it('discards a draft and resets to defaults (as a draft, published only when asked)', async () => {
    const admin = await signIn('admin');
    await submitEditor(admin, { intent: 'preview', light_primary: '#7c3aed' });
    const discarded = await submitEditor(admin, { intent: 'discard' });
    expect(discarded.location).toBe(`${editor()}?done=discarded`);
    expect((await admin.get(editor())).text).toMatch(/id="light_primary"[^>]*value="#0f766e"/);

    const reset = await submitEditor(admin, { intent: 'reset' });
    expect(reset.location).toBe(`${editor()}?done=reset`);
    expect((await admin.get(editor())).text).toMatch(/id="light_primary"[^>]*value=""/);
    expect(await customerStyle()).toContain('--primary:#0f766e');
    await submitEditor(admin, { intent: 'publish' });
    expect(await customerStyle()).toContain('--primary:#4f46e5');
  });

  it('takes the colour picker when only the picker changed (no JavaScript: the hex field still shows the old value)', async () => {
    const owner = await signIn('owner');
    await submitEditor(owner, { intent: 'preview', light_primary: '#123456' });
    await submitEditor(owner, { intent: 'preview', light_primary_pick: '#abcdef' });
    expect((await owner.get(editor())).text).toMatch(/id="light_primary"[^>]*value="#abcdef"/);
    await submitEditor(owner, { intent: 'discard' });
  });

  it('shows schema errors next to their fields and saves nothing', async () => {
    const owner = await signIn('owner');
    const res = await submitEditor(owner, { intent: 'publish', dark_danger: 'red', border_radius: '99', font: 'custom', font_custom: 'x"; }' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="dark_danger-error">[^<]*must be a hex colour/);
    expect(res.text).toMatch(/id="border_radius-error">[^<]*0 to 32/);
    expect(res.text).toMatch(/id="font_custom-error">[^<]*letters, digits, spaces and hyphens/);
    expect(await customerStyle()).toContain('--primary:#4f46e5');
  });

  it('names each contrast problem with its ratio and the colour the portal shows instead, as the form is typed', async () => {
    const owner = await signIn('owner');
    const res = await owner.get(`${editor()}/contrast?light_primary=%23ffff00&light_primary_pick=%23ffff00`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(body.ok).toBe(false);
    expect(body.items[0]).toMatch(/^Light colours: Primary #ffff00 on Background #f5f6fa is 1\.\d\d:1 for links \(needs 4\.5:1\); shown as #[0-9a-f]{6}\.$/);
    const idPage = await owner.get(editor(), { 'accept-language': 'id' });
    expect(idPage.text).toContain('Tampilan merek');
    // Saved as a draft, the page lists it too.
    await submitEditor(owner, { intent: 'preview', light_primary: '#ffff00' });
    expect((await owner.get(editor())).text).toMatch(/<li>Light colours: Primary #ffff00 on Background #f5f6fa is 1\.\d\d:1 for links/);
    await submitEditor(owner, { intent: 'discard' });
  });
});

describe('appearance, dark palette and fonts', () => {
  it('follows the customer system setting with both palettes, and serves a hosted font from our origin', async () => {
    const owner = await signIn('owner');
    await submitEditor(owner, { intent: 'publish', appearance: 'system', dark_primary: '#a78bfa', font: 'plus-jakarta-sans' });
    const style = await customerStyle();
    expect(style).toContain('color-scheme:light dark');
    expect(style).toMatch(/@media \(prefers-color-scheme: dark\)\{:root\{[^}]*--primary:#a78bfa/);
    expect(style).toContain('--font:"Plus Jakarta Sans"');
    const fontUrl = /src:url\((\/fonts\/plus-jakarta-sans-latin-400-normal-[A-Za-z0-9_-]+\.woff2)\)/.exec(style)![1]!;
    const font = await fetch(t.url + fontUrl);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(font.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await font.arrayBuffer()).equals(HOSTED_FONTS['plus-jakarta-sans']!.files[0]!.body)).toBe(true);
    // The preview renders the dark palette when asked, whatever the viewer's system says.
    const dark = await owner.get(`${editor()}/preview?page=plans&mode=dark`);
    expect(dark.text).toMatch(/<style>[^<]*color-scheme:dark;[^<]*--primary:#a78bfa/);
    await submitEditor(owner, { intent: 'reset' });
    await submitEditor(owner, { intent: 'publish' });
  });

  it('keeps themes written before the editor working and accepts the new fields in the admin API', async () => {
    const legacy = await createProject(t.url, { theme: { mode: 'dark', colors: { primary: '#22c55e' } }, plans: [] });
    const fetched = await http(t.url, 'GET', `/api/admin/projects/${legacy.id}`, { admin: true });
    expect(fetched.body.theme_config).toEqual({ mode: 'dark', colors: { primary: '#22c55e' } });
    const patched = await http(t.url, 'PATCH', `/api/admin/projects/${legacy.id}`, {
      admin: true,
      body: { theme_config: { mode: 'system', colors: { primary: '#0f766e' }, dark_colors: { primary: '#5eead4' }, font_family: 'lora' } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.theme_config.dark_colors).toEqual({ primary: '#5eead4' });
    const refused = await http(t.url, 'PATCH', `/api/admin/projects/${legacy.id}`, { admin: true, body: { theme_config: { mode: 'sepia' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/theme_config\.mode must be one of light, dark, system/);
  });
});

describe('the logo', () => {
  async function upload(c: PortalClient, bytes: Buffer, filename: string, type: string) {
    const html = (await c.get(editor())).text;
    const { body, contentType } = multipart(formFields(html, `${editor()}/logo`), { name: 'logo', filename, type, bytes });
    return c.send('POST', `${editor()}/logo`, { 'content-type': contentType, origin: new URL(t.deps.config.publicUrl).origin, 'sec-fetch-site': 'same-origin' }, body);
  }

  it('accepts a PNG, stores it in the database and serves it with its exact type and nosniff; publishing shows it in the portal', async () => {
    const owner = await signIn('owner');
    const image = png(64, 32);
    const res = await upload(owner, image, 'logo.png', 'image/png');
    expect(res.status, res.text).toBe(303);
    expect(res.location).toBe(`${editor()}?done=logo`);
    const page = (await owner.get(editor())).text;
    const path = /<img src="(\/logos\/[0-9a-f]{64})"/.exec(page)![1]!;
    const served = await fetch(t.url + path);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);

    const customer = async () => {
      const minted = await createSession(t.url, project, `logo-customer-${Math.random()}`);
      const c = new PortalClient(t.url, t.deps.config.publicUrl);
      await c.get(minted.body.portal_url);
      return (await c.get('/portal')).text;
    };
    expect(await customer()).not.toContain(path);
    await submitEditor(owner, { intent: 'publish' });
    expect(await customer()).toContain(`<img class="logo" src="${path}" alt="">`);

    const removed = await owner.post(`${editor()}/logo/remove`, formFields((await owner.get(editor())).text, `${editor()}/logo/remove`));
    expect(removed.location).toBe(`${editor()}?done=logo_removed`);
    await submitEditor(owner, { intent: 'publish' });
    expect(await customer()).not.toContain('<img class="logo"');
  });

  it.each([
    ['an HTML page named .png', Buffer.from('<!doctype html><script>alert(1)</script>'), 'logo.png', 'image/png', /PNG, JPEG or WebP/],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>'), 'logo.svg', 'image/svg+xml', /SVG and other files are not accepted/],
    ['a PNG signature with garbage after it', Buffer.concat([png(32, 32).subarray(0, 8), Buffer.from('not really an image at all')]), 'logo.png', 'image/png', /not a readable PNG image/],
    ['an image too large in pixels', png(4000, 20), 'big.png', 'image/png', /4000×20 pixels; at most 2048 a side/],
    ['an image too small', png(8, 8), 'tiny.png', 'image/png', /8×8 pixels; at least 16 a side/],
  ])('refuses %s with the reason next to the upload', async (_name, bytes, filename, type, reason) => {
    const owner = await signIn('owner');
    const before = await t.database.db.selectFrom('project_logos').select('id').execute();
    const res = await upload(owner, bytes, filename, type);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(new RegExp(`id="logo-error">[^<]*${reason.source}`));
    expect(await t.database.db.selectFrom('project_logos').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses a file over the size limit', async () => {
    const owner = await signIn('owner');
    const res = await upload(owner, Buffer.concat([png(32, 32), Buffer.alloc(300 * 1024)]), 'huge.png', 'image/png');
    expect(res.status).toBe(413);
  });

  it('uploads through the admin API too, and a theme may only name its own project logo', async () => {
    const image = png(48, 48, [15, 118, 110]);
    const res = await fetch(`${t.url}/api/admin/projects/${project.id}/logo`, { method: 'PUT', headers: { authorization: `Bearer ${t.deps.config.adminApiKey}`, 'content-type': 'image/png' }, body: image });
    expect(res.status).toBe(201);
    const logo = (await res.json()) as { logo: string; content_type: string; width: number; height: number };
    expect(logo).toMatchObject({ content_type: 'image/png', width: 48, height: 48 });
    const html = await fetch(`${t.url}/api/admin/projects/${project.id}/logo`, { method: 'PUT', headers: { authorization: `Bearer ${t.deps.config.adminApiKey}`, 'content-type': 'image/png' }, body: '<html></html>' });
    expect(html.status).toBe(400);
    expect(((await html.json()) as { error: { code: string } }).error.code).toBe('invalid_logo');

    const other = await createProject(t.url, { plans: [] });
    const foreign = await http(t.url, 'PATCH', `/api/admin/projects/${other.id}`, { admin: true, body: { theme_config: { logo: logo.logo } } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('invalid_theme');
    const own = await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { theme_config: { logo: logo.logo } } });
    expect(own.status, own.text).toBe(200);
    await http(t.url, 'PATCH', `/api/admin/projects/${project.id}`, { admin: true, body: { theme_config: {} } });
  });
});

describe('the preview frame', () => {
  it('renders the portal pages with sample data, framable by our own origin only, for any member', async () => {
    const viewer = await signIn('viewer');
    for (const page of ['overview', 'plans', 'payment', 'login', 'error']) {
      const res = await viewer.get(`${editor()}/preview?page=${page}&mode=light`);
      expect(res.status, page).toBe(200);
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.text).toContain('Branded Co');
    }
    expect((await viewer.get(`${editor()}/preview?page=plans`)).text).toContain('Business');
    // The hosted login page, in the same theme: the email field a customer arrives to.
    const login = (await viewer.get(`${editor()}/preview?page=login&light_primary=%23be185d`)).text;
    expect(login).toContain('<label for="email">Email</label>');
    expect(login).toContain('--primary:#be185d');
    // Typed values override the draft in the preview only; invalid ones are ignored.
    const typed = await viewer.get(`${editor()}/preview?page=overview&light_primary=%23be185d&light_background=%23zz`);
    expect(typed.text).toContain('--primary:#be185d');
    expect(typed.text).toContain('--bg:#f5f6fa');
    // Every other dashboard page still refuses to be framed.
    const editorPage = await viewer.get(editor());
    expect(String(editorPage.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(editorPage.headers['x-frame-options']).toBe('DENY');
  });

  it('is not shown to someone outside the project', async () => {
    const stranger = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'brand-stranger@example.com', name: 'Stranger', password: PASSWORD } });
    expect(stranger.status).toBe(201);
    const c = new PortalClient(t.url, t.deps.config.publicUrl);
    await c.post('/dashboard/login', { email: 'brand-stranger@example.com', password: PASSWORD, next: '/dashboard' });
    expect((await c.get(`${editor()}/preview?page=overview`)).status).toBe(404);
    expect((await c.get(editor())).status).toBe(404);
  });
});

describe('roles', () => {
  it.each(['finance', 'viewer'])('a %s sees the editor read-only and a forged POST is a 403 that changes nothing', async (role) => {
    const c = await signIn(role);
    const page = await c.get(editor());
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="intent" value="publish"');
    const before = await customerStyle();
    const forged = await c.post(editor(), { ...formFields(page.text, '/dashboard/logout'), action_id: 'forged-1', intent: 'publish', light_primary: '#ff0000' });
    expect(forged.status).toBe(403);
    const html = (await c.get(editor())).text;
    const { body, contentType } = multipart({ csrf: formFields(html, '/dashboard/logout').csrf!, action_id: 'forged-2' }, { name: 'logo', filename: 'l.png', type: 'image/png', bytes: png(32, 32) });
    const logo = await c.send('POST', `${editor()}/logo`, { 'content-type': contentType, origin: new URL(t.deps.config.publicUrl).origin, 'sec-fetch-site': 'same-origin' }, body);
    expect(logo.status).toBe(403);
    expect(await customerStyle()).toBe(before);
    const row = await t.database.db.selectFrom('projects').select('theme_draft').where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.theme_draft ?? {})).not.toContain('#ff0000');
  });

  it('refuses a cross-site POST before reading it', async () => {
    const owner = await signIn('owner');
    const page = (await owner.get(editor())).text;
    const res = await owner.post(editor(), { ...formFields(page, editor()), intent: 'publish' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
  });
});
