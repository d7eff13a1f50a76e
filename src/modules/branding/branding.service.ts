import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { ThemeConfig } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { recordEvent } from '../events/events.repository.ts';
import * as repo from './branding.repository.ts';
import { checkLogo, type CheckedLogo } from './logo-image.ts';

/**
 * A project's branding beyond the theme's values: uploaded logos, and the dashboard's
 * draft → publish cycle. A draft is only ever shown in the dashboard's preview; customers
 * see `theme_config`, which publishing replaces in one statement.
 */

export interface StoredLogo extends CheckedLogo {
  id: string;
}

/** Checks the image (logo-image.ts) and stores it under the SHA-256 of its bytes. */
export async function uploadLogo(db: Db, projectId: string, bytes: Buffer, now: Date): Promise<StoredLogo> {
  const checked = checkLogo(bytes);
  const id = createHash('sha256').update(bytes).digest('hex');
  await repo.insertLogo(db, { project_id: projectId, id, content_type: checked.contentType, width: checked.width, height: checked.height, bytes }, now);
  return { id, ...checked };
}

/** A theme may name only a logo uploaded for its own project. */
export async function assertLogoBelongs(db: Db, projectId: string | undefined, theme: ThemeConfig | undefined): Promise<void> {
  if (!theme?.logo) return;
  if (!projectId || !(await repo.projectHasLogo(db, projectId, theme.logo))) {
    throw new AppError('invalid_theme', 'theme_config.logo: no logo with this id was uploaded for this project (upload it with PUT /api/admin/projects/{id}/logo)');
  }
}

export async function saveThemeDraft(db: Db, projectId: string, draft: ThemeConfig | null, now: Date): Promise<void> {
  await assertLogoBelongs(db, projectId, draft ?? undefined);
  await repo.setThemeDraft(db, projectId, draft, now);
}

/** Publishes the draft (customers see it on their next page load); false when there was none. */
export async function publishThemeDraft(db: Db, projectId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const published = await repo.publishThemeDraft(trx, projectId, now);
    if (!published) return false;
    await recordEvent(trx, { projectId, type: 'project.updated', subjectId: projectId, source: 'admin', data: { fields: ['theme_config'] }, now });
    return true;
  });
}

export const findLogo = repo.findLogo;
