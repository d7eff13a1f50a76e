import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * The deletes of the retention job: the one place rows are removed for their age. The
 * tables belong to other domains; their retention rules are kept together so that what
 * the service forgets, and when, reads in one file.
 *
 * Every statement deletes at most `limit` rows, chosen by a sub-select with
 * `FOR UPDATE SKIP LOCKED`: instances running the job at once take different rows instead
 * of queueing, and a row another transaction holds (a delivery being reopened, a session
 * being ended) is skipped and its condition re-checked on a later run.
 * Each returns how many rows it deleted.
 */

/** Tokens whose expiry lies before `before`. A used token has expired too (used_at ≤ expires_at, minutes apart). */
export async function deletePortalTokens(db: Db, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('portal_tokens')
    .where('token_hash', 'in', (eb) =>
      eb.selectFrom('portal_tokens').select('token_hash').where('expires_at', '<', before).limit(limit).forUpdate().skipLocked(),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Hosted-login codes that expired before `before` (a code lives ten minutes; its row a day longer, for the "link no longer works" page). */
export async function deleteLoginCodes(db: Db, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from login_codes where (project_id, email) in (
      select project_id, email from login_codes where expires_at < ${before}::timestamptz limit ${limit} for update skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Portal sessions over before `before`, with their once-only action records (cascade).
 * A session ends at its `expires_at` at the latest, so that alone decides.
 */
export async function deletePortalSessions(db: Db, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('portal_sessions')
    .where('id', 'in', (eb) => eb.selectFrom('portal_sessions').select('id').where('expires_at', '<', before).limit(limit).forUpdate().skipLocked())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Dashboard sessions over before `before` — signed out, past their absolute lifetime, or
 * idle for longer than `idleMs` — with their once-only action records (cascade).
 */
export async function deleteDashboardSessions(db: Db, before: Date, idleMs: number, limit: number): Promise<number> {
  const idleBefore = new Date(before.getTime() - idleMs);
  const result = await db
    .deleteFrom('dashboard_sessions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('dashboard_sessions')
        .select('id')
        .where((w) => w.or([w('ended_at', '<', before), w('expires_at', '<', before), w('last_seen_at', '<', idleBefore)]))
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Finished webhook deliveries with their attempt log (cascade): succeeded ones delivered
 * before `before`, or failed ones given up before it. Pending deliveries are never touched;
 * a delivery reopened meanwhile is pending again, and the locked re-check skips it.
 */
export async function deleteFinishedDeliveries(db: Db, status: 'succeeded' | 'failed', before: Date, limit: number): Promise<number> {
  const finishedAt = status === 'succeeded' ? 'delivered_at' : 'updated_at';
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', status)
        .where(finishedAt, '<', before)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many of the oldest events one archive statement looks at (bounds its cost). */
const EVENT_WINDOW = 10_000;

/**
 * The event archive (off unless RETENTION_EVENTS_DAYS is set): published events created
 * before `before` that no webhook delivery refers to any more — pending ones must still be
 * sent, finished ones go first by their own retention. Rules that keep the events API sound:
 * - unpublished events are never deleted (they have not been handed out yet);
 * - the newest published event of each project and type is kept: it is what an integrator
 *   who is up to date holds as its `after` cursor (with or without a `type` filter), and an
 *   unknown cursor is refused. It also keeps the highest `published_seq`, after which
 *   publication numbers new events, so numbering never goes back below a cursor.
 * An integrator lagging further behind than the horizon loses its place: the horizon must
 * be longer than any consumer may fall behind.
 * Only the oldest `EVENT_WINDOW` events are considered per statement, so the cost stays
 * bounded however large the table; deletion proceeds oldest first.
 */
export async function deleteArchivedEvents(db: Db, before: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from events where seq in (
      select e.seq from (select seq from events order by seq limit ${EVENT_WINDOW}) oldest
      join events e on e.seq = oldest.seq
      where e.created_at < ${before}::timestamptz
        and e.published_seq is not null
        and exists (
          select 1 from events newer
          where newer.project_id = e.project_id and newer.type = e.type and newer.published_seq > e.published_seq
        )
        and not exists (select 1 from webhook_deliveries d where d.event_id = e.id)
      order by e.seq
      limit ${limit}
      for update of e skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
