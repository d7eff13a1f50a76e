import type { Db } from '../../db/database.ts';
import type { EndUser, Locale } from '../../db/types.ts';

/**
 * Sets the profile fields given (absent ones stay; null clears) of one end user of the
 * project, found by the integrator's own id. Undefined when the project has no such user.
 */
export function updateEndUserProfile(
  db: Db,
  projectId: string,
  externalId: string,
  p: { email?: string | null; name?: string | null; locale?: Locale | null },
  now: Date,
): Promise<EndUser | undefined> {
  return db
    .updateTable('end_users')
    .set({
      ...(p.email !== undefined && { email: p.email }),
      ...(p.name !== undefined && { name: p.name }),
      ...(p.locale !== undefined && { locale: p.locale }),
      updated_at: now,
    })
    .where('project_id', '=', projectId)
    .where('external_id', '=', externalId)
    .returningAll()
    .executeTakeFirst();
}
