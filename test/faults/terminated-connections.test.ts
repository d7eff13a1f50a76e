import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database.ts';
import { freePort } from '../support/ports.ts';
import { startServiceProcess, type ServiceProcess } from '../support/process.ts';
import { expectOnlyCleanOutcomes, FAULT_ENV, readyStatus, startLoad, waitFor } from './support.ts';

// pg_terminate_backend needs a real PostgreSQL server; CI runs this file once on it.
let database: TestDatabase;
let service: ServiceProcess;
let base: string;
let creds: { clientId: string; clientSecret: string };

beforeAll(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = startServiceProcess({
    ...FAULT_ENV,
    PORT: String(port),
    DATABASE_URL: database.url!,
    MIDTRANS_SIMULATOR_PORT: String(await freePort()),
  });
  await service.ready(/Langgan is running/);
  creds = { clientId: 'cli_demo', clientSecret: /Demo client_secret:\s+(lgs_\S+)/.exec(service.output())![1]! };
});

afterAll(async () => {
  await service?.stop();
  await database?.destroy();
});

/** Kills every backend connected to the test database (what a restart or failover does to them). */
async function terminateAll(admin: pg.Client, dbName: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [dbName],
  );
  return rows[0]!.n;
}

describe('connections killed under load', { timeout: 120_000 }, () => {
  it.runIf(onPostgres)(
    'the process survives repeated pg_terminate_backend of all its connections, answers 503 database_unavailable meanwhile, recovers alone, and leaves nothing half-written',
    async () => {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      const dbName = new URL(database.url!).pathname.slice(1);
      const load = startLoad(base, creds);
      let killed = 0;
      let lastKill = 0;
      try {
        await new Promise((r) => setTimeout(r, 500));
        for (let round = 0; round < 15; round++) {
          killed += await terminateAll(admin, dbName);
          lastKill = Date.now();
          await new Promise((r) => setTimeout(r, 200 + (round % 3) * 150));
        }
        // Generous bound: CI machines are shared and noisy; the figure itself is logged below.
        const recoveredMs = await waitFor(async () => (await readyStatus(base)) === 200, 40_000, '/readyz 200 after the faults');
        // It serves writes again, not just the probe.
        await waitFor(async () => {
          const before = load.outcomes.length;
          await new Promise((r) => setTimeout(r, 300));
          return load.outcomes.slice(before).some((o) => o.kind === 'api' && o.status === 200);
        }, 10_000, 'a portal session minted after the faults');
        console.log(`terminated ${killed} backends; /readyz 200 again ${Date.now() - lastKill} ms after the last kill (${recoveredMs} ms of polling)`);
      } finally {
        await load.stop();
        await admin.end();
      }

      expect(service.child.exitCode, service.output()).toBeNull();
      expect(service.child.signalCode).toBeNull();
      expect(killed).toBeGreaterThan(0);
      const outcomes = load.outcomes;
      expectOnlyCleanOutcomes(outcomes);
      const unavailable = outcomes.filter((o) => o.status === 503);
      expect(unavailable.length, 'the faults were felt by some requests').toBeGreaterThan(0);
      console.log(`${outcomes.length} requests: ${outcomes.filter((o) => o.status < 500).length} answered normally, ${unavailable.length} got 503 database_unavailable (${unavailable.filter((o) => o.kind === 'portal').length} of them portal HTML pages); slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`);
      expect(service.output()).toMatch(/database connection lost; dropping it/);

      // Nothing half-written: every token handed out is stored, and every end user the
      // fault run created came with its subscription and its token (one statement, one transaction).
      const minted = outcomes.filter((o) => o.kind === 'api' && o.status === 200);
      const hashes = minted.map((o) => createHash('sha256').update(o.token!, 'utf8').digest());
      const stored = await database.db.selectFrom('portal_tokens').select('token_hash').where('token_hash', 'in', hashes).execute();
      expect(stored).toHaveLength(minted.length);
      const orphans = await database.db
        .selectFrom('end_users as u')
        .select('u.external_id')
        .where('u.external_id', 'like', 'fault-%')
        .where((eb) =>
          eb.or([
            eb.not(eb.exists(eb.selectFrom('subscriptions as s').select('s.id').whereRef('s.end_user_id', '=', 'u.id'))),
            eb.not(eb.exists(eb.selectFrom('portal_tokens as t').select('t.token_hash').whereRef('t.end_user_id', '=', 'u.id'))),
          ]),
        )
        .execute();
      expect(orphans).toEqual([]);
      // Callers that got a 503 may or may not have their end user (the commit can race the
      // broken connection), but never a partial one: covered by the orphan check above.
    },
  );
});
