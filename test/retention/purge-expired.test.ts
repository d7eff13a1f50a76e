import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/accounts.repository.ts';
import { openSession } from '../../src/modules/accounts/sessions.ts';
import { createUser } from '../../src/modules/accounts/users.ts';
import { purgeExpired, type PurgeSummary } from '../../src/modules/retention/purge-expired.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { pendingUpgrade } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

/**
 * The retention job on an injected clock: what has no further use goes after its time —
 * portal tokens a day after they expired, ended sessions (portal and dashboard, with their
 * once-only actions) after 30 days, delivered webhooks after 30 days and failed ones after
 * 90 — while payments and events, the ledger, stay (events go only with the archive
 * horizon set, and then only those nothing refers to).
 */
const DAY = 86_400_000;
const T0 = new Date('2026-01-15T03:00:00Z');

let t: TestApp;
let project: TestProject;
let endUserId: string;
let portalSessionId: string;
let dashboardUserId: string;
const deliveries: Record<'succeeded' | 'failed' | 'pending', string> = { succeeded: '', failed: '', pending: '' };

const db = () => t.database.db;
const at = (days: number, ms = 0) => t.clock.set(new Date(T0.getTime() + days * DAY + ms));
const count = async (table: 'portal_tokens' | 'portal_sessions' | 'portal_actions' | 'dashboard_sessions' | 'dashboard_actions' | 'webhook_deliveries' | 'webhook_attempts' | 'payments' | 'events') =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const tokenExists = async (token: string) => (await db().selectFrom('portal_tokens').select('token_hash').where('token_hash', '=', sha256(token)).executeTakeFirst()) !== undefined;
const deliveryExists = async (id: string) => (await db().selectFrom('webhook_deliveries').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

async function mintToken(externalId: string): Promise<string> {
  const res = await createSession(t.url, project, externalId);
  expect(res.status, res.text).toBe(200);
  return res.body.session_token;
}

let unusedToken: string;
let usedToken: string;
let ledger: { payments: number; events: number };

beforeAll(async () => {
  t = await startTestApp();
  at(0);
  project = await createProject(t.url);
  const endpoint = await http(t.url, 'POST', `/api/admin/projects/${project.id}/webhooks`, { admin: true, body: { url: 'https://hooks.example.com/retention' } });
  expect(endpoint.status, endpoint.text).toBe(201);

  // Tokens: one never used, one exchanged for a portal session that took one action.
  unusedToken = await mintToken('ret-user');
  usedToken = await mintToken('ret-user');
  const exchange = await http(t.url, 'GET', `/portal?session=${usedToken}`);
  expect(exchange.status).toBe(303);
  const portalSession = await db().selectFrom('portal_sessions').select(['id', 'end_user_id']).executeTakeFirstOrThrow();
  portalSessionId = portalSession.id;
  endUserId = portalSession.end_user_id;
  await db().insertInto('portal_actions').values({ session_id: portalSessionId, action_id: 'act-1', outcome: '/portal', created_at: t.clock.now() }).execute();

  // A payment (and its events): the ledger.
  await pendingUpgrade(t, project, 'ret-payer');

  // Dashboard: one session signed out, one left to idle out, one action on the first.
  const { user } = await createUser(t.deps, { email: 'retention@example.com', name: 'Retention', createdBy: null });
  dashboardUserId = user.id;
  const client = { userAgent: 'test', ip: '127.0.0.1' };
  const signedOut = await openSession(db(), t.deps, { userId: user.id, stage: 'full', client, now: t.clock.now() });
  await openSession(db(), t.deps, { userId: user.id, stage: 'full', client, now: t.clock.now() });
  await db().insertInto('dashboard_actions').values({ session_id: signedOut.id, action_id: 'act-1', outcome: null, created_at: t.clock.now() }).execute();
  await accounts.endSession(db(), signedOut.id, 'signed_out', t.clock.now());

  // Webhook deliveries: one delivered (with its attempt log), one given up, the rest pending.
  expect(await publishEvents(t.deps)).toBeGreaterThan(0);
  const rows = await db().selectFrom('webhook_deliveries').select('id').orderBy('id').execute();
  expect(rows.length).toBeGreaterThanOrEqual(3);
  [deliveries.succeeded, deliveries.failed, deliveries.pending] = [rows[0]!.id, rows[1]!.id, rows[2]!.id];
  const now = t.clock.now();
  await db().updateTable('webhook_deliveries').set({ status: 'succeeded', next_attempt_at: null, delivered_at: now, updated_at: now }).where('id', '=', deliveries.succeeded).execute();
  await db().insertInto('webhook_attempts').values({ delivery_id: deliveries.succeeded, attempted_at: now, status_code: 200, duration_ms: 12, error: null, next_attempt_at: null }).execute();
  await db().updateTable('webhook_deliveries').set({ status: 'failed', next_attempt_at: null, updated_at: now }).where('id', '=', deliveries.failed).execute();
  await db().updateTable('webhook_deliveries').set({ status: 'succeeded', next_attempt_at: null, delivered_at: now, updated_at: now }).where('id', 'not in', [deliveries.failed, deliveries.pending]).execute();

  ledger = { payments: await count('payments'), events: await count('events') };
});
afterAll(() => t?.close());

async function expectLedgerUntouched(): Promise<void> {
  expect(await count('payments')).toBe(ledger.payments);
  expect(await count('events')).toBe(ledger.events);
}

describe('the retention job', () => {
  it('keeps everything younger than its retention', async () => {
    at(0, 3_600_000);
    const summary = await purgeExpired(t.deps);
    expect(Object.values(summary).every((n) => n === 0)).toBe(true);
    expect(await tokenExists(unusedToken)).toBe(true);
    expect(await tokenExists(usedToken)).toBe(true);
  });

  it('deletes used and expired portal tokens a day after they expired, in bounded batches, and keeps fresh ones', async () => {
    const mintedAtT0 = await count('portal_tokens');  // ours, and the one behind pendingUpgrade's end user
    // A backlog bigger than one statement's batch: 1,200 tokens expired long ago.
    await sql`
      insert into portal_tokens (token_hash, project_id, end_user_id, expires_at, created_at)
      select sha256(convert_to(${randomBytes(8).toString('hex')} || g::text, 'UTF8')), ${project.id}, ${endUserId},
             ${new Date(T0.getTime() - 10 * DAY)}::timestamptz, ${new Date(T0.getTime() - 10 * DAY)}::timestamptz
      from generate_series(1, 1200) g
    `.execute(db());
    at(1, 10 * 60_000);  // a day and 10 minutes: both T0 tokens expired (5 min) over a day ago
    const fresh = await mintToken('ret-user');
    const summary = await purgeExpired(t.deps);
    expect(summary.portalTokens).toBe(mintedAtT0 + 1200);
    expect(await tokenExists(unusedToken)).toBe(false);
    expect(await tokenExists(usedToken)).toBe(false);
    expect(await tokenExists(fresh)).toBe(true);
    expect(await count('portal_sessions')).toBe(1);  // sessions have their own, longer retention
    await expectLedgerUntouched();
  });

  it('after 30 days deletes ended sessions with their actions and delivered webhooks with their attempts; keeps failed and pending deliveries', async () => {
    at(31);
    const { secret: liveSecret } = await openSession(db(), t.deps, { userId: dashboardUserId, stage: 'full', client: { userAgent: 'test', ip: '127.0.0.1' }, now: t.clock.now() });
    const deliveriesBefore = await count('webhook_deliveries');
    // Two instances at once: SKIP LOCKED splits the rows between them, nobody waits or fails.
    const [first, second] = await Promise.all([purgeExpired(t.deps), purgeExpired(t.deps)]);
    const total = (key: keyof PurgeSummary) => first[key] + second[key];
    expect(total('portalSessions')).toBe(1);
    expect(total('dashboardSessions')).toBe(2);
    expect(total('deliveredWebhooks')).toBe(deliveriesBefore - 2);
    expect(total('failedWebhooks')).toBe(0);

    expect(await count('portal_sessions')).toBe(0);
    expect(await count('portal_actions')).toBe(0);
    const dashboard = await db().selectFrom('dashboard_sessions').select('secret_hash').execute();
    expect(dashboard.map((s) => s.secret_hash.toString('hex'))).toEqual([sha256(liveSecret).toString('hex')]);
    expect(await count('dashboard_actions')).toBe(0);
    expect(await deliveryExists(deliveries.succeeded)).toBe(false);
    expect(await count('webhook_attempts')).toBe(0);
    expect(await deliveryExists(deliveries.failed)).toBe(true);
    expect(await deliveryExists(deliveries.pending)).toBe(true);
    await expectLedgerUntouched();
  });

  it('keeps failed deliveries 90 days, and pending ones for as long as they are pending', async () => {
    at(89);
    expect((await purgeExpired(t.deps)).failedWebhooks).toBe(0);
    at(91);
    expect((await purgeExpired(t.deps)).failedWebhooks).toBe(1);
    expect(await deliveryExists(deliveries.failed)).toBe(false);
    at(3650);
    await purgeExpired(t.deps);
    expect(await deliveryExists(deliveries.pending)).toBe(true);
    await expectLedgerUntouched();
  });

  it('with RETENTION_EVENTS_DAYS, archives old published events nothing refers to; keeps referenced and unpublished ones, the newest of each project and type (cursors), and every payment', async () => {
    const unpublished = 'evt_retention_unpublished';
    await db()
      .insertInto('events')
      .values({ id: unpublished, project_id: project.id, type: 'subscription.updated', subject_id: 'sub_x', source: 'system', data: '{}', created_at: T0 })
      .execute();
    const referenced = (await db().selectFrom('webhook_deliveries').select('event_id').where('id', '=', deliveries.pending).executeTakeFirstOrThrow()).event_id;
    const published = await db().selectFrom('events').select(['id', 'type', 'project_id']).where('published_seq', 'is not', null).orderBy('published_seq', 'desc').execute();
    const newestOfEach = new Map<string, string>();
    for (const e of published) if (!newestOfEach.has(`${e.project_id}/${e.type}`)) newestOfEach.set(`${e.project_id}/${e.type}`, e.id);
    const before = await count('events');

    const archiving = { ...t.deps, config: { ...t.deps.config, retention: { ...t.deps.config.retention, eventsDays: 30 } } };
    const summary = await purgeExpired(archiving);

    const left = (await db().selectFrom('events').select('id').execute()).map((e) => e.id).sort();
    expect(left).toEqual([...new Set([referenced, unpublished, ...newestOfEach.values()])].sort());
    expect(summary.events).toBe(before - left.length);
    expect(summary.events).toBeGreaterThan(0);
    // An integrator that is up to date still pages on from where it is.
    const cursor = await db().selectFrom('events').select('id').where('project_id', '=', project.id).where('payload', 'is not', null).orderBy('published_seq', 'desc').executeTakeFirstOrThrow();
    const page = await http(t.url, 'GET', `/api/platform/events?after=${cursor.id}`, { basic: project.creds });
    expect(page.status, page.text).toBe(200);
    expect(page.body.data).toEqual([]);
    expect(await count('payments')).toBe(ledger.payments);
  });
});
