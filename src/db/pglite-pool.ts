import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one PGlite instance as the `pg`-style pool Kysely's PostgresDialect expects.
 *
 * PGlite is a single connection. Kysely runs a transaction as BEGIN … COMMIT on one
 * acquired client, so a second caller must not slip its statements in between: the pool
 * hands out its only client to one holder at a time and queues everyone else.
 */
export function pglitePool(db: PGlite): PostgresPool {
  let busy = false;
  const waiting: Array<() => void> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy = false;
  };

  const client: PostgresPoolClient = {
    async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
      // Like pg, a statement without parameters goes through the simple-query protocol,
      // which accepts several statements (migrations rely on it).
      const result =
        parameters.length === 0
          ? ((await db.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
          : await db.query<R>(sql, parameters as unknown[]);
      const affected = result.affectedRows ?? 0;
      return {
        command: commandOf(sql, affected),
        rowCount: affected || result.rows.length,
        rows: result.rows as R[],
      };
    },
    release,
  } as PostgresPoolClient;

  return {
    async connect() {
      if (busy) await new Promise<void>((resolve) => waiting.push(resolve));
      busy = true;
      return client;
    },
    async end() {
      await db.close();
    },
  };
}

/**
 * Kysely reads `command` only to decide whether `rowCount` means "affected rows".
 * PGlite reports affected rows itself, so a data-modifying CTE (`WITH … UPDATE`) that
 * touched rows is reported as an UPDATE.
 */
function commandOf(sql: string, affectedRows: number): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  if (word === 'INSERT' || word === 'UPDATE' || word === 'DELETE' || word === 'MERGE') return word;
  if (word === 'WITH' && affectedRows > 0) return 'UPDATE';
  return 'SELECT';
}
