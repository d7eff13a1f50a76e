import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * Plan copy in both languages: `translations` in the admin API (validated, replaced as a
 * whole on update, in the public plan JSON), and the portal showing the customer's
 * language with the plan's own text for anything left out.
 */
let t: TestApp;
let project: TestProject;
beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { name: 'Kopi Kita' });
});
afterAll(() => t?.close());

const plans = () => `/api/admin/projects/${project.id}/plans`;
const ID = { name: 'Tim', description: 'Untuk tim yang berkembang', features: ['Catatan tanpa batas', 'Dukungan prioritas'] };

describe('translations in the admin API', () => {
  it('stores them on create, answers them, and lists them on the platform API too', async () => {
    const res = await http(t.url, 'POST', plans(), {
      admin: true,
      body: { code: 'team', name: 'Team', price: 250_000, interval: 'month', description: 'For growing teams', features: ['Unlimited notes', 'Priority support'], translations: { id: ID } },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.translations).toEqual({ id: ID });
    const listed = await http(t.url, 'GET', '/api/platform/plans', { basic: project.creds });
    expect(listed.body.data.find((p: { code: string }) => p.code === 'team').translations).toEqual({ id: ID });
    const plain = await http(t.url, 'POST', plans(), { admin: true, body: { code: 'solo', name: 'Solo', price: 50_000, interval: 'month' } });
    expect(plain.body.translations).toEqual({});
  });

  it('replaces them as a whole on update, and {} removes them', async () => {
    const created = await http(t.url, 'POST', plans(), { admin: true, body: { code: 'replace-me', name: 'Replace', price: 10_000, interval: 'month', translations: { id: ID } } });
    const id = created.body.id;
    const partial = await http(t.url, 'PATCH', `${plans()}/${id}`, { admin: true, body: { translations: { id: { name: 'Ganti' } } } });
    expect(partial.body.translations).toEqual({ id: { name: 'Ganti' } });
    const cleared = await http(t.url, 'PATCH', `${plans()}/${id}`, { admin: true, body: { translations: {} } });
    expect(cleared.body.translations).toEqual({});
  });

  it.each<[unknown, string]>([
    [{ fr: { name: 'Équipe' } }, 'translations.fr is not a recognised field'],
    [{ id: { name: '' } }, 'translations.id.name must NOT have fewer than 1 characters'],
    [{ id: { name: 'x'.repeat(61) } }, 'translations.id.name must NOT have more than 60 characters'],
    [{ id: { features: 'Catatan' } }, 'translations.id.features must be an array'],
    [{ id: { price: 1 } }, 'translations.id.price is not a recognised field'],
    ['id', 'translations must be a JSON object'],
  ])('refuses %j with a 400 naming the field, storing nothing', async (translations, message) => {
    const res = await http(t.url, 'POST', plans(), { admin: true, body: { code: 'bad-translation', name: 'Bad', price: 1_000, interval: 'month', translations } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(message);
    const all = await http(t.url, 'GET', `${plans()}?include_archived=true`, { admin: true });
    expect(all.body.data.map((p: { code: string }) => p.code)).not.toContain('bad-translation');
  });
});

describe('the portal in the customer’s language', () => {
  async function portalText(externalId: string, locale: 'en' | 'id', path: string) {
    const minted = await createSession(t.url, project, externalId, { locale });
    const client = new PortalClient(t.url, t.deps.config.publicUrl);
    await client.get(minted.body.portal_url);
    return (await client.get(path)).text;
  }

  it('shows the Indonesian name, description and features to an Indonesian reader, and the plan’s own text to others', async () => {
    const id = await portalText('reader-id', 'id', '/portal/plans');
    for (const s of ['Tim', 'Untuk tim yang berkembang', 'Catatan tanpa batas', 'Dukungan prioritas']) expect(id).toContain(s);
    expect(id).not.toContain('Unlimited notes');
    const en = await portalText('reader-en', 'en', '/portal/plans');
    for (const s of ['Team', 'For growing teams', 'Unlimited notes']) expect(en).toContain(s);
    expect(en).not.toContain('Catatan tanpa batas');
  });

  it('falls back to the plan’s own text for what a translation leaves out', async () => {
    await http(t.url, 'POST', plans(), { admin: true, body: { code: 'half', name: 'Half', price: 20_000, interval: 'month', description: 'Only the name is translated', translations: { id: { name: 'Setengah' } } } });
    const id = await portalText('reader-half', 'id', '/portal/plans');
    expect(id).toContain('Setengah');
    expect(id).toContain('Only the name is translated');
  });
});

describe('translations in the dashboard plan form', () => {
  it('creates a plan with its Indonesian text, shows errors by the field, and edits them', async () => {
    const { addPerson, signIn, submit } = await import('../support/dashboard.ts');
    await addPerson(t, 'plans-admin@example.com', { projectId: project.id, role: 'admin' });
    const c = await signIn(t, 'plans-admin@example.com');
    const base = `/dashboard/projects/${project.id}/plans`;

    const bad = await submit(c, `${base}/new`, `${base}/new`, {
      code: 'studio', name: 'Studio', price: '75000', interval: 'month', description: 'For studios', features: 'Five seats',
      id_name: 'x'.repeat(61), id_description: '', id_features: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('translations.id.name must NOT have more than 60 characters');
    expect(bad.text).toMatch(/id="id_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_name"/);

    const created = await submit(c, `${base}/new`, `${base}/new`, {
      code: 'studio', name: 'Studio', price: '75000', interval: 'month', description: 'For studios', features: 'Five seats',
      id_name: 'Studio', id_description: 'Untuk studio', id_features: 'Lima kursi\nDukungan email',
    });
    expect(created.status).toBe(303);
    const listed = await http(t.url, 'GET', plans(), { admin: true });
    const studio = listed.body.data.find((p: { code: string }) => p.code === 'studio');
    expect(studio.translations).toEqual({ id: { name: 'Studio', description: 'Untuk studio', features: ['Lima kursi', 'Dukungan email'] } });

    const edited = await submit(c, `${base}/${studio.id}`, `${base}/${studio.id}`, { name: 'Studio', description: 'For studios', features: 'Five seats', id_name: '', id_description: 'Untuk studio kecil', id_features: '' });
    expect(edited.status).toBe(303);
    const after = await http(t.url, 'GET', plans(), { admin: true });
    expect(after.body.data.find((p: { code: string }) => p.code === 'studio').translations).toEqual({ id: { description: 'Untuk studio kecil' } });
  });
});
