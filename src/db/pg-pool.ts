import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { preparedNameOf } from './prepared.ts';

export interface PgPoolOptions {
  url: string;
  poolSize: number;
  /** Longest wait for a pooled connection: opening a new one or queueing for a busy one. */
  connectTimeoutMs: number;
  /** Server-side `statement_timeout`; the client gives up a second later if the server is silent. 0: none. */
  statementTimeoutMs: number;
  /** Server-side `idle_in_transaction_session_timeout`: a stuck transaction frees its locks. */
  idleInTransactionTimeoutMs: number;
  /** Told about a connection that broke (a restart, a failover, a terminated backend). */
  onConnectionError: (err: Error) => void;
  /** Send the statements marked in db/prepared.ts as named statements (prepared once per connection). */
  preparedStatements: boolean;
}

/** Connections of one instance's pool, for the metrics endpoint. */
export interface PoolStats {
  total: number;
  idle: number;
  /** Callers queued for a connection: the pool is exhausted. */
  waiting: number;
}

/** Extra time the client waits past the server's statement timeout before calling the server hung. */
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/**
 * The `pg.Pool` behind Kysely, made to survive a database restart, failover or hang:
 * - an error on an idle client (the server said "terminating connection") is logged and
 *   the client dropped, instead of an unhandled 'error' event killing the process;
 * - the same for a client checked out between two queries of a transaction;
 * - a client whose query failed on the connection itself (reset, terminated, client-side
 *   timeout) is destroyed on release, never handed to the next request.
 * Every other error is the caller's to map (see http/error-handler.ts: database_unavailable).
 */
export function resilientPgPool(options: PgPoolOptions): PostgresPool & { stats(): PoolStats } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    ...(options.statementTimeoutMs > 0 && {
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    }),
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs,
    keepAlive: true,
  });
  pool.on('error', (err) => options.onConnectionError(err));
  // A last line of defence for the whole life of every client: pg-pool swaps its own idle
  // listener on and off around checkouts, and an 'error' event that finds no listener (a
  // backend terminated in such a gap) would kill the process. This one only reports when it
  // is alone; the idle and checkout listeners do the real handling.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (client.listenerCount('error') === 1) options.onConnectionError(err);
    });
  });

  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken ??= err;
        options.onConnectionError(err);
      };
      client.on('error', onError);
      return {
        async query(sql: string, parameters: ReadonlyArray<unknown>) {
          if (typeof sql !== 'string') return client.query(sql);  // a cursor: pg-cursor handles its own errors
          // After a timeout or a reset nothing more goes down this connection, not even the
          // ROLLBACK Kysely sends next (it would wait out a second timeout on a hung server).
          if (broken) throw new Error('Client has encountered a connection error and is not queryable', { cause: broken });
          try {
            const name = options.preparedStatements ? preparedNameOf(sql) : undefined;
            if (name) return await client.query({ name, text: sql, values: parameters as unknown[] });
            return await client.query(sql, parameters as unknown[]);
          } catch (err) {
            if (isConnectionLevel(err)) broken ??= err as Error;
            throw err;
          }
        },
        release() {
          client.removeListener('error', onError);
          client.release(broken);
        },
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** A query error that leaves the connection unusable (as opposed to a SQL error). */
function isConnectionLevel(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && /^(57P0[1-3]|08)/.test(e.code)) return true;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return true;  // ECONNRESET, EPIPE, ...
  return /Connection terminated|Query read timeout|not queryable/i.test(e?.message ?? '');
}
