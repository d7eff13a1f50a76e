import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { sha256 } from '../../src/lib/crypto.ts';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http, rawRequest, type HttpResult } from '../support/http.ts';

let t: TestApp;
let shared: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  shared = await createProject(t.url, { name: 'Shared project' });
});
afterAll(() => t.close());

const PROJECTS = '/api/admin/projects';
const PROJECT_KEYS = [
  'client_id',
  'created_at',
  'currency',
  'default_locale',
  'development_mode',
  'email_disabled_types',
  'email_reply_to',
  'email_sender_name',
  'grace_period_days',
  'hosted_login_enabled',
  'id',
  'name',
  'previous_secret_expires_at',
  'previous_secret_last_used_at',
  'redirect_uris',
  'renewal_reminder_days',
  'secret_last_used_at',
  'slug',
  'theme_config',
  'time_zone',
  'updated_at',
];
const UNKNOWN_PROJECT = 'prj_AAAAAAAAAAAAAAAAAAAAAA';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function validProject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Acme Notes', redirect_uris: ['https://app.example.com/dashboard'], ...overrides };
}

function create(body: unknown) {
  return http(t.url, 'POST', PROJECTS, { admin: true, body });
}

function patch(id: string, body: unknown) {
  return http(t.url, 'PATCH', `${PROJECTS}/${id}`, { admin: true, body });
}

function get(id: string) {
  return http(t.url, 'GET', `${PROJECTS}/${id}`, { admin: true });
}

/** Asserts the `{"error":{"code","message"}}` shape, status and code; returns the message. */
function expectError(res: HttpResult, status: number, code: string, message?: string | RegExp): string {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  if (typeof message === 'string') expect(res.body.error.message).toBe(message);
  else if (message) expect(res.body.error.message).toMatch(message);
  expectNoInternals(res.text);
  return res.body.error.message;
}

/** No stack frames, source paths or library internals in an answer. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(/); // "at fn (file:line:col)"
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\.(ts|js|mjs|cjs):\d+/);
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/FST_ERR/);
}

async function countRows(table: 'projects' | 'plans' | 'events'): Promise<number> {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every row of the tables the admin API writes, for "nothing changed" assertions. */
async function snapshot(): Promise<string> {
  const db = t.database.db;
  const projects = await db.selectFrom('projects').selectAll().orderBy('id').execute();
  const plans = await db.selectFrom('plans').selectAll().orderBy('id').execute();
  const events = await db.selectFrom('events').select(['id', 'type', 'subject_id']).orderBy('seq').execute();
  return JSON.stringify({
    projects: projects.map((p) => ({ ...p, client_secret_hash: p.client_secret_hash.toString('hex') })),
    plans,
    events,
  });
}

async function projectRow(id: string) {
  return t.database.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function eventsOf(subjectId: string) {
  return t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subjectId).orderBy('seq').execute();
}

// =============================================================================================
// Happy paths
// =============================================================================================

describe('admin projects — happy', () => {
  it('creates a project: 201 with prj_ id, cli_ client id and a lgs_ client secret shown once', async () => {
    const res = await create(validProject({ name: 'Created project' }));
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual([...PROJECT_KEYS, 'client_secret'].sort());
    expect(res.body.id).toMatch(/^prj_[A-Za-z0-9_-]{22}$/);
    expect(res.body.client_id).toMatch(/^cli_[A-Za-z0-9_-]{22}$/);
    // 256 random bits, base64url.
    expect(res.body.client_secret).toMatch(/^lgs_[A-Za-z0-9_-]{43}$/);
    expect(res.body.name).toBe('Created project');
    expect(res.body.redirect_uris).toEqual(['https://app.example.com/dashboard']);
    expect(res.body.created_at).toBe(t.clock.now().toISOString());
    expect(res.body.updated_at).toBe(res.body.created_at);
  });

  it('applies defaults: currency IDR, default_locale en, grace_period_days 3, development_mode false, empty theme', async () => {
    const res = await create(validProject());
    expect(res.status, res.text).toBe(201);
    expect(res.body.currency).toBe('IDR');
    expect(res.body.default_locale).toBe('en');
    expect(res.body.grace_period_days).toBe(3);
    expect(res.body.development_mode).toBe(false);
    expect(res.body.theme_config).toEqual({});
    expect([res.body.email_sender_name, res.body.email_reply_to, res.body.email_disabled_types]).toEqual([null, null, []]);
    const row = await projectRow(res.body.id);
    expect([row.currency, row.default_locale, row.grace_period_days, row.development_mode]).toEqual(['IDR', 'en', 3, false]);
  });

  it('accepts every optional field when given explicitly', async () => {
    const theme = { colors: { primary: '#4f46e5', background: '#fff' }, font_family: 'serif', border_radius: 12, mode: 'dark' };
    const res = await create(
      validProject({
        currency: 'IDR',
        default_locale: 'id',
        grace_period_days: 0,
        development_mode: true,
        theme_config: theme,
        redirect_uris: ['https://app.example.com/a', 'http://localhost:5173/billing?tab=plans'],
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.default_locale).toBe('id');
    expect(res.body.grace_period_days).toBe(0);
    expect(res.body.development_mode).toBe(true);
    expect(res.body.theme_config).toEqual(theme);
    expect(res.body.redirect_uris).toEqual(['https://app.example.com/a', 'http://localhost:5173/billing?tab=plans']);
    expect((await get(res.body.id)).body.theme_config).toEqual(theme);
  });

  it('accepts grace_period_days at the 60-day maximum and a 100-character name', async () => {
    const res = await create(validProject({ name: 'n'.repeat(100), grace_period_days: 60 }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.name).toHaveLength(100);
    expect(res.body.grace_period_days).toBe(60);
  });

  it('accepts up to 20 redirect URIs', async () => {
    const uris = Array.from({ length: 20 }, (_, i) => `https://app.example.com/return/${i}`);
    const res = await create(validProject({ redirect_uris: uris }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.redirect_uris).toEqual(uris);
  });

  it('issues distinct ids, client ids and secrets for every project', async () => {
    const a = await create(validProject());
    const b = await create(validProject());
    expect(a.body.id).not.toBe(b.body.id);
    expect(a.body.client_id).not.toBe(b.body.client_id);
    expect(a.body.client_secret).not.toBe(b.body.client_secret);
  });

  it('stores only the SHA-256 client_secret_hash in the database, never the secret itself', async () => {
    const res = await create(validProject());
    const secret: string = res.body.client_secret;
    const row = await projectRow(res.body.id);
    expect(Buffer.isBuffer(row.client_secret_hash)).toBe(true);
    expect(row.client_secret_hash.equals(sha256(secret))).toBe(true);
    expect(Object.keys(row)).not.toContain('client_secret');
    const dump = await sql<{ dump: string }>`
      select string_agg(t, ' ') as dump from (
        select row_to_json(p)::text as t from projects p union all
        select row_to_json(e)::text from events e
      ) rows`.execute(t.database.db);
    const all = dump.rows[0]!.dump;
    expect(all).toContain(res.body.client_id);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice(4)); // nor its random part without the prefix
  });

  it('never shows the client secret again: GET and list carry neither the secret nor its hash', async () => {
    const res = await create(validProject());
    const secret: string = res.body.client_secret;
    const one = await get(res.body.id);
    const list = await http(t.url, 'GET', PROJECTS, { admin: true });
    for (const r of [one, list]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(secret);
      expect(r.text).not.toContain('client_secret');
      expect(r.text).not.toContain(sha256(secret).toString('hex'));
      expect(r.text).not.toContain(sha256(secret).toString('base64'));
    }
    expect(Object.keys(one.body).sort()).toEqual(PROJECT_KEYS);
  });

  it('GET returns the project exactly as created, minus the secret', async () => {
    const created = await create(validProject({ default_locale: 'id', theme_config: { mode: 'dark' } }));
    const { client_secret: _secret, ...expected } = created.body;
    const res = await get(created.body.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
  });

  it('lists every project oldest first, each without a secret', async () => {
    t.clock.advance(1_000);
    const first = await create(validProject({ name: 'List first' }));
    t.clock.advance(1_000);
    const second = await create(validProject({ name: 'List second' }));
    const res = await http(t.url, 'GET', PROJECTS, { admin: true });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    const ids: string[] = res.body.data.map((p: { id: string }) => p.id);
    expect(ids).toContain(shared.id);
    expect(ids.indexOf(first.body.id)).toBeLessThan(ids.indexOf(second.body.id));
    expect(ids.indexOf(shared.id)).toBeLessThan(ids.indexOf(first.body.id));
    const times = res.body.data.map((p: { created_at: string }) => p.created_at);
    expect([...times].sort()).toEqual(times);
    for (const p of res.body.data) expect(Object.keys(p).sort()).toEqual(PROJECT_KEYS);
    expect(res.body.data.find((p: { id: string }) => p.id === second.body.id).name).toBe('List second');
  });

  it('PATCH changes only the fields sent and moves updated_at with the clock, not created_at', async () => {
    const created = await create(
      validProject({ name: 'Before', default_locale: 'id', grace_period_days: 7, theme_config: { mode: 'dark' } }),
    );
    t.clock.advance(60_000);
    const res = await patch(created.body.id, { name: 'After' });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(PROJECT_KEYS);
    expect(res.body.name).toBe('After');
    expect(res.body.redirect_uris).toEqual(created.body.redirect_uris);
    expect(res.body.default_locale).toBe('id');
    expect(res.body.grace_period_days).toBe(7);
    expect(res.body.theme_config).toEqual({ mode: 'dark' });
    expect(res.body.client_id).toBe(created.body.client_id);
    expect(res.body.created_at).toBe(created.body.created_at);
    expect(res.body.updated_at).toBe(t.clock.now().toISOString());
    expect(new Date(res.body.updated_at).getTime() - new Date(created.body.created_at).getTime()).toBe(60_000);
    // The change is persisted, and the secret was not touched.
    expect((await get(created.body.id)).body).toEqual(res.body);
    expect((await projectRow(created.body.id)).client_secret_hash.equals(sha256(created.body.client_secret))).toBe(true);
  });

  it('PATCH updates each mutable field on its own', async () => {
    const created = await create(validProject());
    const id = created.body.id;
    const steps: Array<[Record<string, unknown>, (body: any) => void]> = [
      [{ redirect_uris: ['https://new.example.com/back', 'http://localhost:3000/cb'] }, (b) => expect(b.redirect_uris).toEqual(['https://new.example.com/back', 'http://localhost:3000/cb'])],
      [{ default_locale: 'id' }, (b) => expect(b.default_locale).toBe('id')],
      [{ grace_period_days: 14 }, (b) => expect(b.grace_period_days).toBe(14)],
      [{ development_mode: true }, (b) => expect(b.development_mode).toBe(true)],
      [{ theme_config: { colors: { primary: '#123abc' }, border_radius: 0 } }, (b) => expect(b.theme_config).toEqual({ colors: { primary: '#123abc' }, border_radius: 0 })],
      // theme_config is replaced as a whole, not merged.
      [{ theme_config: { mode: 'light' } }, (b) => expect(b.theme_config).toEqual({ mode: 'light' })],
      [{ theme_config: {} }, (b) => expect(b.theme_config).toEqual({})],
    ];
    for (const [body, check] of steps) {
      t.clock.advance(1_000);
      const res = await patch(id, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(200);
      check(res.body);
      expect(res.body.updated_at).toBe(t.clock.now().toISOString());
    }
    const final = (await get(id)).body;
    expect(final).toMatchObject({
      name: 'Acme Notes',
      redirect_uris: ['https://new.example.com/back', 'http://localhost:3000/cb'],
      default_locale: 'id',
      grace_period_days: 14,
      development_mode: true,
      theme_config: {},
      currency: 'IDR',
    });
  });

  it('records project.created and project.updated events (source admin, naming the changed fields)', async () => {
    const created = await create(validProject());
    await patch(created.body.id, { name: 'Renamed', grace_period_days: 5 });
    const events = await eventsOf(created.body.id);
    expect(events.map((e) => e.type)).toEqual(['project.created', 'project.updated']);
    for (const e of events) {
      expect(e.project_id).toBe(created.body.id);
      expect(e.source).toBe('admin');
    }
    expect((events[1]!.data as { fields: string[] }).fields.sort()).toEqual(['grace_period_days', 'name']);
  });

  it('time_zone defaults to Asia/Jakarta, takes any IANA name on create and PATCH, and is returned', async () => {
    const plain = await create(validProject());
    expect(plain.body.time_zone).toBe('Asia/Jakarta');
    const east = await create(validProject({ time_zone: 'Asia/Jayapura' }));
    expect(east.status, east.text).toBe(201);
    expect(east.body.time_zone).toBe('Asia/Jayapura');
    for (const zone of ['Asia/Makassar', 'Europe/Amsterdam', 'UTC', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires']) {
      const res = await patch(east.body.id, { time_zone: zone });
      expect(res.status, res.text).toBe(200);
      expect(res.body.time_zone).toBe(zone);
      expect((await get(east.body.id)).body.time_zone).toBe(zone);
    }
    expect((await projectRow(east.body.id)).time_zone).toBe('America/Argentina/Buenos_Aires');
  });

  it('rotate-secret issues a new secret that works while the old one is refused with 401', async () => {
    const p = await createProject(t.url);
    expect((await createSession(t.url, p, 'rotation-user')).status).toBe(200);
    const before = await projectRow(p.id);
    t.clock.advance(5_000);
    const rotated = await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true });
    expect(rotated.status, rotated.text).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual([...PROJECT_KEYS, 'client_secret'].sort());
    expect(rotated.body.id).toBe(p.id);
    expect(rotated.body.client_id).toBe(p.clientId);
    expect(rotated.body.client_secret).toMatch(/^lgs_[A-Za-z0-9_-]{43}$/);
    expect(rotated.body.client_secret).not.toBe(p.clientSecret);
    expect(rotated.body.updated_at).toBe(t.clock.now().toISOString());
    expect(rotated.body.created_at).toBe(before.created_at.toISOString());

    const old = await createSession(t.url, p, 'rotation-user');
    expectError(old, 401, 'invalid_credentials');
    const fresh: TestProject = { ...p, clientSecret: rotated.body.client_secret, creds: { clientId: p.clientId, clientSecret: rotated.body.client_secret } };
    expect((await createSession(t.url, fresh, 'rotation-user')).status).toBe(200);
    expect((await http(t.url, 'GET', '/api/platform/plans', { basic: p.creds })).status).toBe(401);
    expect((await http(t.url, 'GET', '/api/platform/plans', { basic: fresh.creds })).status).toBe(200);

    const after = await projectRow(p.id);
    expect(after.client_secret_hash.equals(sha256(rotated.body.client_secret))).toBe(true);
    expect(after.client_id).toBe(before.client_id);
    expect(after.name).toBe(before.name);
    expect((await eventsOf(p.id)).map((e) => e.type)).toContain('project.secret_rotated');
  });

  it('rotate-secret twice: only the latest secret works', async () => {
    const p = await createProject(t.url, { plans: [] });
    const r1 = await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true });
    const r2 = await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true });
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.body.client_secret).not.toBe(r2.body.client_secret);
    const withSecret = (secret: string) => ({ ...p, clientSecret: secret });
    expect((await createSession(t.url, withSecret(p.clientSecret), 'u')).status).toBe(401);
    expect((await createSession(t.url, withSecret(r1.body.client_secret), 'u')).status).toBe(401);
    expect((await createSession(t.url, withSecret(r2.body.client_secret), 'u')).status).toBe(200);
  });

  it('rotate-secret accepts an empty JSON object body', async () => {
    const p = await createProject(t.url, { plans: [] });
    const res = await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true, body: {} });
    expect(res.status, res.text).toBe(200);
    expect(res.body.client_secret).not.toBe(p.clientSecret);
  });

  describe('valid themes are accepted and returned verbatim', () => {
    const themes: Array<[string, Record<string, unknown>]> = [
      ['font stack system', { font_family: 'system' }],
      ['font stack sans-serif', { font_family: 'sans-serif' }],
      ['font stack serif', { font_family: 'serif' }],
      ['font stack monospace', { font_family: 'monospace' }],
      ['font stack rounded', { font_family: 'rounded' }],
      ['custom family Inter', { font_family: 'Inter' }],
      ['custom family with spaces and digits', { font_family: 'IBM Plex Sans 2' }],
      ['custom family of exactly 40 characters', { font_family: 'A'.repeat(40) }],
      ['custom family with a hyphen', { font_family: 'Source Sans-Pro' }],
      ['every colour key, #rgb and #rrggbb, both cases', { colors: { primary: '#4f46e5', background: '#FFF', surface: '#f8fafc', text: '#0F172A', muted: '#abc', danger: '#DC2626' } }],
      ['border_radius 0', { border_radius: 0 }],
      ['border_radius 32', { border_radius: 32 }],
      ['mode light', { mode: 'light' }],
      ['mode dark', { mode: 'dark' }],
      ['empty colours', { colors: {} }],
      ['everything at once', { colors: { primary: '#000000' }, font_family: 'rounded', border_radius: 16, mode: 'dark' }],
    ];
    it.each(themes)('%s', async (_name, theme) => {
      const res = await create(validProject({ theme_config: theme }));
      expect(res.status, res.text).toBe(201);
      expect(res.body.theme_config).toEqual(theme);
      const patched = await patch(res.body.id, { theme_config: theme });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.theme_config).toEqual(theme);
      expect((await projectRow(res.body.id)).theme_config).toEqual(theme);
    });
  });

  it('accepts the Bearer scheme case-insensitively and with surrounding whitespace', async () => {
    for (const authorization of [`bearer ${TEST_ADMIN_KEY}`, `BEARER ${TEST_ADMIN_KEY}`, `Bearer   ${TEST_ADMIN_KEY}  `]) {
      const res = await http(t.url, 'GET', `${PROJECTS}/${shared.id}`, { headers: { authorization } });
      expect(res.status, authorization).toBe(200);
    }
  });
});

// =============================================================================================
// Errors
// =============================================================================================

describe('admin projects — errors', () => {
  it('answers 404 project_not_found for an unknown (well-formed) id on GET, PATCH and rotate-secret', async () => {
    const before = await snapshot();
    const responses = [
      await get(UNKNOWN_PROJECT),
      await patch(UNKNOWN_PROJECT, { name: 'Nobody' }),
      await http(t.url, 'POST', `${PROJECTS}/${UNKNOWN_PROJECT}/rotate-secret`, { admin: true }),
    ];
    for (const res of responses) {
      expectError(res, 404, 'project_not_found', `No project with id ${UNKNOWN_PROJECT}`);
    }
    expect(await snapshot()).toBe(before);
  });

  describe('answers 400 invalid_request for malformed project ids', () => {
    const malformed = ['abc', 'prj_', 'prj', 'PRJ_abc', 'plan_abc', 'prj_abc%20def', 'prj_abc.def', `prj_${'a'.repeat(65)}`, 'prj_abc%0A', "prj_'or'1'='1"];
    it.each(malformed)('%s', async (id) => {
      for (const res of [
        await http(t.url, 'GET', `${PROJECTS}/${id}`, { admin: true }),
        await http(t.url, 'PATCH', `${PROJECTS}/${id}`, { admin: true, body: { name: 'x' } }),
        await http(t.url, 'POST', `${PROJECTS}/${id}/rotate-secret`, { admin: true }),
      ]) {
        expectError(res, 400, 'invalid_request', 'id must be a project id (prj_…)');
      }
    });
  });

  describe('create: name', () => {
    it.each<[string, Record<string, unknown>, string | RegExp]>([
      ['missing', { redirect_uris: ['https://a.example.com/'] }, 'name is required'],
      ['empty', validProject({ name: '' }), /^name must NOT have fewer than 1 characters/],
      ['101 characters', validProject({ name: 'n'.repeat(101) }), /^name must NOT have more than 100 characters/],
      ['a number', validProject({ name: 5 }), 'name must be a string'],
      ['null', validProject({ name: null }), 'name must be a string'],
      ['an array', validProject({ name: ['Acme'] }), 'name must be a string'],
    ])('refuses a name that is %s', async (_case, body, message) => {
      const before = await countRows('projects');
      expectError(await create(body), 400, 'invalid_request', message);
      expect(await countRows('projects')).toBe(before);
    });
  });

  describe('create: redirect_uris', () => {
    const URL_MESSAGE = 'must be an absolute http(s) URL without a fragment';
    it.each<[string, unknown, string | RegExp]>([
      ['a relative URL', ['/dashboard'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a scheme-less URL', ['app.example.com/dashboard'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a protocol-relative URL', ['//app.example.com/dashboard'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['an ftp:// URL', ['ftp://files.example.com/'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a javascript: URL', ['javascript:alert(1)'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a javascript:// URL', ['javascript://example.com/%0Aalert(1)'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a data: URL', ['data:text/html,<script>alert(1)</script>'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a URL with a #fragment', ['https://app.example.com/dashboard#section'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a bare # fragment', ['https://app.example.com/#'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a scheme with no host', ['https://'], `redirect_uris.0 ${URL_MESSAGE}`],
      // RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid and must be rejected.
      ['an empty host followed by a path (https:///path)', ['https:///path'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a URL with spaces', ['https://app.example.com/a b'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a URL with a newline', ['https://app.example.com/\nSet-Cookie: x=1'], `redirect_uris.0 ${URL_MESSAGE}`],
      ['a bad second entry', ['https://ok.example.com/', 'ftp://bad.example.com/'], `redirect_uris.1 ${URL_MESSAGE}`],
      ['duplicates', ['https://app.example.com/x', 'https://app.example.com/x'], /^redirect_uris .*duplicate/],
      ['more than 20 entries', Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`), /^redirect_uris must NOT have more than 20 items/],
      ['an entry over 2000 characters', [`https://app.example.com/${'a'.repeat(2000)}`], /^redirect_uris\.0 /],
      ['a string instead of an array', 'https://x', 'redirect_uris must be an array'],
      ['an object', { 0: 'https://x.example.com/' }, 'redirect_uris must be an array'],
      ['null', null, 'redirect_uris must be an array'],
      ['an array of numbers', [5], 'redirect_uris.0 must be a string'],
    ])('refuses %s', async (_case, redirectUris, message) => {
      const before = await countRows('projects');
      expectError(await create(validProject({ redirect_uris: redirectUris })), 400, 'invalid_request', message);
      expect(await countRows('projects')).toBe(before);
    });

    it('refuses a body without redirect_uris', async () => {
      expectError(await create({ name: 'No URIs' }), 400, 'invalid_request', 'redirect_uris is required');
    });
  });

  describe('create: currency, default_locale, grace_period_days, development_mode', () => {
    it.each<[string, Record<string, unknown>, string | RegExp]>([
      ['currency USD', { currency: 'USD' }, 'currency must be one of IDR'],
      ['currency idr (lowercase)', { currency: 'idr' }, 'currency must be one of IDR'],
      ['currency empty', { currency: '' }, 'currency must be one of IDR'],
      ['currency a number', { currency: 360 }, /^currency must be/],
      ['default_locale fr', { default_locale: 'fr' }, 'default_locale must be one of en, id'],
      ['default_locale EN', { default_locale: 'EN' }, 'default_locale must be one of en, id'],
      ['default_locale en-US', { default_locale: 'en-US' }, 'default_locale must be one of en, id'],
      ['grace_period_days -1', { grace_period_days: -1 }, /^grace_period_days must be >= 0/],
      ['grace_period_days 61', { grace_period_days: 61 }, /^grace_period_days must be <= 60/],
      ['grace_period_days 1.5', { grace_period_days: 1.5 }, 'grace_period_days must be an integer'],
      ['grace_period_days "3"', { grace_period_days: '3' }, 'grace_period_days must be an integer'],
      ['development_mode "true"', { development_mode: 'true' }, 'development_mode must be true or false'],
      ['development_mode 1', { development_mode: 1 }, 'development_mode must be true or false'],
    ])('refuses %s', async (_case, extra, message) => {
      const before = await countRows('projects');
      expectError(await create(validProject(extra)), 400, 'invalid_request', message);
      expect(await countRows('projects')).toBe(before);
    });
  });

  describe('create: unknown fields and wrong body shapes are refused, never stripped', () => {
    it.each<[string, unknown, string | RegExp]>([
      ['an unknown field zzz', validProject({ zzz: 1 }), 'zzz is not a recognised field'],
      ['a client_secret chosen by the caller', validProject({ client_secret: 'lgs_mine' }), 'client_secret is not a recognised field'],
      ['a client_id chosen by the caller', validProject({ client_id: 'cli_mine' }), 'client_id is not a recognised field'],
      ['an id chosen by the caller', validProject({ id: 'prj_mine' }), 'id is not a recognised field'],
      ['a client_secret_hash', validProject({ client_secret_hash: '00' }), 'client_secret_hash is not a recognised field'],
      ['a created_at', validProject({ created_at: '2020-01-01T00:00:00Z' }), 'created_at is not a recognised field'],
      ['a JSON array', [validProject()], /must be a JSON object/],
      ['a JSON string', 'Acme', /must be a JSON object/],
      ['JSON null', null, /must be a JSON object/],
    ])('refuses %s', async (_case, body, message) => {
      const before = await countRows('projects');
      expectError(await create(body), 400, 'invalid_request', message);
      expect(await countRows('projects')).toBe(before);
    });
  });

  describe('theme_config validation (values end up in a <style> block)', () => {
    const HEX = 'must be a hex colour such as #1a2b3c or #abc';
    const badColours = [
      'red',
      '#12345',
      '#1234567',
      '#gggggg',
      '#ggg',
      '123456',
      '#',
      '',
      ' #ffffff',
      '#ffffff ',
      '#fff\n',
      '#ffff',
      'red;}body{display:none',
      '#fff;background:url(https://evil)',
      'url(javascript:alert(1))',
      '</style><script>alert(1)</script>',
      'expression(alert(1))',
      'rgb(0,0,0)',
      'var(--x)',
      '#fff}',
      '#fff\\;',
    ];
    it.each(badColours)('refuses the colour %j for primary, naming the field', async (colour) => {
      const before = await countRows('projects');
      expectError(await create(validProject({ theme_config: { colors: { primary: colour } } })), 400, 'invalid_request', `theme_config.colors.primary ${HEX}`);
      expect(await countRows('projects')).toBe(before);
    });

    it.each(['background', 'surface', 'text', 'muted', 'danger'])('validates the %s colour too', async (key) => {
      expectError(
        await create(validProject({ theme_config: { colors: { [key]: 'red;}body{display:none' } } })),
        400,
        'invalid_request',
        `theme_config.colors.${key} ${HEX}`,
      );
    });

    it('refuses a colour that is not a string', async () => {
      expectError(await create(validProject({ theme_config: { colors: { primary: 0xffffff } } })), 400, 'invalid_request', 'theme_config.colors.primary must be a string');
    });

    it('refuses an unknown colour key', async () => {
      expectError(await create(validProject({ theme_config: { colors: { accent: '#fff' } } })), 400, 'invalid_request', 'theme_config.colors.accent is not a recognised field');
    });

    it('refuses colours that are not an object', async () => {
      expectError(await create(validProject({ theme_config: { colors: '#fff' } })), 400, 'invalid_request', 'theme_config.colors must be a JSON object');
      expectError(await create(validProject({ theme_config: { colors: ['#fff'] } })), 400, 'invalid_request', 'theme_config.colors must be a JSON object');
    });

    const FONT = /^theme_config\.font_family must be one of inter, plus-jakarta-sans, noto-sans, lora, system, sans-serif, serif, monospace, rounded or a font name/;
    it.each([
      'Inter";}body{x:y',
      "Inter';}body{x:y",
      '</style>',
      'url(x)',
      'A'.repeat(41),
      '',
      'Inter, serif',
      'Inter;',
      'Inter\\',
      'Inter\nbody{}',
      'Ïnter',
      'Inter/*x*/',
      'expression(alert(1))',
    ])('refuses the font_family %j', async (font) => {
      const before = await countRows('projects');
      expectError(await create(validProject({ theme_config: { font_family: font } })), 400, 'invalid_request', FONT);
      expect(await countRows('projects')).toBe(before);
    });

    it.each<[unknown, string]>([
      [-1, 'theme_config.border_radius must be a whole number of pixels from 0 to 32'],
      [33, 'theme_config.border_radius must be a whole number of pixels from 0 to 32'],
      [1e9, 'theme_config.border_radius must be a whole number of pixels from 0 to 32'],
      [4.5, 'theme_config.border_radius must be an integer'],
      ['8', 'theme_config.border_radius must be an integer'],
      ['8px', 'theme_config.border_radius must be an integer'],
      [null, 'theme_config.border_radius must be an integer'],
    ])('refuses border_radius %j', async (radius, message) => {
      expectError(await create(validProject({ theme_config: { border_radius: radius } })), 400, 'invalid_request', message);
    });

    it.each(['sepia', 'Dark', 'LIGHT', 'auto', '', 'dark;}'])('refuses mode %j', async (mode) => {
      expectError(await create(validProject({ theme_config: { mode } })), 400, 'invalid_request', 'theme_config.mode must be one of light, dark, system');
    });

    it('refuses an unknown top-level theme key', async () => {
      expectError(await create(validProject({ theme_config: { css: 'body{display:none}' } })), 400, 'invalid_request', 'theme_config.css is not a recognised field');
      expectError(await create(validProject({ theme_config: { logo_url: 'https://x' } })), 400, 'invalid_request', 'theme_config.logo_url is not a recognised field');
    });

    it('refuses a theme_config that is not an object', async () => {
      expectError(await create(validProject({ theme_config: 'dark' })), 400, 'invalid_request', 'theme_config must be a JSON object');
      expectError(await create(validProject({ theme_config: null })), 400, 'invalid_request', 'theme_config must be a JSON object');
    });

    it('applies the same theme rules on PATCH and leaves the stored theme untouched', async () => {
      const p = await create(validProject({ theme_config: { colors: { primary: '#4f46e5' } } }));
      const before = await projectRow(p.body.id);
      for (const theme of [
        { colors: { primary: '</style><script>alert(1)</script>' } },
        { font_family: 'Inter";}body{x:y' },
        { border_radius: 33 },
        { mode: 'sepia' },
        { css: 'x' },
      ]) {
        expectError(await patch(p.body.id, { theme_config: theme }), 400, 'invalid_request', /^theme_config\./);
      }
      const after = await projectRow(p.body.id);
      expect(after.theme_config).toEqual({ colors: { primary: '#4f46e5' } });
      expect(after.updated_at.getTime()).toBe(before.updated_at.getTime());
    });
  });

  describe('strings PostgreSQL cannot store are refused as 400, never a 500', () => {
    it('refuses a NUL character (U+0000) in the name on create, naming the field', async () => {
      const before = await countRows('projects');
      expectError(await create(validProject({ name: 'Acme\u0000Notes' })), 400, 'invalid_request', /^name /);
      expect(await countRows('projects')).toBe(before);
    });

    it('refuses a NUL character (U+0000) in the name on PATCH, naming the field, and changes nothing', async () => {
      const before = await snapshot();
      expectError(await patch(shared.id, { name: '\u0000' }), 400, 'invalid_request', /^name /);
      expect(await snapshot()).toBe(before);
    });
  });

  describe('PATCH validation', () => {
    it('refuses an empty object: at least one field is required', async () => {
      const before = await snapshot();
      const message = expectError(await patch(shared.id, {}), 400, 'invalid_request');
      expect(message).toMatch(/fewer than 1 propert|at least one/i);
      expect(await snapshot()).toBe(before);
    });

    it.each<[string, Record<string, unknown>, string | RegExp]>([
      ['an unknown field', { zzz: 1 }, 'zzz is not a recognised field'],
      ['currency (fixed at creation)', { currency: 'IDR' }, 'currency is not a recognised field'],
      ['client_id', { client_id: 'cli_x' }, 'client_id is not a recognised field'],
      ['client_secret', { client_secret: 'lgs_x' }, 'client_secret is not a recognised field'],
      ['id', { id: 'prj_x' }, 'id is not a recognised field'],
      ['created_at', { created_at: '2020-01-01T00:00:00Z' }, 'created_at is not a recognised field'],
      ['an empty name', { name: '' }, /^name must NOT have fewer than 1 characters/],
      ['a name too long', { name: 'x'.repeat(101) }, /^name must NOT have more than 100 characters/],
      ['a numeric name', { name: 5 }, 'name must be a string'],
      ['a null name', { name: null }, 'name must be a string'],
      ['redirect_uris as a string', { redirect_uris: 'https://x' }, 'redirect_uris must be an array'],
      ['a relative redirect URI', { redirect_uris: ['/x'] }, 'redirect_uris.0 must be an absolute http(s) URL without a fragment'],
      ['a redirect URI with a fragment', { redirect_uris: ['https://x.example.com/#f'] }, 'redirect_uris.0 must be an absolute http(s) URL without a fragment'],
      ['duplicate redirect URIs', { redirect_uris: ['https://x.example.com/', 'https://x.example.com/'] }, /^redirect_uris .*duplicate/],
      ['default_locale fr', { default_locale: 'fr' }, 'default_locale must be one of en, id'],
      ['grace_period_days 61', { grace_period_days: 61 }, /^grace_period_days must be <= 60/],
      ['development_mode "yes"', { development_mode: 'yes' }, 'development_mode must be true or false'],
      ['a valid field alongside an unknown one', { name: 'Fine', zzz: 1 }, 'zzz is not a recognised field'],
    ])('refuses %s and changes nothing', async (_case, body, message) => {
      const before = await snapshot();
      expectError(await patch(shared.id, body), 400, 'invalid_request', message);
      expect(await snapshot()).toBe(before);
    });

    it('refuses a body that is not an object', async () => {
      for (const body of [[], 'name', 42, true]) {
        expectError(await patch(shared.id, body), 400, 'invalid_request', /must be a JSON object/);
      }
    });
  });

  it('rotate-secret refuses unknown fields and bodies that are not objects, and keeps the old secret working', async () => {
    const p = await createProject(t.url, { plans: [] });
    const before = await snapshot();
    expectError(
      await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true, body: { client_secret: 'lgs_mine' } }),
      400,
      'invalid_request',
      'client_secret is not a recognised field',
    );
    expectError(await http(t.url, 'POST', `${PROJECTS}/${p.id}/rotate-secret`, { admin: true, body: [] }), 400, 'invalid_request');
    expect(await snapshot()).toBe(before);
    expect((await createSession(t.url, p, 'still-works')).status).toBe(200);
  });

  describe('time_zone', () => {
    it.each<[string, unknown, string | RegExp]>([
      ['an unknown zone', 'Mars/Olympus_Mons', 'time_zone must be an IANA time zone name, such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura'],
      ['a zone in the wrong case', 'asia/jakarta', /^time_zone must be an IANA time zone name/],
      ['an offset', '+07:00', /^time_zone must be an IANA time zone name/],
      ['an abbreviation', 'WIB', /^time_zone must be an IANA time zone name/],
      ['an empty string', '', /^time_zone must be an IANA time zone name/],
      ['a number', 7, 'time_zone must be a string'],
      ['null', null, 'time_zone must be a string'],
    ])('refuses %s on create and PATCH, changing nothing', async (_case, zone, message) => {
      const before = await snapshot();
      expectError(await create(validProject({ time_zone: zone })), 400, 'invalid_request', message);
      expectError(await patch(shared.id, { time_zone: zone }), 400, 'invalid_request', message);
      expect(await snapshot()).toBe(before);
    });
  });

  it('answers 404 not_found for unknown admin paths and 404/405-style refusals for unsupported methods', async () => {
    const res = await http(t.url, 'GET', '/api/admin/nothing-here', { admin: true });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const del = await http(t.url, 'DELETE', `${PROJECTS}/${shared.id}`, { admin: true });
    expect([404, 405]).toContain(del.status);
    expectNoInternals(del.text);
    expect((await get(shared.id)).status).toBe(200);
  });
});

// =============================================================================================
// Security
// =============================================================================================

describe('admin API — security', () => {
  // Every admin route against missing and wrong keys: test/security/auth-matrix.test.ts,
  // derived from the registered routes.
  describe('401 before anything else', () => {
    let p: TestProject;
    beforeAll(async () => {
      p = await createProject(t.url, { name: 'Auth target' });
    });

    const WRONG_KEY = 'adm_wrong_key_0123456789abcdefghijklm';

    it('401 comes before validation and lookups: unknown and malformed ids answer the same as real ones', async () => {
      const requests: Array<[string, string, unknown]> = [
        ['GET', `${PROJECTS}/${p.id}`, undefined],
        ['GET', `${PROJECTS}/${UNKNOWN_PROJECT}`, undefined],
        ['GET', `${PROJECTS}/not-an-id`, undefined],
        ['GET', `${PROJECTS}/${UNKNOWN_PROJECT}/plans`, undefined],
        ['GET', `${PROJECTS}/${p.id}/plans?include_archived=banana`, undefined],
        ['PATCH', `${PROJECTS}/${p.id}/plans/not-a-plan`, { zzz: 1 }],
        ['POST', `${PROJECTS}/x/plans/y/archive`, undefined],
        ['POST', PROJECTS, { zzz: 1 }],
        ['PATCH', `${PROJECTS}/${p.id}`, {}],
      ];
      const texts = new Set<string>();
      for (const [method, path, body] of requests) {
        const res = await http(t.url, method, path, { headers: { authorization: `Bearer ${WRONG_KEY}` }, ...(body !== undefined && { body }) });
        expect(res.status, `${method} ${path}`).toBe(401);
        texts.add(res.text);
      }
      expect(texts.size).toBe(1);
    });
  });

  it('never stores a project when the body carries prototype-pollution keys', async () => {
    const before = await countRows('projects');
    for (const raw of [
      '{"name":"Proto","redirect_uris":["https://a.example.com/"],"__proto__":{"development_mode":true}}',
      '{"name":"Proto","redirect_uris":["https://a.example.com/"],"constructor":{"prototype":{"x":1}}}',
    ]) {
      const res = await http(t.url, 'POST', PROJECTS, { admin: true, raw });
      expect(res.status, res.text).toBe(400);
      expect(['invalid_json', 'invalid_request']).toContain(res.body.error.code);
      expectNoInternals(res.text);
    }
    expect(await countRows('projects')).toBe(before);
    expect(({} as Record<string, unknown>).development_mode).toBeUndefined();
  });

  describe('HTTP edge cases on body-taking project routes', () => {
    const bodyRoutes = (): Array<[string, string, string]> => [
      ['POST /api/admin/projects', 'POST', PROJECTS],
      ['PATCH /api/admin/projects/:id', 'PATCH', `${PROJECTS}/${shared.id}`],
      ['POST /api/admin/projects/:id/rotate-secret', 'POST', `${PROJECTS}/${shared.id}/rotate-secret`],
    ];

    it('answers 400 invalid_json to a body that is not JSON, without internals', async () => {
      const before = await snapshot();
      for (const [name, method, path] of bodyRoutes()) {
        for (const raw of ['{not json', '{"name": "x",}', "{'name':'x'}", 'name=x', '{"name":"x"', '\u0000']) {
          const res = await http(t.url, method, path, { admin: true, raw });
          expectError(res, 400, 'invalid_json', 'The request body is not valid JSON');
          expect(res.text, name).not.toMatch(/Unexpected token|SyntaxError|position \d+/);
        }
      }
      expect(await snapshot()).toBe(before);
    });

    it('answers 400 invalid_json to an empty body declared as JSON on create and PATCH', async () => {
      for (const [, method, path] of bodyRoutes().slice(0, 2)) {
        const res = await http(t.url, method, path, { admin: true, raw: '' });
        expectError(res, 400, 'invalid_json');
      }
    });

    it('answers 415 unsupported_media_type to text/plain and form bodies', async () => {
      const before = await snapshot();
      for (const [, method, path] of bodyRoutes()) {
        for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
          const res = await http(t.url, method, path, { admin: true, raw: JSON.stringify(validProject()), contentType });
          expectError(res, 415, 'unsupported_media_type', 'Send the request body as application/json');
        }
      }
      expect(await snapshot()).toBe(before);
    });

    it('accepts application/json with a charset parameter', async () => {
      const res = await http(t.url, 'POST', PROJECTS, { admin: true, raw: JSON.stringify(validProject()), contentType: 'application/json; charset=utf-8' });
      expect(res.status, res.text).toBe(201);
    });

    it('answers 413 payload_too_large to a body over 100 KB (with and without Content-Length)', async () => {
      const before = await snapshot();
      const big = JSON.stringify(validProject({ name: 'x'.repeat(101 * 1024) }));
      for (const [, method, path] of bodyRoutes()) {
        const res = await http(t.url, method, path, { admin: true, raw: big });
        expectError(res, 413, 'payload_too_large', 'The request body is larger than the 100 KB limit');
        const chunked = await rawRequest(
          t.url,
          method,
          path,
          { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          big,
        );
        expect(chunked.status).toBe(413);
        expect(JSON.parse(chunked.text).error.code).toBe('payload_too_large');
        expectNoInternals(chunked.text);
      }
      expect(await snapshot()).toBe(before);
    });

    it('a body just under the limit reaches validation (400 naming the field, not 413)', async () => {
      const res = await create(validProject({ name: 'x'.repeat(90 * 1024) }));
      expectError(res, 400, 'invalid_request', /^name must NOT have more than 100 characters/);
    });
  });

  it('sends nosniff and a request id on admin answers, including errors', async () => {
    for (const res of [await get(shared.id), await get(UNKNOWN_PROJECT), await http(t.url, 'GET', PROJECTS)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-request-id')).toMatch(/\S/);
    }
  });
});
