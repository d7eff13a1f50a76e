import type { Db } from '../../db/database.ts';
import type { ProjectLogosTable, ThemeConfig } from '../../db/types.ts';

/** Every query of branding: logos and the theme draft. */

export async function insertLogo(db: Db, logo: Omit<ProjectLogosTable, 'created_at'>, now: Date): Promise<void> {
  await db
    .insertInto('project_logos')
    .values({ ...logo, created_at: now })
    .onConflict((c) => c.columns(['project_id', 'id']).doNothing())
    .execute();
}

/** A logo's bytes by id, whichever project uploaded them (the id is the content's hash). */
export function findLogo(db: Db, id: string): Promise<Pick<ProjectLogosTable, 'content_type' | 'bytes'> | undefined> {
  return db.selectFrom('project_logos').select(['content_type', 'bytes']).where('id', '=', id).limit(1).executeTakeFirst();
}

/** One of the project's own logos (for the copy attached to its email). */
export function findProjectLogo(db: Db, projectId: string, id: string): Promise<Pick<ProjectLogosTable, 'content_type' | 'bytes'> | undefined> {
  return db.selectFrom('project_logos').select(['content_type', 'bytes']).where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

export async function projectHasLogo(db: Db, projectId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('project_logos').select('id').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function setThemeDraft(db: Db, projectId: string, draft: ThemeConfig | null, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('projects')
    .set({ theme_draft: draft === null ? null : JSON.stringify(draft), updated_at: now })
    .where('id', '=', projectId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** theme_config ← theme_draft, draft cleared, in one statement; undefined when there was no draft. */
export function publishThemeDraft(db: Db, projectId: string, now: Date): Promise<{ theme_config: ThemeConfig } | undefined> {
  return db
    .updateTable('projects')
    .set((eb) => ({ theme_config: eb.ref('theme_draft') as never, theme_draft: null, updated_at: now }))
    .where('id', '=', projectId)
    .where('theme_draft', 'is not', null)
    .returning('theme_config')
    .executeTakeFirst();
}
