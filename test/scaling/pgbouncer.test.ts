import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { mintPortalToken } from '../../src/modules/portal-sessions/portal-sessions.repository.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { havePgBouncer, startPgBouncer, type PgBouncer } from '../../bench/pgbouncer.ts';
import { openPortal } from '../portal/support/portal-client.ts';

/**
 * docs/scaling.md's plan puts PgBouncer in transaction mode between many instances and
 * PostgreSQL. Here the whole application runs through one, with fewer server connections
 * (2) than the app's pool (10), so consecutive transactions of one client connection land
 * on different backends — the case that breaks anything holding session state.
 */
describe.runIf(onPostgres && havePgBouncer)('the hot path through PgBouncer (transaction mode)', () => {
  let direct: TestDatabase;
  let bouncer: PgBouncer;
  let through: DatabaseHandle;
  let t: TestApp;
  let project: TestProject;
  let databaseName: string;

  beforeAll(async () => {
    direct = await createTestDatabase();  // migrated on a direct connection, as docs/scaling.md says
    const url = new URL(direct.url!);
    databaseName = url.pathname.slice(1);
    bouncer = await startPgBouncer({ host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username) || 'postgres' }, { poolSize: 2 });
    through = await openDatabase({ url: bouncer.url(databaseName), poolSize: 10, preparedStatements: false });
    t = await startTestApp({ database: { ...through, url: bouncer.url(databaseName), destroy: () => through.close() } });
    project = await createProject(t.url);
  });
  afterAll(async () => {
    await t?.close();
    await through?.close();
    await bouncer?.stop();
    await direct?.destroy();
  });

  it('mints 200 sessions at once for 20 end users (new and existing), each stored once, with DB_PREPARED_STATEMENTS=false', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => createSession(t.url, project, `bouncer-user-${i % 20}`)));
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(200));
    const counts = await sql<{ tokens: number; users: number; subs: number; created: number }>`
      select (select count(*) from portal_tokens where project_id = ${project.id})::int as tokens,
             (select count(*) from end_users where project_id = ${project.id})::int as users,
             (select count(*) from subscriptions where project_id = ${project.id})::int as subs,
             (select count(*) from events where project_id = ${project.id} and type = 'subscription.created')::int as created
    `.execute(direct.db);
    expect(counts.rows[0]).toEqual({ tokens: 200, users: 20, subs: 20, created: 20 });
  });

  it('a minted link opens the portal, once', async () => {
    const { client } = await openPortal(t, project, 'bouncer-user-3');
    const page = await client.get('/portal');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Free');

    const again = await createSession(t.url, project, 'bouncer-user-3');
    const first = await client.get(again.body.portal_url);
    expect(first.status).toBe(303);
    const second = await client.get(again.body.portal_url);
    expect(second.status).not.toBe(303);
  });

  it('named statements do not survive it: why DB_PREPARED_STATEMENTS=false exists (PgBouncer before 1.21)', async () => {
    const named = await openDatabase({ url: bouncer.url(databaseName), poolSize: 10, preparedStatements: true });
    try {
      const secretHash = sha256(project.clientSecret);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => {
          const now = t.clock.now();
          return mintPortalToken(named.db, {
            projectId: project.id, secretHash, externalId: `bouncer-user-${i % 20}`, email: null, name: null, locale: null, redirectUri: null,
            tokenHash: sha256(`named-${i}`), newEndUserId: `eu_named_${i}`, newSubscriptionId: `sub_named_${i}`, newEventId: `evt_named_${i}`,
            now, expiresAt: new Date(now.getTime() + 300_000), monthEnd: now, yearEnd: now,
          });
        }),
      );
      const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/prepared statement "mint_portal_token" (does not exist|already exists)/);
    } finally {
      await named.close();
    }
  });
});
