import type { Db } from '../../db/database.ts';
import type { Project, ThemeConfig } from '../../db/types.ts';

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
  gracePeriodDays: number;
  developmentMode: boolean;
  now: Date;
}

export async function insertProject(db: Db, p: ProjectInsert): Promise<Project> {
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
      grace_period_days: p.gracePeriodDays,
      development_mode: p.developmentMode,
      created_at: p.now,
      updated_at: p.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findProjectById(db: Db, id: string): Promise<Project | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
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
  gracePeriodDays?: number;
  developmentMode?: boolean;
}

export async function updateProject(db: Db, id: string, c: ProjectChanges, now: Date): Promise<Project | undefined> {
  return db
    .updateTable('projects')
    .set({
      ...(c.name !== undefined && { name: c.name }),
      ...(c.redirectUris !== undefined && { redirect_uris: JSON.stringify(c.redirectUris) }),
      ...(c.themeConfig !== undefined && { theme_config: JSON.stringify(c.themeConfig) }),
      ...(c.defaultLocale !== undefined && { default_locale: c.defaultLocale }),
      ...(c.gracePeriodDays !== undefined && { grace_period_days: c.gracePeriodDays }),
      ...(c.developmentMode !== undefined && { development_mode: c.developmentMode }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function replaceClientSecretHash(db: Db, id: string, hash: Buffer, now: Date): Promise<Project | undefined> {
  return db
    .updateTable('projects')
    .set({ client_secret_hash: hash, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
