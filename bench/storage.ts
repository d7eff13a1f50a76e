import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Rows the bench expects the run to have written. */
export interface RowCounts {
  portal_tokens: number;
  end_users: number;
  subscriptions: number;
  events: number;
}

const COUNT_SQL = `select
  (select count(*) from portal_tokens)::int as portal_tokens,
  (select count(*) from end_users)::int as end_users,
  (select count(*) from subscriptions)::int as subscriptions,
  (select count(*) from events)::int as events`;

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway PostgreSQL database `langgan_bench_<random>` on the server behind adminUrl. */
export class BenchDatabase {
  private constructor(
    readonly adminUrl: string,
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<BenchDatabase> {
    const name = `langgan_bench_${randomBytes(5).toString('hex')}`;
    await withClient(adminUrl, (c) => c.query(`create database ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new BenchDatabase(adminUrl, name, url.toString());
  }

  /**
   * A kept database of this name (the dashboard bench's ledger takes a minute to seed, so it
   * is reused between runs); `fresh` drops what it held first.
   */
  static async kept(adminUrl: string, name: string, options: { fresh: boolean }): Promise<BenchDatabase> {
    await withClient(adminUrl, async (c) => {
      if (options.fresh) await c.query(`drop database if exists ${name} with (force)`);
      const { rows } = await c.query('select 1 from pg_database where datname = $1', [name]);
      if (!rows.length) await c.query(`create database ${name}`);
    });
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new BenchDatabase(adminUrl, name, url.toString());
  }

  /**
   * Per-database settings for new connections, e.g. "synchronous_commit=off" or
   * "log_statement=all" (BENCH_PG_SETTINGS, for profiling; the default run sets none).
   */
  async configure(settings: string): Promise<void> {
    for (const pair of settings.split(/[;,]/).map((p) => p.trim()).filter(Boolean)) {
      const match = /^([a-z_.]+)\s*=\s*(.+)$/i.exec(pair);
      if (!match) throw new Error(`BENCH_PG_SETTINGS: expected name=value, got "${pair}"`);
      const value = match[2]!.trim().replace(/'/g, "''");
      await withClient(this.adminUrl, (c) => c.query(`alter database ${this.name} set ${match[1]} = '${value}'`));
    }
  }

  /** Server processes currently connected to this database (for CPU accounting). */
  backendPids(): Promise<number[]> {
    return withClient(this.adminUrl, async (c) => {
      const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [this.name]);
      return rows.map((r) => r.pid);
    });
  }

  async drop(): Promise<void> {
    await withClient(this.adminUrl, (c) => c.query(`drop database if exists ${this.name} with (force)`));
  }

  counts(): Promise<RowCounts> {
    return withClient(this.url, async (c) => (await c.query<RowCounts>(COUNT_SQL)).rows[0]!);
  }

  /**
   * Committed + rolled-back transactions in this database so far, read from another
   * database so the reading itself is not counted. Backends publish their counters when
   * they exit, so read this after the service has stopped.
   */
  transactions(): Promise<number> {
    return withClient(this.adminUrl, async (c) => {
      const { rows } = await c.query<{ n: string }>(
        'select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = $1',
        [this.name],
      );
      return Number(rows[0]?.n ?? 0);
    });
  }
}

/** `SHOW server_version` of the server behind adminUrl. */
export function postgresVersion(adminUrl: string): Promise<string> {
  return withClient(adminUrl, async (c) => (await c.query<{ server_version: string }>('show server_version')).rows[0]!.server_version);
}

/** A fresh PGlite data directory under the OS temp dir. */
export class BenchDataDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<BenchDataDir> {
    return new BenchDataDir(await mkdtemp(join(tmpdir(), 'langgan-bench-')));
  }

  /** PGlite is single-process: only call this after the service has stopped. */
  async counts(): Promise<RowCounts> {
    const lite = await PGlite.create(this.path);
    try {
      return (await lite.query<RowCounts>(COUNT_SQL)).rows[0]!;
    } finally {
      await lite.close();
    }
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
