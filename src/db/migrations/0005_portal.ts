import { sql, type Kysely } from 'kysely';

/**
 * The hosted portal: every state-changing form carries a random `action_id`, claimed here
 * once per portal session before the action runs, so a double-submitted form (double
 * click, resubmission) changes things once; `outcome` keeps where the first submission
 * led, so the second gets the same answer. Rows go with their session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table portal_actions (
      session_id  text not null references portal_sessions (id) on delete cascade,
      action_id   text not null,
      outcome     text,
      created_at  timestamptz not null,
      primary key (session_id, action_id)
    );
  `.execute(db);
}
