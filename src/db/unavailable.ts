import { AppError } from '../lib/errors.ts';

/**
 * True when a thrown error means "the database is down, restarting, failing over or not
 * answering" rather than "this query is wrong": the caller answers 503
 * database_unavailable (with Retry-After), never 500. Checked once, in the shared error
 * mapping (http/error-handler.ts), so no route or job handles it on its own.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AppError) return e.code === 'database_unavailable';
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (SOCKET_CODES.has(code)) return true;
      // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
      // 57014 query_canceled (statement_timeout), 08xxx connection_exception.
      if (/^(57P0[123]|57014|08[0-9A-Z]{3})$/.test(code)) return true;
    }
    if (typeof message === 'string' && PG_CLIENT_MESSAGES.test(message)) return true;
  }
  return false;
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres and pg-pool raise these as plain Errors without a code. */
const PG_CLIENT_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end on the pool)/;
