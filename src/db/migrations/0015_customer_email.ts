import { sql, type Kysely } from 'kysely';

/**
 * Customer email, never lost and never twice (docs/email.md). A state change that should
 * tell the customer writes its email here in the same transaction; the `deliver-emails`
 * job sends it.
 *
 * - `idempotency_key` is unique per project (`payment_receipt:<payment id>`), so the same
 *   cause queued twice (a notification delivered ten times, two instances) is one row.
 * - Claims are a lease: a claimed row moves `next_attempt_at` to the lease's end, so one
 *   condition (`status in (pending, sending) and next_attempt_at <= now`) finds both due
 *   rows and rows whose sender died mid-send.
 * - `message_id` is fixed at queueing: a re-send after a crash carries the same Message-ID.
 * - Bodies are purged after `RETENTION_EMAIL_BODIES_DAYS`; the row (to, subject, status,
 *   when) stays.
 *
 * Per project: the sender's display name (default: the project's name), a Reply-To
 * address, and the email types it has switched off (`[]`: all on).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects
      add column email_sender_name text,
      add column email_reply_to text,
      add column email_disabled_types jsonb not null default '[]'::jsonb
  `.execute(db);

  await sql`
    create table email_outbox (
      id               text primary key,
      project_id       text not null references projects (id),
      end_user_id      text references end_users (id),
      type             text not null,
      idempotency_key  text not null,
      to_address       text not null,
      locale           text not null check (locale in ('en', 'id')),
      subject          text not null,
      text_body        text,
      html_body        text,
      message_id       text not null,
      status           text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts         integer not null default 0,
      next_attempt_at  timestamptz not null,
      last_error       text,
      created_at       timestamptz not null,
      sent_at          timestamptz,
      body_purged_at   timestamptz,
      unique (project_id, idempotency_key)
    );
    create index email_outbox_due on email_outbox (next_attempt_at) where status in ('pending', 'sending');
    create index email_outbox_by_user on email_outbox (end_user_id, created_at desc);
    create index email_outbox_by_project on email_outbox (project_id, created_at desc);
    create index email_outbox_purge on email_outbox (created_at) where body_purged_at is null and status in ('sent', 'failed');
  `.execute(db);
}
