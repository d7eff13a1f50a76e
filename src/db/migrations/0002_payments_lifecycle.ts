import { sql, type Kysely } from 'kysely';

/**
 * Payments through Midtrans:
 * - subscriptions may be `incomplete` (created for a first paid plan, awaiting payment);
 * - payments remember who asked for them (`source`, carried to events) and when the
 *   reconciler should next ask the gateway about them (`next_check_at`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table subscriptions drop constraint subscriptions_status_check;
    alter table subscriptions add constraint subscriptions_status_check
      check (status in ('incomplete', 'active', 'past_due', 'canceled'));

    alter table payments add column source text not null default 'portal'
      check (source in ('portal', 'api', 'admin', 'scheduler'));
    alter table payments add column next_check_at timestamptz;
    alter table payments add column failure_reason text;
    create index payments_reconcile on payments (next_check_at) where status = 'pending';
  `.execute(db);
}
