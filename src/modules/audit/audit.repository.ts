import type { Db } from '../../db/database.ts';
import type { AuditEntry } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';

export interface AuditInput {
  /** Who did it (a dashboard user); null for an unknown actor, e.g. a failed sign-in. */
  actorUserId: string | null;
  projectId?: string | null;
  /** `user.signed_in`, `user.sign_in_failed`, `user.password_changed`, `project.updated`, … */
  action: string;
  subjectId?: string | null;
  ip?: string | null;
  /** Facts of the change (old → new for settings); never a secret, password or code. */
  data?: Record<string, unknown>;
  now: Date;
}

/**
 * The dashboard's audit log: who changed what, and every sign-in and failure. Written in
 * the transaction of the change it records (pass the transaction handle).
 */
export async function recordAudit(db: Db, e: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId('aud'),
      at: e.now,
      actor_user_id: e.actorUserId,
      project_id: e.projectId ?? null,
      action: e.action,
      subject_id: e.subjectId ?? null,
      ip: e.ip ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

export function listAuditOfUser(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where((w) => w.or([w('actor_user_id', '=', userId), w('subject_id', '=', userId)]))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function listAuditOfProject(db: Db, projectId: string, limit: number) {
  return db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export type AuditRow = AuditEntry & { actor_name: string | null; actor_email: string | null };

/**
 * A page of a project's audit log, newest first, with who did it: filtered by actor,
 * action and a time range [from, to), after the position (at, id) of the last row shown.
 * Reads `audit_log_project` (project_id, at desc).
 */
export function listProjectAudit(
  db: Db,
  q: {
    projectId: string;
    actorUserId?: string | undefined;
    action?: string | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
    before?: Pick<AuditEntry, 'at' | 'id'> | undefined;
    limit: number;
  },
): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .selectAll('a')
    .select(['u.name as actor_name', 'u.email as actor_email'])
    .where('a.project_id', '=', q.projectId);
  if (q.actorUserId) query = query.where('a.actor_user_id', '=', q.actorUserId);
  if (q.action) query = query.where('a.action', '=', q.action);
  if (q.from) query = query.where('a.at', '>=', q.from);
  if (q.to) query = query.where('a.at', '<', q.to);
  if (q.before) {
    const { at, id } = q.before;
    query = query.where((eb) => eb.or([eb('a.at', '<', at), eb.and([eb('a.at', '=', at), eb('a.id', '<', id)])]));
  }
  return query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(q.limit).execute();
}

export function findProjectAuditPosition(db: Db, projectId: string, id: string): Promise<Pick<AuditEntry, 'at' | 'id'> | undefined> {
  return db.selectFrom('audit_log').select(['at', 'id']).where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

/** The people and the actions that appear in a project's audit log (the filters' choices). */
export async function auditFacetsOfProject(db: Db, projectId: string): Promise<{ actors: Array<{ id: string; name: string; email: string }>; actions: string[] }> {
  const [actors, actions] = await Promise.all([
    db
      .selectFrom('users as u')
      .select(['u.id', 'u.name', 'u.email'])
      .where('u.id', 'in', (eb) => eb.selectFrom('audit_log').select('actor_user_id').where('project_id', '=', projectId).where('actor_user_id', 'is not', null).$narrowType<{ actor_user_id: string }>())
      .orderBy('u.name')
      .execute(),
    db.selectFrom('audit_log').select('action').distinct().where('project_id', '=', projectId).orderBy('action').execute(),
  ]);
  return { actors, actions: actions.map((a) => a.action) };
}
