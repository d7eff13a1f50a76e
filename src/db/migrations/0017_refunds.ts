import { sql, type Kysely } from 'kysely';

/**
 * Refunds (docs/billing.md, "Refunds"): money given back on a paid payment, through
 * Midtrans' refund API or, for methods Midtrans cannot refund (bank transfer), recorded as
 * refunded outside Midtrans with a note.
 *
 * - `payments.refunded_amount`: the sum of its succeeded refunds, never above the amount.
 *   A payment refunded in full has status `refunded`; partly, it stays `paid` with this > 0.
 * - `payment_refunds`: one row per refund asked for. `refund_key` is unique and is the
 *   idempotency key sent to Midtrans, so asking twice (a double submit, a retry after a
 *   timeout) refunds once. `channel` says where the money went back: `midtrans` or
 *   `outside` (the integrator refunded it themselves; `note` says how).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table payments
      add column refunded_amount bigint not null default 0,
      add constraint payments_refunded_amount check (refunded_amount >= 0 and refunded_amount <= amount);

    create table payment_refunds (
      id             text primary key,
      project_id     text not null references projects (id),
      payment_id     text not null references payments (id),
      refund_key     text not null unique,
      amount         bigint not null check (amount > 0),
      reason         text not null,
      channel        text not null check (channel in ('midtrans', 'outside')),
      status         text not null check (status in ('pending', 'succeeded', 'failed')),
      note           text,
      failure_reason text,
      created_by     text,
      created_at     timestamptz not null,
      completed_at   timestamptz
    );
    create index payment_refunds_by_payment on payment_refunds (payment_id, created_at);
    create index payment_refunds_by_project on payment_refunds (project_id, completed_at) where status = 'succeeded';
  `.execute(db);
}
