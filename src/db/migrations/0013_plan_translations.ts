import { sql, type Kysely } from 'kysely';

/**
 * A plan's customer-facing text per language (`{"id": {"name", "description", "features"}}`):
 * the portal shows the reader's language and falls back to the plan's own text for
 * anything missing. See `PlanTranslations` in db/types.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plans add column translations jsonb not null default '{}'::jsonb`.execute(db);
}
