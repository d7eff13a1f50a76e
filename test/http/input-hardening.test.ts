import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http, rawRequest } from '../support/http.ts';

/**
 * Input the database or our own code cannot take is refused at the door with a 4xx that
 * names the problem: runaway nesting, NUL and lone surrogates anywhere (path, query, body),
 * bodies in a charset other than UTF-8, and request ids that are not id-shaped.
 */
let t: TestApp;
let project: TestProject;
const sessions = '/api/platform/portal/sessions';

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

function expectClean400(res: { status: number; text: string; body: any }, message: RegExp, status = 400) {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.message).toMatch(message);
  expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/src\/|\.ts:\d+|call stack/);
}

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('deeply nested JSON is a 400, not a stack overflow', () => {
  it.each([3_000, 50_000])('arrays nested %i deep, unauthenticated', async (depth) => {
    const raw = `{"client_id":${nested(depth)},"client_secret":"x","end_user_id":"u"}`;
    expectClean400(await http(t.url, 'POST', sessions, { raw }), /^client_id nests deeper than 32 levels$/);
  });

  it('objects nested 3,000 deep in an admin body', async () => {
    const raw = `{"name":"Deep","redirect_uris":["https://a.example.com"],"theme_config":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`;
    expectClean400(await http(t.url, 'POST', '/api/admin/projects', { raw, admin: true }), /nests deeper than 32 levels/);
  });

  it('ordinary nesting still reaches validation', async () => {
    const res = await http(t.url, 'POST', sessions, { raw: `{"client_id":${nested(5)}}` });
    expectClean400(res, /^client_id must be a string$|is required/);
  });
});

describe('NUL in a path or query is a 400 before any query runs', () => {
  it('in an API path parameter', async () => {
    const res = await http(t.url, 'GET', '/api/platform/end-users/a%00b/payments', { basic: project.creds });
    expectClean400(res, /^end_user_id must not contain the NUL character/);
  });

  it('in an API query parameter', async () => {
    const res = await http(t.url, 'GET', '/api/platform/end-users/u1/payments?before=%00', { basic: project.creds });
    expectClean400(res, /^before must not contain the NUL character/);
  });
});

describe('lone surrogates are not text', () => {
  it('a project name of "\\ud800" is refused, naming the field', async () => {
    const raw = '{"name":"Acme \\ud800","redirect_uris":["https://a.example.com"]}';
    expectClean400(await http(t.url, 'POST', '/api/admin/projects', { raw, admin: true }), /^name must not contain a lone UTF-16 surrogate/);
  });

  it('a low surrogate alone in a query is refused too, a proper pair is fine', async () => {
    expectClean400(await http(t.url, 'POST', sessions, { raw: '{"client_id":"x","client_secret":"y","end_user_id":"\\udc00"}' }), /lone UTF-16 surrogate/);
    const pair = await http(t.url, 'POST', sessions, {
      body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'pair', name: 'Ana 😀' },
    });
    expect(pair.status, pair.text).toBe(200);
  });
});

describe('only UTF-8 bodies', () => {
  it('application/json; charset=utf-16 → 415', async () => {
    const res = await http(t.url, 'POST', sessions, { raw: '{}', contentType: 'application/json; charset=utf-16' });
    expectClean400(res, /UTF-8/, 415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('charset=utf-8 (any case, quoted) and no charset are read as before', async () => {
    const body = JSON.stringify({ client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'utf8' });
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"']) {
      const res = await http(t.url, 'POST', sessions, { raw: body, contentType });
      expect(res.status, `${contentType}: ${res.text}`).toBe(200);
    }
  });
});

describe('X-Request-Id', () => {
  it('an id-shaped value is kept and echoed', async () => {
    const res = await http(t.url, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-0123456789:abc.DEF' } });
    expect(res.headers.get('x-request-id')).toBe('trace-0123456789:abc.DEF');
  });

  it.each(['short', 'x'.repeat(129), 'has spaces in it', '<script>alert(1)</script>', 'semi;colon;value'])('%j is replaced by a generated id', async (given) => {
    const res = await rawRequest(t.url, 'GET', '/healthz', { 'x-request-id': given });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
