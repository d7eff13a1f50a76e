import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { mintPortalToken, type MintTokenInput } from '../../src/modules/portal-sessions/portal-sessions.repository.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { onPostgres } from '../support/database.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';

/**
 * What the session endpoint's fast path (docs/benchmarks.md) changed, and what it keeps:
 * the token-only transaction commits asynchronously, every other write durably; the
 * statement is prepared once per connection; the mint never joins a caller's transaction.
 */
let t: TestApp;
let project: TestProject;
let counter = 0;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

function input(externalId: string, profile: Partial<Pick<MintTokenInput, 'email' | 'name' | 'locale'>> = {}): MintTokenInput {
  const now = new Date();
  counter++;
  return {
    projectId: project.id,
    secretHash: sha256(project.clientSecret),
    externalId,
    email: profile.email ?? null,
    name: profile.name ?? null,
    locale: profile.locale ?? null,
    redirectUri: null,
    tokenHash: sha256(`token-${counter}-${Math.random()}`),
    newEndUserId: `eu_mint_${counter}`,
    newSubscriptionId: `sub_mint_${counter}`,
    newEventId: `evt_mint_${counter}`,
    monthEnd: new Date(now.getTime() + 30 * 86_400_000),
    yearEnd: new Date(now.getTime() + 365 * 86_400_000),
    now,
    expiresAt: new Date(now.getTime() + 300_000),
  };
}

/** Runs the SQL function inside a transaction and reads back the commit mode it left for it. */
async function commitModeAfterMint(i: MintTokenInput): Promise<{ endUserId: string | null; mode: string }> {
  return t.database.db.transaction().execute(async (trx) => {
    const minted = await sql<{ id: string | null }>`
      select mint_portal_token(${i.projectId}, ${i.secretHash}, ${i.redirectUri}, ${i.externalId}, ${i.email}, ${i.name}, ${i.locale},
        ${i.tokenHash}, ${i.newEndUserId}, ${i.newSubscriptionId}, ${i.newEventId}, ${i.now}, ${i.expiresAt}, ${i.monthEnd}, ${i.yearEnd}) as id
    `.execute(trx);
    const mode = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(trx);
    return { endUserId: minted.rows[0]!.id, mode: mode.rows[0]!.synchronous_commit };
  });
}

describe('asynchronous commit only for the token-only transaction', () => {
  it('a new end user (with its subscription and event) commits durably', async () => {
    const result = await commitModeAfterMint(input('durable-new'));
    expect(result.endUserId).toMatch(/^eu_/);
    expect(result.mode).toBe('on');
    const events = await t.database.db.selectFrom('events').select('type').where('subject_id', '=', `sub_mint_${counter}`).execute();
    expect(events.map((e) => e.type)).toEqual(['subscription.created']);
  });

  it('an existing end user without profile fields: only the token is written, asynchronously', async () => {
    await createSession(t.url, project, 'token-only');
    const result = await commitModeAfterMint(input('token-only'));
    expect(result.endUserId).toMatch(/^eu_/);
    expect(result.mode).toBe('off');
  });

  it('a profile change commits durably; the same profile again is token-only', async () => {
    await createSession(t.url, project, 'profile-commit', { email: 'a@example.com' });
    expect((await commitModeAfterMint(input('profile-commit', { email: 'b@example.com' }))).mode).toBe('on');
    expect((await commitModeAfterMint(input('profile-commit', { email: 'b@example.com' }))).mode).toBe('off');
    const user = await t.database.db.selectFrom('end_users').select('email').where('external_id', '=', 'profile-commit').executeTakeFirstOrThrow();
    expect(user.email).toBe('b@example.com');
  });

  it('a stale secret writes nothing and changes nothing', async () => {
    const stale = { ...input('token-only'), secretHash: sha256('not-the-secret') };
    const result = await commitModeAfterMint(stale);
    expect(result).toEqual({ endUserId: null, mode: 'on' });
    expect(await t.database.db.selectFrom('portal_tokens').select('token_hash').where('token_hash', '=', stale.tokenHash).executeTakeFirst()).toBeUndefined();
  });

  it('the setting ends with its transaction: the next one on the connection is durable again', async () => {
    await createSession(t.url, project, 'after-async');
    const mode = await t.database.db.connection().execute(async (conn) => {
      await mintPortalToken(conn, input('after-async'));
      return (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(conn)).rows[0]!.synchronous_commit;
    });
    expect(mode).toBe('on');
  });

  it('refuses to run inside a caller\'s transaction (its commit mode would leak into the caller\'s writes)', async () => {
    await expect(t.database.db.transaction().execute((trx) => mintPortalToken(trx, input('token-only')))).rejects.toThrow(/transaction of its own/);
  });
});

describe('no row locks on the project or the end user', () => {
  it('a token-only mint leaves both rows untouched (no xmax written: no referential lock, no MultiXact)', async () => {
    await createSession(t.url, project, 'untouched');
    const xmax = async () => {
      const rows = await sql<{ p: string; e: string }>`
        select projects.xmax::text as p, end_users.xmax::text as e
        from projects join end_users on end_users.project_id = projects.id
        where projects.id = ${project.id} and end_users.external_id = 'untouched'
      `.execute(t.database.db);
      return rows.rows[0];
    };
    const before = await xmax();
    expect(await mintPortalToken(t.database.db, input('untouched'))).toBeDefined();
    expect(await mintPortalToken(t.database.db, input('untouched'))).toBeDefined();
    expect(await xmax()).toEqual(before);
  });
});

describe.runIf(onPostgres)('the mint is a prepared statement (PostgreSQL)', () => {
  async function preparedAfterMint(preparedStatements: boolean): Promise<string[]> {
    const handle = await openDatabase({ url: t.database.url, poolSize: 1, preparedStatements });
    try {
      await createSession(t.url, project, 'prepared-user');
      const first = await mintPortalToken(handle.db, input('prepared-user'));
      const second = await mintPortalToken(handle.db, input('prepared-user'));
      expect(first?.end_user_id).toBeDefined();
      expect(second).toEqual(first);
      const rows = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(handle.db);
      return rows.rows.map((r) => r.name);
    } finally {
      await handle.close();
    }
  }

  it('is prepared once per connection by name', async () => {
    expect(await preparedAfterMint(true)).toEqual(['mint_portal_token']);
  });

  it('DB_PREPARED_STATEMENTS=false sends it unnamed (for PgBouncer before 1.21 in transaction mode)', async () => {
    expect(await preparedAfterMint(false)).toEqual([]);
  });
});
