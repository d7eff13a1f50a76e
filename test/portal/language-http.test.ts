import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { formFields, openPortal } from './support/portal-client.ts';

/**
 * The portal's language switch: a plain CSRF-checked form in every page's header that keeps
 * the choice on the session row (it then outranks Accept-Language) and comes back to the page.
 */
let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Acme Notes' });
});
afterAll(() => t?.close());

const open = async (user: string, extra: Record<string, unknown> = {}) => (await openPortal(t, project, user, extra)).client;

const sessionLocales = async () => (await t.database.db.selectFrom('portal_sessions').select(['id', 'locale']).execute()).map((s) => s.locale);

describe('POST /portal/language', () => {
  it('offers the other language on every page, and switching keeps it for the session over Accept-Language', async () => {
    const client = await open('lang-switch');
    const english = { 'accept-language': 'en-US,en;q=0.9' };
    for (const path of ['/portal', '/portal/plans', '/portal/payments', '/portal/cancel', `/portal/plans/${project.plans.pro!.id}`]) {
      const page = await client.get(path, english);
      expect(page.status, path).toBeLessThan(400);
      if (page.status !== 200) continue; // /portal/cancel on a free plan redirects to the overview
      expect(page.text, path).toContain('<button type="submit" name="locale" value="id" lang="id" class="link-button">Bahasa Indonesia</button>');
      expect(formFields(page.text, '/portal/language').back).toBe(path);
    }

    const plans = await client.get('/portal/plans', english);
    const switched = await client.post('/portal/language', { ...formFields(plans.text, '/portal/language'), locale: 'id' });
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/portal/plans');

    const after = await client.get('/portal/plans', english);
    expect(after.text).toContain('<html lang="id">');
    expect(after.text).toContain('Tingkatkan ke Pro');
    expect(after.text).toContain('lang="en" class="link-button">English</button>');
    expect((await client.get('/portal/payments', english)).text).toContain('<html lang="id">');

    const back = await client.post('/portal/language', { ...formFields(after.text, '/portal/language'), locale: 'en' });
    expect(back.location).toBe('/portal/plans');
    expect((await client.get('/portal', { 'accept-language': 'id' })).text).toContain('<html lang="en">');
  });

  it("overrides the locale the integrator minted the link with", async () => {
    const client = await open('lang-minted', { locale: 'id' });
    const overview = await client.get('/portal');
    expect(overview.text).toContain('<html lang="id">');
    await client.post('/portal/language', { ...formFields(overview.text, '/portal/language'), locale: 'en' });
    expect((await client.get('/portal')).text).toContain('<html lang="en">');
  });

  it('refuses a missing or foreign CSRF token and another origin, changing nothing', async () => {
    const client = await open('lang-csrf');
    const other = await open('lang-csrf-other');
    const page = await client.get('/portal');
    const fields = formFields(page.text, '/portal/language');
    const before = await sessionLocales();

    expect((await client.post('/portal/language', { locale: 'id', back: '/portal' })).status).toBe(400);
    const foreignToken = formFields((await other.get('/portal')).text, '/portal/language').csrf!;
    expect((await client.post('/portal/language', { ...fields, csrf: foreignToken, locale: 'id' })).status).toBe(403);
    const crossSite = await client.post('/portal/language', { ...fields, locale: 'id' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);

    expect(await sessionLocales()).toEqual(before);
    expect((await client.get('/portal')).text).not.toContain('<html lang="id">');
  });

  it('refuses an unknown language and comes back only to portal paths', async () => {
    const client = await open('lang-back');
    const fields = formFields((await client.get('/portal')).text, '/portal/language');
    expect((await client.post('/portal/language', { ...fields, locale: 'fr' })).status).toBe(400);
    for (const back of ['//evil.example/x', 'https://evil.example/', '/dashboard', '/portal\\@evil.example', undefined]) {
      const res = await client.post('/portal/language', { ...fields, locale: 'id', ...(back !== undefined && { back }) });
      expect(res.status, String(back)).toBe(303);
      expect(res.location, String(back)).toBe('/portal');
    }
    expect((await client.post('/portal/language', { ...fields, locale: 'en', back: '/portal/payments?page=2' })).location).toBe('/portal/payments?page=2');
  });

  it('after the session ended, shows the "session ended" page and changes nothing', async () => {
    const client = await open('lang-ended');
    const page = await client.get('/portal');
    const fields = formFields(page.text, '/portal/language');
    expect((await client.post('/portal/back', formFields(page.text, '/portal/back'))).status).toBeLessThan(400);
    const res = await client.post('/portal/language', { ...fields, locale: 'id' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Your billing session has ended');
  });
});
