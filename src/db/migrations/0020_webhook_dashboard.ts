import { sql, type Kysely } from 'kysely';

/**
 * What the dashboard's webhook and event pages read (docs/webhooks.md).
 *
 * - `webhook_attempts.response_excerpt`: the first 2 KB of what the receiver answered
 *   (UTF-8, control characters dropped; "…" when there was more), for "why did my app
 *   refuse it". Shown escaped; never interpreted.
 * - `webhook_deliveries.payload`: the body of a delivery that carries no published event —
 *   a test event (`webhook.ping`) sent to one endpoint. Null: the event's own payload.
 * - `events.end_user_external_id`: the integrator's `end_user_id` a public event is about, set with
 *   its payload at publication (and here for the events published so far), so the
 *   dashboard's event log filters by customer through an index.
 * - Indexes for the project-wide delivery log and that filter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_attempts add column response_excerpt text;
    alter table webhook_deliveries add column payload text;
    alter table events add column end_user_external_id text;
    update events set end_user_external_id = coalesce(
        payload::jsonb #>> '{data,subscription,end_user_id}',
        payload::jsonb #>> '{data,payment,end_user_id}',
        payload::jsonb #>> '{data,portal_session,end_user_id}')
      where payload is not null;
    create index events_published_by_end_user on events (project_id, end_user_external_id, published_seq)
      where published_seq is not null and payload is not null and end_user_external_id is not null;
    create index webhook_deliveries_project_log on webhook_deliveries (project_id, created_at desc, id desc);
  `.execute(db);
}
