import { sql, type Kysely } from 'kysely';

/**
 * Webhooks to the integrator, fed from the `events` outbox.
 *
 * - `events.published_seq` numbers events in the order they were *published* (handed to
 *   webhooks and the platform events API). A `seq` can commit out of order (two
 *   transactions take 10 and 11, 11 commits first), so a reader that pages by `seq` could
 *   skip 10 for good; publication runs one instance at a time (an advisory lock), so
 *   `published_seq` only ever grows in commit order and paging by it has no gaps.
 * - `events.payload` is the public JSON of an event, built once at publication: the exact
 *   webhook body and the item the platform events API returns. Null for internal types.
 * - Events written before this migration are published by the first run, like any other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table events add column published_seq bigint unique;
    alter table events add column payload text;
    create index events_unpublished on events (seq) where published_seq is null;
    create index events_published_by_project on events (project_id, published_seq)
      where published_seq is not null and payload is not null;

    create table webhook_endpoints (
      id                          text primary key,
      project_id                  text not null references projects (id),
      url                         text not null,
      description                 text not null default '',
      -- null: every public event type (also those added later).
      event_types                 jsonb,
      -- Signing secrets are needed in the clear to sign; never returned after creation.
      secret                      text not null,
      previous_secret             text,
      previous_secret_expires_at  timestamptz,
      created_at                  timestamptz not null,
      updated_at                  timestamptz not null
    );
    create index webhook_endpoints_by_project on webhook_endpoints (project_id, created_at);

    -- One row per (endpoint, event): its state and when it is next due. A claim pushes
    -- next_attempt_at forward (a lease) and bumps attempts_in_window in one statement.
    create table webhook_deliveries (
      id                  text primary key,
      project_id          text not null references projects (id),
      endpoint_id         text not null references webhook_endpoints (id) on delete cascade,
      event_id            text not null references events (id),
      status              text not null check (status in ('pending', 'succeeded', 'failed')),
      next_attempt_at     timestamptz,
      attempts_in_window  integer not null default 0,
      -- Set by each claim; a result is recorded only by the holder of the current claim.
      claim_token         text,
      window_started_at   timestamptz not null,
      last_attempt_at     timestamptz,
      last_status_code    integer,
      last_error          text,
      delivered_at        timestamptz,
      created_at          timestamptz not null,
      updated_at          timestamptz not null,
      unique (endpoint_id, event_id),
      check ((status = 'pending') = (next_attempt_at is not null))
    );
    create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
    create index webhook_deliveries_log on webhook_deliveries (endpoint_id, created_at desc, id desc);

    -- The delivery log: every request made, with what came back.
    create table webhook_attempts (
      id               bigserial primary key,
      delivery_id      text not null references webhook_deliveries (id) on delete cascade,
      attempted_at     timestamptz not null,
      status_code      integer,
      duration_ms      integer not null,
      error            text,
      next_attempt_at  timestamptz
    );
    create index webhook_attempts_by_delivery on webhook_attempts (delivery_id, id);
  `.execute(db);
}
