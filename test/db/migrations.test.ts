import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/db/database.ts';
import { migrationProvider } from '../../src/db/migrations/index.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database.ts';

const cleanup: TestDatabase[] = [];
const ALL = Object.keys(await migrationProvider.getMigrations()).sort();
afterAll(async () => {
  for (const d of cleanup) await d.destroy();
});

describe('migrations', () => {
  it('are numbered forward-only, starting with the initial schema', () => {
    expect(ALL[0]).toBe('0001_initial');
    ALL.forEach((name, i) => expect(name.startsWith(String(i + 1).padStart(4, '0') + '_'), name).toBe(true));
  });

  it('apply once on an empty database and are a no-op the second time', async () => {
    const d = await createTestDatabase({ migrate: false });
    cleanup.push(d);
    expect(await migrate(d.db)).toEqual(ALL);
    expect(await migrate(d.db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(d.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['end_users', 'events', 'payments', 'plans', 'portal_sessions', 'portal_tokens', 'projects', 'subscriptions', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints']),
    );
  });

  it('are safe when several instances start together (advisory lock)', async () => {
    const d = await createTestDatabase({ migrate: false });
    cleanup.push(d);
    // Four "instances" migrating at the same moment: on PostgreSQL each has its own pool
    // and the advisory lock serialises them; PGlite is one connection shared in-process.
    const instances = onPostgres
      ? await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: d.url })))
      : Array.from({ length: 4 }, () => ({ db: d.db, close: async () => {} }));
    try {
      const applied = await Promise.all(instances.map((i) => migrate(i.db)));
      expect(applied.flat()).toEqual(ALL);
      const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(d.db);
      expect(rows.rows.map((r) => r.name)).toEqual(ALL);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('enforce money and status invariants in the schema itself', async () => {
    const d = await createTestDatabase();
    cleanup.push(d);
    const now = new Date();
    await d.db
      .insertInto('projects')
      .values({ id: 'prj_x', name: 'x', client_id: 'cli_x', client_secret_hash: Buffer.alloc(32), redirect_uris: '[]', theme_config: '{}', currency: 'IDR', default_locale: 'en', slug: 'x-project', created_at: now, updated_at: now })
      .execute();
    const plan = (price: number, code: string) =>
      d.db
        .insertInto('plans')
        .values({ id: `plan_${code}`, project_id: 'prj_x', code, name: code, description: '', price, currency: 'IDR', interval: 'month', features: '[]', sort_order: 0, is_default: false, created_at: now, updated_at: now })
        .execute();
    await expect(plan(-1, 'neg')).rejects.toThrow();
    await expect(plan(1.5, 'frac')).rejects.toThrow();
    await plan(100, 'ok');
    await expect(plan(100, 'ok')).rejects.toThrow(); // (project, code) unique
  });
});
