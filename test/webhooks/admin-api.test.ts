import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http, type HttpResult } from '../support/http.ts';
import { devProject, webhooksPath } from './support.ts';

let t: TestApp;
let project: TestProject;
let other: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { plans: [] });
  other = await createProject(t.url, { plans: [] });
});
afterAll(() => t.close());

const ENDPOINT_KEYS = ['created_at', 'description', 'event_types', 'id', 'previous_secret_expires_at', 'updated_at', 'url'];
const UNKNOWN_PROJECT = 'prj_AAAAAAAAAAAAAAAAAAAAAA';
const UNKNOWN_ENDPOINT = 'ep_AAAAAAAAAAAAAAAAAAAAAA';

function create(projectId: string, body: unknown) {
  return http(t.url, 'POST', webhooksPath(projectId), { admin: true, body });
}

function expectError(res: HttpResult, status: number, code: string, message?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  if (message) expect(res.body.error.message).toMatch(message);
  expect(res.text).not.toMatch(/\n\s+at |node_modules|FST_ERR/);
}

describe('creating an endpoint', () => {
  it('returns the endpoint and its whsec_ signing secret, once', async () => {
    const res = await create(project.id, {
      url: 'https://hooks.example.com/langgan',
      event_types: ['subscription.updated', 'payment.succeeded'],
      description: 'Production backend',
    });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([...ENDPOINT_KEYS, 'secret'].sort());
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ep_[A-Za-z0-9_-]{22}$/),
      url: 'https://hooks.example.com/langgan',
      description: 'Production backend',
      event_types: ['subscription.updated', 'payment.succeeded'],
      previous_secret_expires_at: null,
      created_at: t.clock.now().toISOString(),
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const one = await http(t.url, 'GET', webhooksPath(project.id, res.body.id), { admin: true });
    const list = await http(t.url, 'GET', webhooksPath(project.id), { admin: true });
    for (const r of [one, list]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(res.body.secret);
      expect(r.text).not.toContain(res.body.secret.slice(6));
      expect(r.text).not.toContain('secret"');
    }
    expect(Object.keys(one.body).sort()).toEqual(ENDPOINT_KEYS);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(res.body.id);
  });

  it('defaults to every event type (null) and an empty description', async () => {
    const res = await create(project.id, { url: 'https://hooks.example.com/all' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.event_types).toBeNull();
    expect(res.body.description).toBe('');
  });

  it('refuses bad URLs with 400 naming url', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not a url', /^url must be an absolute https URL$/],
      ['/relative/path', /^url must be an absolute https URL$/],
      ['ftp://hooks.example.com/', /^url must be an absolute https URL$/],
      ['http://hooks.example.com/hooks', /^url must be an https URL \(http is allowed only while the project is in development mode\)$/],
      ['https://127.0.0.1/hooks', /^url must not point at a private, loopback/],
      ['https://10.0.0.5/hooks', /^url must not point at a private/],
      ['https://169.254.169.254/latest/meta-data/', /^url must not point at a private/],
      ['https://[::1]:8443/', /^url must not point at a private/],
      ['https://[::ffff:192.168.1.1]/', /^url must not point at a private/],
      ['https://localhost:3000/hooks', /^url must not point at localhost/],
      ['https://user:secret@hooks.example.com/', /^url must not carry a user name or password$/],
      ['https://hooks.example.com/#top', /^url must not carry a fragment$/],
      ['https://' + 'a'.repeat(2000) + '.com/', /^url must NOT have more than 2000 characters$/],
      ['', /^url must NOT have fewer than 1 characters$/],
      [42, /^url must be a string$/],
    ];
    for (const [url, message] of cases) expectError(await create(project.id, { url }), 400, 'invalid_request', message);
  });

  it('refuses unknown event types, empty or repeated filters, extra fields and missing url', async () => {
    const url = 'https://hooks.example.com/x';
    expectError(await create(project.id, { url, event_types: ['subscription.updated', 'project.created'] }), 400, 'invalid_request', /^event_types\.1 must be one of subscription\.created, subscription\.updated/);
    expectError(await create(project.id, { url, event_types: ['payment.created'] }), 400, 'invalid_request', /^event_types\.0 must be one of/);
    expectError(await create(project.id, { url, event_types: [] }), 400, 'invalid_request', /^event_types must NOT have fewer than 1 items$/);
    expectError(await create(project.id, { url, event_types: ['payment.failed', 'payment.failed'] }), 400, 'invalid_request', /^event_types must NOT have duplicate items/);
    expectError(await create(project.id, { url, event_types: 'payment.failed' }), 400, 'invalid_request', /^event_types must be an array$/);
    expectError(await create(project.id, { url, secret: 'whsec_mine' }), 400, 'invalid_request', /^secret is not a recognised field$/);
    expectError(await create(project.id, { url, enabled: true }), 400, 'invalid_request', /^enabled is not a recognised field$/);
    expectError(await create(project.id, { description: 'no url' }), 400, 'invalid_request', /^url is required$/);
    expectError(await create(project.id, { url, description: 'x'.repeat(201) }), 400, 'invalid_request', /^description must NOT have more than 200 characters$/);
    expectError(await http(t.url, 'POST', webhooksPath(project.id), { admin: true, raw: '{"url":', contentType: 'application/json' }), 400, 'invalid_json');
  });

  it('allows http and private addresses while the project is in development mode', async () => {
    const dev = await devProject(t);
    for (const url of ['http://127.0.0.1:4000/hooks', 'http://localhost:4000/hooks', 'https://[::1]:8443/', 'http://10.0.0.5/hooks']) {
      const res = await create(dev.id, { url });
      expect(res.status, `${url}: ${res.text}`).toBe(201);
    }
  });

  it('answers 404 for an unknown project and 401 without the admin key', async () => {
    expectError(await create(UNKNOWN_PROJECT, { url: 'https://hooks.example.com/' }), 404, 'project_not_found');
    expectError(await http(t.url, 'GET', webhooksPath(UNKNOWN_PROJECT), { admin: true }), 404, 'project_not_found');
    const anonymous = await http(t.url, 'POST', webhooksPath(project.id), { body: { url: 'https://hooks.example.com/' } });
    expect(anonymous.status).toBe(401);
    const list = await http(t.url, 'GET', webhooksPath(project.id), { headers: { authorization: 'Bearer wrong-key-wrong-key-wrong-key' } });
    expect(list.status).toBe(401);
    expectError(await http(t.url, 'GET', webhooksPath('nope'), { admin: true }), 400, 'invalid_request', /^id must be a project id/);
  });
});

describe('managing an endpoint', () => {
  it('updates url, filter and description; null filter means every type', async () => {
    const created = (await create(project.id, { url: 'https://hooks.example.com/v1', event_types: ['payment.failed'] })).body;
    t.clock.advance(1000);
    const path = webhooksPath(project.id, created.id);
    const res = await http(t.url, 'PATCH', path, { admin: true, body: { url: 'https://hooks.example.com/v2', description: 'v2' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ url: 'https://hooks.example.com/v2', description: 'v2', event_types: ['payment.failed'] });
    expect(res.body.updated_at).not.toBe(res.body.created_at);
    const all = await http(t.url, 'PATCH', path, { admin: true, body: { event_types: null } });
    expect(all.body.event_types).toBeNull();
    expectError(await http(t.url, 'PATCH', path, { admin: true, body: {} }), 400, 'invalid_request', /must NOT have fewer than 1 properties/);
    expectError(await http(t.url, 'PATCH', path, { admin: true, body: { url: 'http://hooks.example.com/' } }), 400, 'invalid_request', /^url must be an https URL/);
    expectError(await http(t.url, 'PATCH', path, { admin: true, body: { secret: 'x' } }), 400, 'invalid_request', /^secret is not a recognised field$/);
    expectError(await http(t.url, 'PATCH', path, { admin: true, body: { event_types: ['nope'] } }), 400, 'invalid_request', /^event_types/);
  });

  it('rotates the secret: a new one shown once, the old one kept signing for 24 h by default', async () => {
    const created = (await create(project.id, { url: 'https://hooks.example.com/rotate' })).body;
    const path = `${webhooksPath(project.id, created.id)}/rotate-secret`;
    const rotated = await http(t.url, 'POST', path, { admin: true });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previous_secret_expires_at).toBe(new Date(t.clock.now().getTime() + 86_400_000).toISOString());

    const row = await t.database.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secret).toBe(rotated.body.secret);
    expect(row.previous_secret).toBe(created.secret);

    const immediate = await http(t.url, 'POST', path, { admin: true, body: { previous_secret_expires_in: 0 } });
    expect(immediate.status, immediate.text).toBe(200);
    expect(immediate.body.previous_secret_expires_at).toBeNull();
    const after = await t.database.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(after.previous_secret).toBeNull();

    expectError(await http(t.url, 'POST', path, { admin: true, body: { previous_secret_expires_in: -1 } }), 400, 'invalid_request', /^previous_secret_expires_in must be >= 0$/);
    expectError(await http(t.url, 'POST', path, { admin: true, body: { previous_secret_expires_in: 700_000 } }), 400, 'invalid_request', /^previous_secret_expires_in must be <= 604800$/);
    expectError(await http(t.url, 'POST', path, { admin: true, body: { grace: 1 } }), 400, 'invalid_request', /^grace is not a recognised field$/);
    const get = await http(t.url, 'GET', webhooksPath(project.id, created.id), { admin: true });
    expect(get.text).not.toContain(immediate.body.secret);
  });

  it('deletes an endpoint; then it is gone (404)', async () => {
    const created = (await create(project.id, { url: 'https://hooks.example.com/delete-me' })).body;
    const path = webhooksPath(project.id, created.id);
    const res = await http(t.url, 'DELETE', path, { admin: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ id: created.id, deleted: true });
    expectError(await http(t.url, 'GET', path, { admin: true }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'DELETE', path, { admin: true }), 404, 'webhook_endpoint_not_found');
  });

  it("keeps projects apart: another project's endpoint is a 404 on every route", async () => {
    const mine = (await create(project.id, { url: 'https://hooks.example.com/mine' })).body;
    const theirs = webhooksPath(other.id, mine.id);
    expectError(await http(t.url, 'GET', theirs, { admin: true }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'PATCH', theirs, { admin: true, body: { description: 'x' } }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'POST', `${theirs}/rotate-secret`, { admin: true }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'GET', `${theirs}/deliveries`, { admin: true }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'DELETE', theirs, { admin: true }), 404, 'webhook_endpoint_not_found');
    const list = await http(t.url, 'GET', webhooksPath(other.id), { admin: true });
    expect(list.body.data.map((e: { id: string }) => e.id)).not.toContain(mine.id);
    expect((await http(t.url, 'GET', webhooksPath(project.id, mine.id), { admin: true })).status).toBe(200);
    expectError(await http(t.url, 'GET', webhooksPath(project.id, UNKNOWN_ENDPOINT), { admin: true }), 404, 'webhook_endpoint_not_found');
    expectError(await http(t.url, 'GET', webhooksPath(project.id, 'whatever'), { admin: true }), 400, 'invalid_request', /^endpointId must be a webhook endpoint id/);
  });
});

describe('secrets at rest', () => {
  it('keeps signing secrets only in webhook_endpoints (they must sign), never in events or logs of deliveries', async () => {
    const created = (await create(project.id, { url: 'https://hooks.example.com/at-rest' })).body;
    const dump = await sql<{ dump: string | null }>`
      select string_agg(t, ' ') as dump from (
        select row_to_json(e)::text as t from events e union all
        select row_to_json(d)::text from webhook_deliveries d union all
        select row_to_json(a)::text from webhook_attempts a union all
        select row_to_json(p)::text from projects p
      ) rows`.execute(t.database.db);
    expect(dump.rows[0]!.dump ?? '').not.toContain(created.secret.slice(6));
  });
});

describe('the audit log', () => {
  it('records creating, editing, rotating and deleting an endpoint, each with its change and never a secret', async () => {
    const created = await create(project.id, { url: 'https://hooks.example.com/audited' });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await http(t.url, 'PATCH', webhooksPath(project.id, id), { admin: true, body: { description: 'renamed' } })).status).toBe(200);
    const rotated = await http(t.url, 'POST', `${webhooksPath(project.id, id)}/rotate-secret`, { admin: true, body: {} });
    expect(rotated.status, rotated.text).toBe(200);
    expect((await http(t.url, 'DELETE', webhooksPath(project.id, id), { admin: true })).status).toBe(200);
    // A refused change (unknown endpoint) leaves no entry.
    expect((await http(t.url, 'DELETE', webhooksPath(project.id, UNKNOWN_ENDPOINT), { admin: true })).status).toBe(404);

    const events = await t.database.db.selectFrom('events').selectAll().where('subject_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => [e.type, e.source])).toEqual([
      ['webhook_endpoint.created', 'admin'],
      ['webhook_endpoint.updated', 'admin'],
      ['webhook_endpoint.secret_rotated', 'admin'],
      ['webhook_endpoint.deleted', 'admin'],
    ]);
    expect(events[1]!.data).toEqual({ fields: ['description'] });
    const all = JSON.stringify(events.map((e) => e.data));
    for (const secret of [created.body.secret, rotated.body.secret]) expect(all).not.toContain(secret.slice(6));
    expect(await t.database.db.selectFrom('events').select('id').where('subject_id', '=', UNKNOWN_ENDPOINT).execute()).toEqual([]);
  });
});
