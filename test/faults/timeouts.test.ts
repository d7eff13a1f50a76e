import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { toErrorResponse } from '../../src/http/error-handler.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database.ts';

// The timeouts are PostgreSQL session settings and pg-pool options; PGlite has neither.
let server: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (!onPostgres) return;
  server = await createTestDatabase({ migrate: false });
  handle = await openDatabase({
    url: server.url,
    poolSize: 1,
    timeouts: { connectMs: 300, statementMs: 250, idleInTransactionMs: 4000 },
  });
});
afterAll(async () => {
  await handle?.close();
  await server?.destroy();
});

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(() => expect.fail('expected a failure'), (err: unknown) => err);
}

describe('database timeouts', () => {
  it.runIf(onPostgres)('every pooled connection carries the configured statement and idle-in-transaction timeouts', async () => {
    const { rows } = await sql<{ st: string; it: string }>`
      select current_setting('statement_timeout') as st, current_setting('idle_in_transaction_session_timeout') as it`.execute(handle.db);
    expect(rows[0]).toEqual({ st: '250ms', it: '4s' });
  });

  it.runIf(onPostgres)('a statement past its timeout fails (57014) and is answered 503 database_unavailable; the connection stays usable', async () => {
    const err = await failure(sql`select pg_sleep(2)`.execute(handle.db));
    expect((err as { code?: string }).code).toBe('57014');
    expect(toErrorResponse(err)).toMatchObject({ status: 503, retryAfter: 5, body: { error: { code: 'database_unavailable' } } });
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
  });

  it.runIf(onPostgres)('waiting for a pooled connection gives up after the connect timeout, answered 503', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = handle.db.connection().execute(async (conn) => {
      await sql`select 1`.execute(conn);
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const err = await failure(sql`select 1`.execute(handle.db));
    const waited = Date.now() - started;
    release();
    await holder;
    expect((err as Error).message).toMatch(/timeout exceeded when trying to connect/);
    expect(toErrorResponse(err).status).toBe(503);
    expect(waited).toBeLessThan(5000);  // bounded by the 300 ms timeout, not by the holder
  });
});
