import { sql, type Kysely } from 'kysely';

/**
 * The last four digits of the card a subscription renews with, as the gateway masked it
 * (`masked_card`), so the portal can say "Card •••• 1114 will be charged…". Never the card
 * number; cleared with the token when the customer removes the card.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table subscriptions add column saved_card_last4 text check (saved_card_last4 ~ '^[0-9]{4}$')`.execute(db);
}
