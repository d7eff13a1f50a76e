import type { Db } from '../../db/database.ts';
import type { Project, ThemeConfig } from '../../db/types.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { themeContrastWarnings } from '../../theme/resolve.ts';
import { assertLogoBelongs } from '../branding/branding.service.ts';
import { recordEvent } from '../events/events.repository.ts';
import * as repo from './projects.repository.ts';
import type { CreateProjectBody, ProjectResponse, UpdateProjectBody } from './projects.schemas.ts';

/** A client secret: `lgs_` + 256 random bits. Only its SHA-256 is stored. */
function newClientSecret(): string {
  return `lgs_${randomToken(32)}`;
}

export async function createProject(db: Db, input: CreateProjectBody, now: Date) {
  // A new project has no uploaded logo yet to refer to.
  await assertLogoBelongs(db, undefined, input.theme_config as ThemeConfig | undefined);
  const clientSecret = newClientSecret();
  const project = await db.transaction().execute(async (trx) => {
    const row = await repo.insertProject(trx, {
      id: newId('prj'),
      name: input.name,
      clientId: newId('cli'),
      clientSecretHash: sha256(clientSecret),
      redirectUris: input.redirect_uris,
      themeConfig: (input.theme_config ?? {}) as ThemeConfig,
      currency: input.currency ?? 'IDR',
      defaultLocale: input.default_locale ?? 'en',
      gracePeriodDays: input.grace_period_days ?? 3,
      developmentMode: input.development_mode ?? false,
      now,
    });
    await recordEvent(trx, { projectId: row.id, type: 'project.created', subjectId: row.id, source: 'admin', now });
    return row;
  });
  return { project, clientSecret };
}

export async function getProject(db: Db, id: string): Promise<Project> {
  const project = await repo.findProjectById(db, id);
  if (!project) throw projectNotFound(id);
  return project;
}

export async function updateProject(db: Db, id: string, input: UpdateProjectBody, now: Date): Promise<Project> {
  return db.transaction().execute(async (trx) => {
    await assertLogoBelongs(trx, id, input.theme_config as ThemeConfig | undefined);
    const project = await repo.updateProject(
      trx,
      id,
      {
        name: input.name,
        redirectUris: input.redirect_uris,
        themeConfig: input.theme_config as ThemeConfig | undefined,
        defaultLocale: input.default_locale,
        gracePeriodDays: input.grace_period_days,
        developmentMode: input.development_mode,
      },
      now,
    );
    if (!project) throw projectNotFound(id);
    await recordEvent(trx, {
      projectId: id,
      type: 'project.updated',
      subjectId: id,
      source: 'admin',
      data: { fields: Object.keys(input) },
      now,
    });
    return project;
  });
}

/** The old secret stops working the moment this commits (hot paths re-check the hash in SQL). */
export async function rotateClientSecret(db: Db, id: string, now: Date) {
  const clientSecret = newClientSecret();
  const project = await db.transaction().execute(async (trx) => {
    const row = await repo.replaceClientSecretHash(trx, id, sha256(clientSecret), now);
    if (!row) throw projectNotFound(id);
    await recordEvent(trx, { projectId: id, type: 'project.secret_rotated', subjectId: id, source: 'admin', now });
    return row;
  });
  return { project, clientSecret };
}

export function projectNotFound(id: string): AppError {
  return new AppError('project_not_found', `No project with id ${id}`);
}

export function toProjectResponse(p: Project): ProjectResponse {
  return {
    id: p.id,
    name: p.name,
    client_id: p.client_id,
    redirect_uris: p.redirect_uris,
    theme_config: p.theme_config,
    currency: p.currency,
    default_locale: p.default_locale,
    grace_period_days: p.grace_period_days,
    development_mode: p.development_mode,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

/**
 * For the answers to creating or updating a project: the portal adjusts theme colours
 * that fall below WCAG AA, and the admin is told which and to what. Absent when none do.
 */
export function themeWarnings(p: Project): { warnings?: string[] } {
  const warnings = themeContrastWarnings(p.theme_config);
  return warnings.length > 0 ? { warnings } : {};
}

export function listProjects(db: Db): Promise<Project[]> {
  return repo.listProjects(db);
}
