import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http, type HttpResult } from '../support/http.ts';

/**
 * Client-secret rotation with a grace window (`previous_secret_expires_in`), and when each
 * credential was last used. Time is the app's frozen clock: a grace window ends when the
 * test moves the clock past it, on the session hot path (cache + SQL) and on the platform
 * API (fresh read) alike.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const rotate = (p: TestProject, body?: unknown) =>
  http(t.url, 'POST', `/api/admin/projects/${p.id}/rotate-secret`, { admin: true, ...(body !== undefined && { body }) });
const withSecret = (p: TestProject, secret: string): TestProject => ({ ...p, clientSecret: secret, creds: { clientId: p.clientId, clientSecret: secret } });
const plans = (p: TestProject) => http(t.url, 'GET', '/api/platform/plans', { basic: p.creds });
const projectRow = (id: string) => t.database.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const projectJson = async (p: TestProject) => (await http(t.url, 'GET', `/api/admin/projects/${p.id}`, { admin: true })).body;

/** Both ways a client secret is used: the session endpoint (body) and the platform API (Basic). */
async function expectWorks(p: TestProject, works: boolean, label: string): Promise<void> {
  const session = await createSession(t.url, p, 'grace-user');
  const api = await plans(p);
  expect([session.status, api.status], label).toEqual(works ? [200, 200] : [401, 401]);
  if (!works) expect(session.body.error.code).toBe('invalid_credentials');
}

function expectInvalid(res: HttpResult, message: string | RegExp): void {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.message).toMatch(message);
}

describe('rotating the client secret', () => {
  it('stops the old secret at once by default (no body, an empty body, or 0)', async () => {
    for (const body of [undefined, {}, { previous_secret_expires_in: 0 }]) {
      const p = await createProject(t.url, { plans: [] });
      await expectWorks(p, true, 'before');
      const res = await rotate(p, body);
      expect(res.status, res.text).toBe(200);
      expect(res.body.previous_secret_expires_at).toBeNull();
      await expectWorks(p, false, `old secret after ${JSON.stringify(body)}`);
      await expectWorks(withSecret(p, res.body.client_secret), true, 'new secret');
      const row = await projectRow(p.id);
      expect(row.previous_client_secret_hash).toBeNull();
      expect(row.previous_secret_expires_at).toBeNull();
    }
  });

  it('keeps the old secret working alongside the new one until the grace window ends, then refuses it', async () => {
    const p = await createProject(t.url, { plans: [] });
    await expectWorks(p, true, 'warm the credential cache with the old secret');
    const res = await rotate(p, { previous_secret_expires_in: 3600 });
    expect(res.status, res.text).toBe(200);
    const expiresAt = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    expect(res.body.previous_secret_expires_at).toBe(expiresAt);
    expect((await projectJson(p)).previous_secret_expires_at).toBe(expiresAt);
    const fresh = withSecret(p, res.body.client_secret);
    await expectWorks(p, true, 'old secret during the grace window');
    await expectWorks(fresh, true, 'new secret during the grace window');

    t.clock.advance(3600_000 - 1_000);
    await expectWorks(p, true, 'old secret one second before the end');
    t.clock.advance(1_000);
    await expectWorks(p, false, 'old secret at the end of the window');
    await expectWorks(fresh, true, 'new secret after the window');
    const events = await t.database.db.selectFrom('events').select(['type', 'data']).where('subject_id', '=', p.id).where('type', '=', 'project.secret_rotated').execute();
    expect(events).toEqual([{ type: 'project.secret_rotated', data: { previous_secret_expires_at: expiresAt } }]);
  });

  it('keeps at most two secrets: rotating again during a grace window drops the older previous one at once', async () => {
    const p = await createProject(t.url, { plans: [] });
    const first = await rotate(p, { previous_secret_expires_in: 86_400 });
    const second = await rotate(p, { previous_secret_expires_in: 600 });
    expect([first.status, second.status]).toEqual([200, 200]);
    await expectWorks(p, false, 'the original secret');
    await expectWorks(withSecret(p, first.body.client_secret), true, 'the first rotation, now previous');
    await expectWorks(withSecret(p, second.body.client_secret), true, 'the current secret');
    const row = await projectRow(p.id);
    expect(row.previous_client_secret_hash!.equals(sha256(first.body.client_secret))).toBe(true);
    expect(row.client_secret_hash.equals(sha256(second.body.client_secret))).toBe(true);

    const third = await rotate(p, {});
    await expectWorks(withSecret(p, first.body.client_secret), false, 'previous, after an immediate rotation');
    await expectWorks(withSecret(p, second.body.client_secret), false, 'current, after an immediate rotation');
    await expectWorks(withSecret(p, third.body.client_secret), true, 'the newest');
  });

  it.each<[string, unknown, string | RegExp]>([
    ['a negative window', { previous_secret_expires_in: -1 }, 'previous_secret_expires_in must be >= 0'],
    ['more than 24 hours', { previous_secret_expires_in: 86_401 }, 'previous_secret_expires_in must be <= 86400'],
    ['a fraction', { previous_secret_expires_in: 1.5 }, 'previous_secret_expires_in must be an integer'],
    ['a string', { previous_secret_expires_in: '3600' }, 'previous_secret_expires_in must be an integer'],
    ['null', { previous_secret_expires_in: null }, 'previous_secret_expires_in must be an integer'],
    ['an unknown field', { grace: 3600 }, 'grace is not a recognised field'],
  ])('refuses %s with a 400 naming the field, and rotates nothing', async (_case, body, message) => {
    const p = await createProject(t.url, { plans: [] });
    const before = await projectRow(p.id);
    expectInvalid(await rotate(p, body), message);
    expect((await projectRow(p.id)).client_secret_hash.equals(before.client_secret_hash)).toBe(true);
    await expectWorks(p, true, 'the secret is unchanged');
  });
});

describe('when each credential was last used', () => {
  it('is null until used, then follows use by the session endpoint and the platform API to the minute', async () => {
    const p = await createProject(t.url, { plans: [] });
    expect(await projectJson(p)).toMatchObject({ secret_last_used_at: null, previous_secret_last_used_at: null, previous_secret_expires_at: null });

    const firstUse = t.clock.now().toISOString();
    expect((await createSession(t.url, p, 'u1')).status).toBe(200);
    expect((await projectJson(p)).secret_last_used_at).toBe(firstUse);

    // Within the minute nothing is written again (the hot path stays read-only)…
    t.clock.advance(30_000);
    expect((await createSession(t.url, p, 'u1')).status).toBe(200);
    expect((await plans(p)).status).toBe(200);
    expect((await projectJson(p)).secret_last_used_at).toBe(firstUse);

    // …after it, the next use is.
    t.clock.advance(31_000);
    const apiUse = t.clock.now().toISOString();
    expect((await plans(p)).status).toBe(200);
    expect((await projectJson(p)).secret_last_used_at).toBe(apiUse);
    t.clock.advance(61_000);
    const sessionUse = t.clock.now().toISOString();
    expect((await createSession(t.url, p, 'u2')).status).toBe(200);
    expect((await projectJson(p)).secret_last_used_at).toBe(sessionUse);
  });

  it('moves to the previous secret on a rotation with grace, and tracks each secret separately', async () => {
    const p = await createProject(t.url, { plans: [] });
    const oldUse = t.clock.now().toISOString();
    expect((await createSession(t.url, p, 'u')).status).toBe(200);
    t.clock.advance(120_000);
    const res = await rotate(p, { previous_secret_expires_in: 3600 });
    expect(res.body).toMatchObject({ secret_last_used_at: null, previous_secret_last_used_at: oldUse });

    t.clock.advance(120_000);
    const previousUse = t.clock.now().toISOString();
    expect((await plans(p)).status).toBe(200);
    expect(await projectJson(p)).toMatchObject({ secret_last_used_at: null, previous_secret_last_used_at: previousUse });

    t.clock.advance(120_000);
    const currentUse = t.clock.now().toISOString();
    expect((await createSession(t.url, withSecret(p, res.body.client_secret), 'u')).status).toBe(200);
    expect(await projectJson(p)).toMatchObject({ secret_last_used_at: currentUse, previous_secret_last_used_at: previousUse });

    // A refused secret is not a use.
    t.clock.advance(3600_000);
    expect((await plans(p)).status).toBe(401);
    expect((await projectJson(p)).previous_secret_last_used_at).toBe(previousUse);
  });

  it('is forgotten with the old secret on an immediate rotation', async () => {
    const p = await createProject(t.url, { plans: [] });
    expect((await createSession(t.url, p, 'u')).status).toBe(200);
    const res = await rotate(p);
    expect(res.body).toMatchObject({ secret_last_used_at: null, previous_secret_last_used_at: null, previous_secret_expires_at: null });
  });
});
