import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http, rawRequest } from '../support/http.ts';

let t: TestApp;
let a: TestProject;
let b: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  a = await createProject(t.url, { name: 'Project A' });
  b = await createProject(t.url, { name: 'Project B' });
  await createSession(t.url, b, 'b-user');
});
afterAll(() => t.close());

const sessions = '/api/platform/portal/sessions';

describe('client credentials', () => {
  it('answers an unknown client and a wrong secret with the identical 401', async () => {
    const unknown = await http(t.url, 'POST', sessions, { body: { client_id: 'cli_nobody', client_secret: a.clientSecret, end_user_id: 'u' } });
    const wrong = await http(t.url, 'POST', sessions, { body: { client_id: a.clientId, client_secret: `${a.clientSecret}x`, end_user_id: 'u' } });
    const otherProjectsSecret = await http(t.url, 'POST', sessions, { body: { client_id: a.clientId, client_secret: b.clientSecret, end_user_id: 'u' } });
    for (const res of [unknown, wrong, otherProjectsSecret]) {
      expect(res.status).toBe(401);
      expect(res.text).toBe(unknown.text);
    }
    expect(unknown.body.error.code).toBe('invalid_credentials');
  });

  it('refuses the old secret immediately after rotation, even on the cached hot path', async () => {
    const p = await createProject(t.url);
    expect((await createSession(t.url, p, 'rot')).status).toBe(200); // warms the credential cache
    const rotated = await http(t.url, 'POST', `/api/admin/projects/${p.id}/rotate-secret`, { admin: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(p.clientSecret);
    expect((await createSession(t.url, p, 'rot')).status).toBe(401);
    expect((await http(t.url, 'GET', '/api/platform/plans', { basic: p.creds })).status).toBe(401);
    const fresh = { ...p, clientSecret: rotated.body.client_secret };
    expect((await createSession(t.url, fresh, 'rot')).status).toBe(200);
  });

  it('rejects a stale cached hash after a rotation done by another instance', async () => {
    const p = await createProject(t.url);
    expect((await createSession(t.url, p, 'other-instance')).status).toBe(200);
    // Another instance rotates: this instance's cache is not told.
    await t.database.db.updateTable('projects').set({ client_secret_hash: Buffer.alloc(32, 7) }).where('id', '=', p.id).execute();
    expect((await createSession(t.url, p, 'other-instance')).status).toBe(401);
  });

  it('accepts HTTP Basic on read endpoints and refuses malformed Basic', async () => {
    expect((await http(t.url, 'GET', '/api/platform/plans', { basic: a.creds })).status).toBe(200);
    const malformed = await http(t.url, 'GET', '/api/platform/plans', { headers: { authorization: 'Basic !!!' } });
    expect(malformed.status).toBe(401);
    const none = await http(t.url, 'GET', '/api/platform/plans');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/client credentials are required/i);
  });
  it('authenticates before the body is validated: without credentials an invalid body is a 401, not a 400', async () => {
    const path = '/api/platform/end-users/b-user/subscription/change';
    for (const basic of [undefined, { ...a.creds, clientSecret: 'wrong' }]) {
      const res = await http(t.url, 'POST', path, { body: { unexpected_field: true }, ...(basic && { basic }) });
      expect(res.status, res.text).toBe(401);
    }
    expect((await http(t.url, 'POST', path, { body: { unexpected_field: true }, basic: b.creds })).status).toBe(400);
  });
});

describe('browser requests are refused', () => {
  const body = () => ({ client_id: a.clientId, client_secret: a.clientSecret, end_user_id: 'browser' });
  it.each([
    ['Sec-Fetch-Site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }],
    ['Sec-Fetch-Mode navigate', { 'sec-fetch-mode': 'navigate' }],
    ['Sec-Fetch-Dest', { 'sec-fetch-dest': 'empty' }],
    ['Origin', { origin: 'https://evil.example' }],
  ])('refuses a request carrying %s with 403 explaining where client_secret belongs', async (_name, headers) => {
    const res = await rawRequest(t.url, 'POST', sessions, { 'content-type': 'application/json', ...headers }, JSON.stringify(body()));
    expect(res.status).toBe(403);
    const error = JSON.parse(res.text).error;
    expect(error.code).toBe('browser_request_forbidden');
    expect(error.message).toMatch(/client_secret.*backend/);
  });

  it.each([
    ['same-site', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', origin: 'https://app.localhost' }],
    ['same-origin claimed with a foreign Origin', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: 'https://evil.example' }],
    ['same-origin form post (no-cors)', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'no-cors' }],
  ])('refuses %s', async (_name, headers) => {
    const res = await rawRequest(t.url, 'POST', sessions, { 'content-type': 'application/json', ...headers }, JSON.stringify(body()));
    expect(res.status).toBe(403);
  });

  it("allows Langgan's own same-origin pages (the /docs playground)", async () => {
    const host = new URL(t.url).host;
    const res = await rawRequest(
      t.url,
      'POST',
      sessions,
      { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', origin: t.url, host },
      JSON.stringify(body()),
    );
    expect(res.status).toBe(200);
  });

  it('accepts Node fetch, which itself sends sec-fetch-mode: cors (the seed snippet)', async () => {
    const res = await fetch(t.url + sessions, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body()),
    });
    expect(res.status).toBe(200);
  });

  it('never sends CORS headers, not even to a preflight', async () => {
    const preflight = await fetch(t.url + sessions, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    const res = await http(t.url, 'POST', sessions, { body: body(), headers: { origin: 'https://evil.example' } });
    for (const r of [preflight.headers, res.headers]) {
      expect([...r.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('tenant isolation', () => {
  it("never lets project A read project B's end users", async () => {
    const res = await http(t.url, 'GET', '/api/platform/end-users/b-user/subscription', { basic: a.creds });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('end_user_not_found');
    expect((await http(t.url, 'GET', '/api/platform/end-users/b-user/subscription', { basic: b.creds })).status).toBe(200);
  });

  it("creating a session with A's credentials for B's end user id makes A's own end user", async () => {
    const res = await createSession(t.url, a, 'b-user');
    expect(res.status).toBe(200);
    const users = await t.database.db.selectFrom('end_users').select(['project_id']).where('external_id', '=', 'b-user').execute();
    expect(users.map((u) => u.project_id).sort()).toEqual([a.id, b.id].sort());
    const tokenRow = await t.database.db
      .selectFrom('portal_tokens')
      .innerJoin('end_users', 'end_users.id', 'portal_tokens.end_user_id')
      .select(['portal_tokens.project_id', 'end_users.project_id as user_project'])
      .where('end_users.external_id', '=', 'b-user')
      .execute();
    for (const row of tokenRow) expect(row.project_id).toBe(row.user_project);
  });

  it("lists only the caller's own plans", async () => {
    const res = await http(t.url, 'GET', '/api/platform/plans', { basic: a.creds });
    expect(res.body.data.map((p: { id: string }) => p.id).sort()).toEqual(Object.values(a.plans).map((p) => p.id).sort());
  });
});

describe('rate limits', () => {
  it('limits session creation per client_id with 429 and Retry-After', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_SESSIONS_PER_CLIENT: '3', RATE_LIMIT_SESSIONS_PER_IP: '1000' } });
    try {
      const p = await createProject(limited.url);
      const other = await createProject(limited.url);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await createSession(limited.url, p, `rl-${i}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await createSession(limited.url, p, 'rl-x');
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another client is counted separately.
      expect((await createSession(limited.url, other, 'rl-other')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("wrong secrets for a client_id never use up that client's session limit; they hit their own failure limit", async () => {
    const limited = await startTestApp({
      env: { TRUST_PROXY: 'true', RATE_LIMIT_SESSIONS_PER_CLIENT: '5', RATE_LIMIT_SESSIONS_PER_IP: '1000', RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT: '3' },
    });
    try {
      const p = await createProject(limited.url);
      const from = (ip: string, clientSecret: string, endUserId: string) =>
        http(limited.url, 'POST', sessions, { headers: { 'x-forwarded-for': ip }, body: { client_id: p.clientId, client_secret: clientSecret, end_user_id: endUserId } });
      // Two addresses send 20 wrong secrets each for p's client_id: 8x its session limit.
      for (const ip of ['203.0.113.1', '203.0.113.2']) {
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await from(ip, `guess-${i}`, 'victim');
          statuses.push(res.status);
          if (res.status === 429) {
            expect(res.body.error.code).toBe('rate_limited');
            expect(res.body.error.message).toMatch(/failed authentication attempts for this client from this IP address: at most 3 per 60 seconds/);
            expect(res.headers.get('retry-after')).toBe('60');
          }
        }
        expect(statuses).toEqual([...Array(3).fill(401), ...Array(17).fill(429)]);
      }
      // p's own backend, elsewhere, still has its whole session limit: counted only once authenticated.
      const own: number[] = [];
      for (let i = 0; i < 6; i++) own.push((await from('198.51.100.7', p.clientSecret, `own-${i}`)).status);
      expect(own).toEqual([200, 200, 200, 200, 200, 429]);
      const sixth = await from('198.51.100.7', p.clientSecret, 'own-6');
      expect(sixth.body.error.message).toMatch(/requests for this client/);
      // Once the window has passed, the failure limit lets the address try again.
      limited.clock.advance(60_000);
      expect((await from('203.0.113.1', 'guess-again', 'victim')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('limits session creation per IP across clients', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_SESSIONS_PER_IP: '2' } });
    try {
      const p = await createProject(limited.url);
      const q = await createProject(limited.url);
      expect((await createSession(limited.url, p, 'ip-1')).status).toBe(200);
      expect((await createSession(limited.url, q, 'ip-2')).status).toBe(200);
      const third = await createSession(limited.url, q, 'ip-3');
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
      // Bad credentials are counted too: guessing secrets is rate limited.
      const guess = await http(limited.url, 'POST', sessions, { body: { client_id: p.clientId, client_secret: 'guess', end_user_id: 'x' } });
      expect(guess.status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
