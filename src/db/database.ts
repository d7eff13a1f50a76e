import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import { resilientPgPool, type PoolStats } from './pg-pool.ts';
import { pglitePool } from './pglite-pool.ts';
import type { Database } from './types.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** PostgreSQL only: the connection pool's usage right now. */
  poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, PGlite (Postgres compiled to WASM) runs in-process. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PostgreSQL only: see config.ts (DB_*_TIMEOUT_MS). */
  timeouts?: Partial<DatabaseTimeouts>;
  /** PostgreSQL only: a pooled connection broke (restart, failover, terminated backend). */
  onConnectionError?: (err: Error) => void;
  /** PostgreSQL only: named statements for the hot queries (db/prepared.ts); default true. */
  preparedStatements?: boolean;
}

export interface DatabaseTimeouts {
  connectMs: number;
  /** 0: no statement timeout (migrations at start). */
  statementMs: number;
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DatabaseTimeouts = { connectMs: 5000, statementMs: 10_000, idleInTransactionMs: 30_000 };

const INT8_OID = 20;
const BYTEA_OID = 17;

// Money and counters are bigint in SQL but always far below 2^53: read them as numbers.
pg.types.setTypeParser(INT8_OID, (value) => Number(value));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const timeouts = { ...DEFAULT_DB_TIMEOUTS, ...options.timeouts };
    const pool = resilientPgPool({
      url: options.url,
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: timeouts.connectMs,
      statementTimeoutMs: timeouts.statementMs,
      idleInTransactionTimeoutMs: timeouts.idleInTransactionMs,
      onConnectionError: options.onConnectionError ?? (() => {}),
      preparedStatements: options.preparedStatements ?? true,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', poolStats: () => pool.stats(), close: () => db.destroy() };
  }
  const dataDir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir, {
    parsers: {
      [INT8_OID]: (value: string) => Number(value),
      [BYTEA_OID]: (value: string) => Buffer.from(value.slice(2), 'hex'),
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pglitePool(lite) }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/**
 * Applies pending migrations. Kysely's Postgres adapter takes `pg_advisory_xact_lock`
 * inside the migration transaction, so instances starting together queue up and the
 * later ones find nothing left to do; all pending migrations commit or none do.
 */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
