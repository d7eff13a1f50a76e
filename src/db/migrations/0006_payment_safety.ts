import { sql, type Kysely } from 'kysely';

/**
 * Payments that cannot go wrong quietly:
 * - `refund_due_reason`/`refund_due_at`: money the gateway took that bought nothing (a late
 *   settlement of a payment we had expired or superseded, or an upgrade priced for a period
 *   that is over). It is recorded as paid, never applied, and listed for refund.
 * - `checkout_retry_at`/`checkout_attempts`: a pending payment still waiting for its payment
 *   page. Whoever opens it holds it until `checkout_retry_at` (a lease, then a backoff); the
 *   reconciler claims the lapsed ones, so a crash or a gateway outage mid-call is retried.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table payments add column refund_due_reason text;
    alter table payments add column refund_due_at timestamptz;
    alter table payments add column checkout_attempts integer not null default 0;
    alter table payments add column checkout_retry_at timestamptz;
    create index payments_checkout_due on payments (checkout_retry_at)
      where status = 'pending' and redirect_url is null;
    create index payments_refund_due on payments (project_id, refund_due_at)
      where refund_due_reason is not null;
    -- Pending payments the gateway never heard of and that have no page yet: open one now.
    update payments set checkout_retry_at = updated_at
      where status = 'pending' and redirect_url is null and gateway_status is null;
  `.execute(db);
}
