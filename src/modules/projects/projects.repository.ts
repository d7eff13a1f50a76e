import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { EmailType, Project, ThemeConfig } from '../../db/types.ts';

/** Every query of the projects domain. Callers pass the handle (db or transaction). */

export interface ProjectInsert {
  id: string;
  name: string;
  clientId: string;
  clientSecretHash: Buffer;
  redirectUris: string[];
  themeConfig: ThemeConfig;
  currency: string;
  defaultLocale: 'en' | 'id';
  timeZone: string;
  gracePeriodDays: number;
  renewalReminderDays?: number;
  developmentMode: boolean;
  email: { senderName: string | null; replyTo: string | null; disabledTypes: EmailType[] };
  slug: string;
  hostedLoginEnabled: boolean;
  now: Date;
}

/** Inserts the project; undefined when its slug is taken (nothing is written). */
export async function insertProject(db: Db, p: ProjectInsert): Promise<Project | undefined> {
  return db
    .insertInto('projects')
    .values({
      id: p.id,
      name: p.name,
      client_id: p.clientId,
      client_secret_hash: p.clientSecretHash,
      redirect_uris: JSON.stringify(p.redirectUris),
      theme_config: JSON.stringify(p.themeConfig),
      currency: p.currency,
      default_locale: p.defaultLocale,
      time_zone: p.timeZone,
      grace_period_days: p.gracePeriodDays,
      ...(p.renewalReminderDays !== undefined && { renewal_reminder_days: p.renewalReminderDays }),
      development_mode: p.developmentMode,
      email_sender_name: p.email.senderName,
      email_reply_to: p.email.replyTo,
      email_disabled_types: JSON.stringify(p.email.disabledTypes),
      slug: p.slug,
      hosted_login_enabled: p.hostedLoginEnabled,
      created_at: p.now,
      updated_at: p.now,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findProjectById(db: Db, id: string): Promise<Project | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findProjectBySlug(db: Db, slug: string): Promise<Project | undefined> {
  return db.selectFrom('projects').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function isSlugTaken(db: Db, slug: string, exceptProjectId?: string): Promise<boolean> {
  let query = db.selectFrom('projects').select('id').where('slug', '=', slug);
  if (exceptProjectId) query = query.where('id', '<>', exceptProjectId);
  return (await query.executeTakeFirst()) !== undefined;
}

export function findProjectByClientId(db: Db, clientId: string): Promise<Project | undefined> {
  return db.selectFrom('projects').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export function listProjects(db: Db): Promise<Project[]> {
  return db.selectFrom('projects').selectAll().orderBy('created_at', 'asc').orderBy('id').execute();
}

export interface ProjectChanges {
  name?: string;
  redirectUris?: string[];
  themeConfig?: ThemeConfig;
  defaultLocale?: 'en' | 'id';
  timeZone?: string;
  gracePeriodDays?: number;
  renewalReminderDays?: number;
  developmentMode?: boolean;
  emailSenderName?: string | null;
  emailReplyTo?: string | null;
  emailDisabledTypes?: EmailType[];
  slug?: string;
  hostedLoginEnabled?: boolean;
}

export async function updateProject(db: Db, id: string, c: ProjectChanges, now: Date): Promise<Project | undefined> {
  return db
    .updateTable('projects')
    .set({
      ...(c.name !== undefined && { name: c.name }),
      ...(c.redirectUris !== undefined && { redirect_uris: JSON.stringify(c.redirectUris) }),
      ...(c.themeConfig !== undefined && { theme_config: JSON.stringify(c.themeConfig) }),
      ...(c.defaultLocale !== undefined && { default_locale: c.defaultLocale }),
      ...(c.timeZone !== undefined && { time_zone: c.timeZone }),
      ...(c.gracePeriodDays !== undefined && { grace_period_days: c.gracePeriodDays }),
      ...(c.renewalReminderDays !== undefined && { renewal_reminder_days: c.renewalReminderDays }),
      ...(c.developmentMode !== undefined && { development_mode: c.developmentMode }),
      ...(c.emailSenderName !== undefined && { email_sender_name: c.emailSenderName }),
      ...(c.emailReplyTo !== undefined && { email_reply_to: c.emailReplyTo }),
      ...(c.emailDisabledTypes !== undefined && { email_disabled_types: JSON.stringify(c.emailDisabledTypes) }),
      ...(c.slug !== undefined && { slug: c.slug }),
      ...(c.hostedLoginEnabled !== undefined && { hosted_login_enabled: c.hostedLoginEnabled }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A new current secret. With `previousExpiresAt`, the secret being replaced stays valid
 * until then and keeps its last-used time; without, it stops now. Either way a secret
 * that was "previous" before this rotation is dropped: at most two are ever valid.
 */
export async function rotateClientSecret(
  db: Db,
  id: string,
  r: { hash: Buffer; previousExpiresAt: Date | null; now: Date },
): Promise<Project | undefined> {
  const keep = r.previousExpiresAt !== null;
  return db
    .updateTable('projects')
    .set((eb) => ({
      client_secret_hash: r.hash,
      previous_client_secret_hash: keep ? eb.ref('client_secret_hash') : null,
      previous_secret_expires_at: r.previousExpiresAt,
      previous_secret_last_used_at: keep ? eb.ref('client_secret_last_used_at') : null,
      client_secret_last_used_at: null,
      updated_at: r.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** How often, at most, a credential's last-used time is written. */
export const LAST_USED_PRECISION_MS = 60_000;

/**
 * Notes that the secret with `hash` (current or previous) authenticated a call at `now`.
 * Writes only when the stored time is older than LAST_USED_PRECISION_MS, so a busy client
 * costs one write a minute, not one per call; a hash that is neither secret changes nothing.
 */
export async function recordCredentialUse(db: Db, id: string, hash: Buffer, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - LAST_USED_PRECISION_MS);
  await sql`
    update projects set
      client_secret_last_used_at = case when client_secret_hash = ${hash} then ${now}::timestamptz else client_secret_last_used_at end,
      previous_secret_last_used_at = case when previous_client_secret_hash = ${hash} then ${now}::timestamptz else previous_secret_last_used_at end
    where id = ${id}
      and ((client_secret_hash = ${hash} and (client_secret_last_used_at is null or client_secret_last_used_at < ${stale}::timestamptz))
        or (previous_client_secret_hash = ${hash} and (previous_secret_last_used_at is null or previous_secret_last_used_at < ${stale}::timestamptz)))
  `.execute(db);
}
