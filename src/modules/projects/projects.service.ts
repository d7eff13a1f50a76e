import type { Db } from '../../db/database.ts';
import type { Project, ThemeConfig } from '../../db/types.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { themeContrastWarnings } from '../../theme/resolve.ts';
import { assertLogoBelongs } from '../branding/branding.service.ts';
import { recordEvent } from '../events/events.repository.ts';
import * as repo from './projects.repository.ts';
import { DEFAULT_TIME_ZONE } from '../../lib/time-zones.ts';
import { EMAIL_TYPES, type CreateProjectBody, type ProjectResponse, type RotateClientSecretBody, type UpdateProjectBody } from './projects.schemas.ts';

/** A client secret: `lgs_` + 256 random bits. Only its SHA-256 is stored. */
function newClientSecret(): string {
  return `lgs_${randomToken(32)}`;
}

export async function createProject(db: Db, input: CreateProjectBody, now: Date) {
  return db.transaction().execute((trx) => createProjectIn(trx, input, now));
}

/**
 * Creates a project inside the caller's transaction, so that what belongs with it (its
 * creator's membership, an audit entry) commits or fails with it. The client secret is
 * returned this once.
 */
export async function createProjectIn(trx: Db, input: CreateProjectBody, now: Date): Promise<{ project: Project; clientSecret: string }> {
  // A new project has no uploaded logo yet to refer to.
  await assertLogoBelongs(trx, undefined, input.theme_config as ThemeConfig | undefined);
  const clientSecret = newClientSecret();
  const insert = (slug: string) => repo.insertProject(trx, {
    id: newId('prj'),
    name: input.name,
    clientId: newId('cli'),
    clientSecretHash: sha256(clientSecret),
    redirectUris: input.redirect_uris,
    themeConfig: (input.theme_config ?? {}) as ThemeConfig,
    currency: input.currency ?? 'IDR',
    defaultLocale: input.default_locale ?? 'en',
    timeZone: input.time_zone ?? DEFAULT_TIME_ZONE,
    gracePeriodDays: input.grace_period_days ?? 3,
    ...(input.renewal_reminder_days !== undefined && { renewalReminderDays: input.renewal_reminder_days }),
    developmentMode: input.development_mode ?? false,
    email: { senderName: input.email_sender_name ?? null, replyTo: input.email_reply_to ?? null, disabledTypes: input.email_disabled_types ?? [] },
    slug,
    hostedLoginEnabled: input.hosted_login_enabled ?? false,
    now,
  });
  let project: Project | undefined;
  if (input.slug !== undefined) {
    project = await insert(input.slug);
    if (!project) throw slugTaken(input.slug);
  } else {
    // From the name; when another project has it, with a short random tail.
    const base = slugFromName(input.name);
    for (let tries = 0; !project; tries++) {
      if (tries === 5) throw new Error('no free slug after 5 tries');
      project = await insert(tries === 0 ? base : `${base.slice(0, 33)}-${randomSlugTail()}`);
    }
  }
  await recordEvent(trx, { projectId: project.id, type: 'project.created', subjectId: project.id, source: 'admin', now });
  return { project, clientSecret };
}

/** `Acme Notes!` → `acme-notes`; a name without letters or digits → `project`. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return slug.length >= 3 ? slug : slug.length > 0 ? `${slug}-project` : 'project';
}

function randomSlugTail(): string {
  return randomToken(8).toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(6, '0').slice(0, 6);
}

function slugTaken(slug: string): AppError {
  return new AppError('slug_taken', `slug "${slug}" is already used by another project`);
}

/** Postgres's unique violation on the slug index (a concurrent update took it first). */
function isSlugConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  return e?.code === '23505' && (e.constraint === 'projects_slug' || String(e.message).includes('projects_slug'));
}

export async function getProject(db: Db, id: string): Promise<Project> {
  const project = await repo.findProjectById(db, id);
  if (!project) throw projectNotFound(id);
  return project;
}

export async function updateProject(db: Db, id: string, input: UpdateProjectBody, now: Date): Promise<Project> {
  if (input.slug !== undefined && (await repo.isSlugTaken(db, input.slug, id))) throw slugTaken(input.slug);
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
        timeZone: input.time_zone,
        gracePeriodDays: input.grace_period_days,
        renewalReminderDays: input.renewal_reminder_days,
        developmentMode: input.development_mode,
        emailSenderName: input.email_sender_name,
        emailReplyTo: input.email_reply_to,
        emailDisabledTypes: input.email_disabled_types,
        slug: input.slug,
        hostedLoginEnabled: input.hosted_login_enabled,
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
  }).catch((error: unknown) => {
    // The check above lost a race with another project taking the slug.
    throw input.slug !== undefined && isSlugConflict(error) ? slugTaken(input.slug) : error;
  });
}

/**
 * A new client secret, returned once. The old one stops the moment this commits, or — with
 * `previous_secret_expires_in` — at the end of that grace window (hot paths compare the
 * hashes in SQL, against the database's row, never only against a cache).
 */
export async function rotateClientSecret(db: Db, id: string, input: RotateClientSecretBody, now: Date) {
  const graceSeconds = input.previous_secret_expires_in ?? 0;
  const previousExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
  const clientSecret = newClientSecret();
  const project = await db.transaction().execute(async (trx) => {
    const row = await repo.rotateClientSecret(trx, id, { hash: sha256(clientSecret), previousExpiresAt, now });
    if (!row) throw projectNotFound(id);
    await recordEvent(trx, {
      projectId: id,
      type: 'project.secret_rotated',
      subjectId: id,
      source: 'admin',
      data: { previous_secret_expires_at: previousExpiresAt?.toISOString() ?? null },
      now,
    });
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
    time_zone: p.time_zone,
    grace_period_days: p.grace_period_days,
    renewal_reminder_days: p.renewal_reminder_days,
    development_mode: p.development_mode,
    email_sender_name: p.email_sender_name,
    email_reply_to: p.email_reply_to,
    email_disabled_types: EMAIL_TYPES.filter((type) => p.email_disabled_types.includes(type)),
    slug: p.slug,
    hosted_login_enabled: p.hosted_login_enabled,
    previous_secret_expires_at: iso(p.previous_secret_expires_at),
    secret_last_used_at: iso(p.client_secret_last_used_at),
    previous_secret_last_used_at: iso(p.previous_secret_last_used_at),
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
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
