import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { exchangePortalToken } from '../../src/modules/portal-sessions/portal-sessions.service.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

describe('POST /api/platform/portal/sessions — happy path', () => {
  it('answers exactly the seed page shape: session_token, portal_url, expires_in 300', async () => {
    const res = await createSession(t.url, project, 'user_abc123');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expires_in', 'portal_url', 'session_token']);
    expect(res.body.expires_in).toBe(300);
    expect(res.body.portal_url).toBe(`${t.deps.config.publicUrl}/portal?session=${res.body.session_token}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('issues URL-safe tokens of at least 128 random bits, never the same twice', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await createSession(t.url, project, 'entropy-user');
      expect(res.body.session_token).toMatch(/^[A-Za-z0-9_-]+$/);
      // base64url: 6 bits per character.
      expect(res.body.session_token.length * 6).toBeGreaterThanOrEqual(128);
      tokens.add(res.body.session_token);
    }
    expect(tokens.size).toBe(20);
  });

  it('creates an unknown end user on the project default plan, once', async () => {
    await createSession(t.url, project, 'new-user-1', { email: 'new@example.com', name: 'New User' });
    await createSession(t.url, project, 'new-user-1');
    const users = await t.database.db.selectFrom('end_users').selectAll().where('external_id', '=', 'new-user-1').execute();
    expect(users).toHaveLength(1);
    expect(users[0]!.email).toBe('new@example.com');
    expect(users[0]!.name).toBe('New User');
    const subs = await t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', users[0]!.id).execute();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.plan_id).toBe(project.plans.free!.id);
    expect(subs[0]!.status).toBe('active');
    const created = await t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subs[0]!.id).execute();
    expect(created.map((e) => e.type)).toEqual(['subscription.created']);
  });

  it('refreshes email and name of an existing end user when given', async () => {
    await createSession(t.url, project, 'profile-user', { email: 'old@example.com' });
    await createSession(t.url, project, 'profile-user', { email: 'new@example.com', name: 'Renamed', locale: 'id' });
    const user = await t.database.db.selectFrom('end_users').selectAll().where('external_id', '=', 'profile-user').executeTakeFirstOrThrow();
    expect([user.email, user.name, user.locale]).toEqual(['new@example.com', 'Renamed', 'id']);
  });

  it('creates an end user without a subscription when the project has no default plan', async () => {
    const noDefault = await createProject(t.url, { plans: [{ code: 'pro', price: 100_000 }] });
    expect((await createSession(t.url, noDefault, 'plainuser')).status).toBe(200);
    const res = await http(t.url, 'GET', '/api/platform/end-users/plainuser/subscription', { basic: noDefault.creds });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('none');
    expect(res.body.plan).toBeNull();
  });

  it('creates exactly one end user when first requests for it race', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => createSession(t.url, project, 'racing-user')));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const users = await t.database.db.selectFrom('end_users').select('id').where('external_id', '=', 'racing-user').execute();
    expect(users).toHaveLength(1);
    const subs = await t.database.db.selectFrom('subscriptions').select('id').where('end_user_id', '=', users[0]!.id).execute();
    expect(subs).toHaveLength(1);
  });
});

describe('portal tokens at rest, single use and expiry', () => {
  it('stores only the SHA-256 of the token, and no plaintext token or secret anywhere', async () => {
    const res = await createSession(t.url, project, 'hash-user');
    const token: string = res.body.session_token;
    const row = await t.database.db.selectFrom('portal_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    expect(row).toBeDefined();
    // Search every text-like column of every table for the token and the client secret.
    const dump = await sql<{ dump: string }>`
      select string_agg(t::text, ' ') as dump from (
        select row_to_json(p)::text as t from projects p union all
        select row_to_json(x)::text from portal_tokens x union all
        select row_to_json(e)::text from events e union all
        select row_to_json(u)::text from end_users u
      ) rows`.execute(t.database.db);
    const all = dump.rows[0]!.dump;
    expect(all).not.toContain(token);
    expect(all).not.toContain(project.clientSecret);
    expect(all).toContain(project.clientId);
  });

  it('exchanges a token once; the second exchange is refused as used', async () => {
    const res = await createSession(t.url, project, 'single-use', { redirect_uri: 'https://app.example.com/dashboard' });
    const first = await exchangePortalToken(t.deps, res.body.session_token, null);
    expect(first.ok).toBe(true);
    const second = await exchangePortalToken(t.deps, res.body.session_token, null);
    expect(second).toEqual({ ok: false, reason: 'used', backToAppUrl: 'https://app.example.com/dashboard' });
  });

  it('gives exactly one session when two exchanges of one token race', async () => {
    const res = await createSession(t.url, project, 'race-exchange');
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => exchangePortalToken(t.deps, res.body.session_token, null)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it('expires tokens after 300 seconds (clock moved, not slept)', async () => {
    const a = await createSession(t.url, project, 'expiry-user');
    const b = await createSession(t.url, project, 'expiry-user');
    t.clock.advance(299_000);
    expect((await exchangePortalToken(t.deps, a.body.session_token, null)).ok).toBe(true);
    t.clock.advance(2_000);
    expect(await exchangePortalToken(t.deps, b.body.session_token, null)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('treats an unknown token as unknown', async () => {
    expect(await exchangePortalToken(t.deps, 'no-such-token', null)).toEqual({ ok: false, reason: 'unknown', backToAppUrl: null });
  });
});

describe('redirect_uri allowlist', () => {
  it('accepts a registered redirect_uri and refuses an unregistered one with 422', async () => {
    const ok = await createSession(t.url, project, 'redir-user', { redirect_uri: 'https://app.example.com/dashboard' });
    expect(ok.status).toBe(200);
    const bad = await createSession(t.url, project, 'redir-user', { redirect_uri: 'https://evil.example/steal' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('redirect_uri_not_registered');
  });

  it('keeps a browser-appended redirect_uri only when it is registered', async () => {
    const a = await createSession(t.url, project, 'appended');
    const honoured = await exchangePortalToken(t.deps, a.body.session_token, 'https://app.example.com/dashboard');
    expect(honoured.ok && honoured.session.redirect_uri).toBe('https://app.example.com/dashboard');
    const b = await createSession(t.url, project, 'appended');
    const ignored = await exchangePortalToken(t.deps, b.body.session_token, 'https://evil.example/');
    expect(ignored.ok && ignored.session.redirect_uri).toBeNull();
  });
});
