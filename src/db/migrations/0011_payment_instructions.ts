import { sql, type Kysely } from 'kysely';

/**
 * How to pay a pending payment, as the gateway told us (a bank transfer's virtual account,
 * a bill payment's codes, a store's payment code, a QR page): shown on the portal's
 * processing page until the payment is settled. See `PaymentInstructions` in
 * payments/gateway.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table payments add column payment_instructions jsonb`.execute(db);
}
