import { sql, type Kysely } from 'kysely';

/**
 * The dashboard's payments list (modules/payments/list-payments.ts): newest first, keyset
 * `(created_at, id)` descending, every page an index range scan at any depth.
 *
 * - `payments_by_project`: the whole list, and its method and date-range filters (the range
 *   bounds `created_at`, the keyset's own column; the method is checked on the rows read).
 * - `payments_by_project_status`: a status filter (partly refunded is `paid` with
 *   `refunded_amount > 0`, read from the paid range).
 * - `events_by_subject`: a payment page's state changes, oldest first.
 * - `payments.card_brand`, `card_last4`: the card a payment was made with, as the gateway
 *   masked it (`masked_card`: only the brand, from the first digit, and the last four are kept).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index payments_by_project on payments (project_id, created_at desc, id desc);
    create index payments_by_project_status on payments (project_id, status, created_at desc, id desc);
    create index events_by_subject on events (subject_id, seq);
    alter table payments
      add column card_brand text check (card_brand in ('visa', 'mastercard', 'jcb', 'amex')),
      add column card_last4 text check (card_last4 ~ '^[0-9]{4}$');
  `.execute(db);
}
