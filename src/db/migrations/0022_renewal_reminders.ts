import { sql, type Kysely } from 'kysely';

/**
 * Renewal reminders (docs/email.md, `renewal_reminder`): a customer who pays each period
 * themselves (no saved card) is sent the renewal N days before their period ends, with a
 * "Pay now" link, so they can pay before anything lapses.
 *
 * - `projects.renewal_reminder_days`: N, 0–7 (0: no reminder; the renewal is then opened
 *   at the period end as before). At most 7 so the payment page, which lives at most
 *   7 days, is still open when the period ends.
 * - `subscriptions.renewal_reminded_for`: the period end an early renewal was opened for,
 *   so each period gets one, however often the job runs.
 * - The period end looks for a renewal paid ahead by subscription and period start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects
      add column renewal_reminder_days integer not null default 3,
      add constraint projects_renewal_reminder_days check (renewal_reminder_days between 0 and 7);
    alter table subscriptions add column renewal_reminded_for timestamptz;
    create index subscriptions_renewal_reminders on subscriptions (current_period_end)
      where status = 'active' and saved_card_token is null and not cancel_at_period_end;
    create index payments_renewals on payments (subscription_id, period_start) where purpose = 'renewal';
  `.execute(db);
}
