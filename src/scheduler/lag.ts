import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * How far behind the scheduler is: the age of the oldest work that is due and not done
 * (a period or grace end not yet processed, a pending payment past its check time, a
 * webhook delivery or an email past its attempt time).
 * 0 when nothing is overdue. Reported by /readyz.
 */
export async function schedulerLagSeconds(db: Db, now: Date): Promise<number> {
  const result = await sql<{ due: Date | string | null }>`
    select min(due) as due from (
      select min(current_period_end) as due from subscriptions where status = 'active' and current_period_end <= ${now}::timestamptz
      union all
      select min(grace_ends_at) from subscriptions where status = 'past_due' and grace_ends_at <= ${now}::timestamptz
      union all
      select min(next_check_at) from payments where status = 'pending' and next_check_at <= ${now}::timestamptz
      union all
      select min(next_attempt_at) from webhook_deliveries where status = 'pending' and next_attempt_at <= ${now}::timestamptz
      union all
      select min(next_attempt_at) from email_outbox where status in ('pending', 'sending') and next_attempt_at <= ${now}::timestamptz
    ) overdue
  `.execute(db);
  const due = result.rows[0]?.due;
  if (!due) return 0;
  return Math.max(0, Math.round((now.getTime() - new Date(due).getTime()) / 1000));
}
