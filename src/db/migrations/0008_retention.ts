import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the retention job (modules/retention), so each of its runs finds what has
 * aged out without scanning a table:
 * - portal sessions by expiry (a session's end is never later than its `expires_at`);
 * - finished webhook deliveries by when they finished (partial: pending ones never go);
 * - deliveries by event: the archive deletes an event only when no delivery refers to it,
 *   and the foreign key check on that delete needs the same lookup;
 * - published events by project and type: the archive keeps the newest of each (an
 *   integrator's cursor) and asks "is there a newer one?" for every candidate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index portal_sessions_expiry on portal_sessions (expires_at);
    create index webhook_deliveries_succeeded on webhook_deliveries (delivered_at) where status = 'succeeded';
    create index webhook_deliveries_failed on webhook_deliveries (updated_at) where status = 'failed';
    create index webhook_deliveries_by_event on webhook_deliveries (event_id);
    create index events_published_by_type on events (project_id, type, published_seq) where published_seq is not null;
  `.execute(db);
}
