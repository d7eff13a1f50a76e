import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { Kysely, PostgresDialect } from 'kysely';
import { toErrorResponse } from '../../src/http/error-handler.ts';
import type { Database } from '../../src/db/types.ts';

let t: TestApp;
let project: TestProject;
const sessions = '/api/platform/portal/sessions';

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

const good = () => ({ client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'u1' });

function expectCleanError(res: { status: number; text: string; body: any }, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/src\/|\.ts:\d+/);
}

describe('bad request bodies get a clear 4xx naming the problem', () => {
  it('body that is not JSON → 400 invalid_json', async () => {
    expectCleanError(await http(t.url, 'POST', sessions, { raw: '{"client_id": ' }), 400, 'invalid_json');
  });

  it('empty JSON body → 400', async () => {
    const res = await http(t.url, 'POST', sessions, { raw: '' });
    expect(res.status).toBe(400);
  });

  it('JSON that is not an object → 400 naming the body', async () => {
    const res = await http(t.url, 'POST', sessions, { raw: '[1,2]' });
    expectCleanError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/body must be a JSON object/);
  });

  it('wrong content type → 415', async () => {
    expectCleanError(await http(t.url, 'POST', sessions, { raw: 'client_id=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectCleanError(await http(t.url, 'POST', sessions, { raw: JSON.stringify(good()), contentType: 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('body over 100 KB → 413', async () => {
    const res = await http(t.url, 'POST', sessions, { body: { ...good(), name: 'x'.repeat(110 * 1024) } });
    expectCleanError(res, 413, 'payload_too_large');
  });

  it.each(['client_id', 'client_secret', 'end_user_id'])('missing %s → 400 naming it', async (field) => {
    const body: Record<string, unknown> = good();
    delete body[field];
    const res = await http(t.url, 'POST', sessions, { body });
    expectCleanError(res, 400, 'invalid_request');
    expect(res.body.error.message).toBe(`${field} is required`);
  });

  it('extra field → 400 naming it, never silently stripped', async () => {
    const res = await http(t.url, 'POST', sessions, { body: { ...good(), plan: 'pro' } });
    expectCleanError(res, 400, 'invalid_request');
    expect(res.body.error.message).toBe('plan is not a recognised field');
  });

  it('wrong types are refused, not coerced', async () => {
    const res = await http(t.url, 'POST', sessions, { body: { ...good(), end_user_id: 12345 } });
    expectCleanError(res, 400, 'invalid_request');
    expect(res.body.error.message).toBe('end_user_id must be a string');
  });

  it('a NUL character in any text field is a 400 naming it, not a database 500', async () => {
    const res = await http(t.url, 'POST', sessions, { body: { ...good(), name: 'Ana\u0000' } });
    expectCleanError(res, 400, 'invalid_request');
    expect(res.body.error.message).toBe('name must not contain the NUL character (U+0000)');
  });

  it('bad optional values name the field', async () => {
    const email = await http(t.url, 'POST', sessions, { body: { ...good(), email: 'not-an-email' } });
    expect(email.body.error.message).toMatch(/^email /);
    const locale = await http(t.url, 'POST', sessions, { body: { ...good(), locale: 'fr' } });
    expect(locale.body.error.message).toBe('locale must be one of en, id');
    const redirect = await http(t.url, 'POST', sessions, { body: { ...good(), redirect_uri: '/relative' } });
    expect(redirect.body.error.message).toMatch(/^redirect_uri must be an absolute http\(s\) URL/);
    const spaces = await http(t.url, 'POST', sessions, { body: { ...good(), end_user_id: 'has space' } });
    expect(spaces.body.error.message).toMatch(/^end_user_id must be 1-255 printable ASCII/);
  });
});

describe('routing and plumbing', () => {
  it('unknown routes answer a JSON 404', async () => {
    expectCleanError(await http(t.url, 'GET', '/api/platform/nope'), 404, 'not_found');
  });

  it('every answer carries a request id and nosniff', async () => {
    const res = await http(t.url, 'GET', '/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('health and readiness answer 200', async () => {
    expect((await http(t.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await http(t.url, 'GET', '/readyz')).body).toEqual({ status: 'ok', database: t.database.kind, scheduler_lag_seconds: 0 });
  });
});

describe('failures inside the service', () => {
  it('an unexpected failure is a bare 500 with no internals, and readyz turns 503', async () => {
    const broken = await startTestApp();
    const p = await createProject(broken.url);
    await broken.database.db.destroy(); // the database goes away under the running service
    const res = await http(broken.url, 'POST', sessions, {
      body: { client_id: p.clientId, client_secret: p.clientSecret, end_user_id: 'x' },
    });
    expectCleanError(res, 500, 'internal_error');
    expect(res.body.error.message).not.toMatch(/pool|pglite|postgres|kysely|destroy/i);
    const ready = await http(broken.url, 'GET', '/readyz');
    expectCleanError(ready, 503, 'database_unavailable');
    expect(ready.headers.get('retry-after')).toBe('5');
    await broken.app.close();
  });
});

describe('a database outage is a 503 database_unavailable with Retry-After, never a 500', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const outages: [string, Error][] = [
    ['refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset connection', pgError('ECONNRESET', 'read ECONNRESET')],
    ['admin shutdown (restart, pg_terminate_backend)', pgError('57P01', 'terminating connection due to administrator command')],
    ['server starting up', pgError('57P03', 'the database system is starting up')],
    ['connection exception class 08', pgError('08006', 'connection failure')],
    ['statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['pool acquisition timeout', new Error('timeout exceeded when trying to connect')],
    ['client-side query timeout', new Error('Query read timeout')],
    ['wrapped in a cause', new Error('claim failed', { cause: pgError('57P01', 'terminating connection') })],
  ];
  it.each(outages)('%s', (_, error) => {
    const res = toErrorResponse(error);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('database_unavailable');
    expect(res.retryAfter).toBe(5);
    expect(res.body.error.message).not.toMatch(/pool|postgres|terminat|57P|ECONN/i);
  });

  it('a SQL error (unique violation, syntax) stays a 500 internal_error', () => {
    expect(toErrorResponse(pgError('23505', 'duplicate key value')).status).toBe(500);
    expect(toErrorResponse(pgError('42601', 'syntax error')).body.error.code).toBe('internal_error');
  });
});

describe('the service while its database refuses every connection', () => {
  let down: TestApp;
  beforeAll(async () => {
    // A pool whose every connection attempt fails the way a restarting PostgreSQL does.
    const refusing = {
      connect: () => Promise.reject(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })),
      end: async () => {},
    };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: refusing }) });
    down = await startTestApp({
      database: { db, kind: 'postgres', url: undefined, close: () => db.destroy(), destroy: () => db.destroy() },
    });
  });
  afterAll(async () => {
    await down.close();
    await down.database.destroy();
  });

  it('the API answers 503 database_unavailable with Retry-After: 5', async () => {
    const res = await http(down.url, 'POST', sessions, { body: { client_id: 'cli_x', client_secret: 'lgs_x', end_user_id: 'u1' } });
    expectCleanError(res, 503, 'database_unavailable');
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('the portal answers its HTML error page with 503 and Retry-After: 5', async () => {
    const res = await fetch(`${down.url}/portal?session=${'a'.repeat(43)}`, { redirect: 'manual' });
    const text = await res.text();
    expect(res.status, text).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(text).not.toMatch(/57P03|shutting down|\bat [\w.<>]+ \(/);
  });

  it('/readyz answers 503 database_unavailable and /healthz stays 200', async () => {
    const ready = await http(down.url, 'GET', '/readyz');
    expectCleanError(ready, 503, 'database_unavailable');
    expect(ready.headers.get('retry-after')).toBe('5');
    expect((await http(down.url, 'GET', '/healthz')).status).toBe(200);
  });
});
