import type { Db } from '../../db/database.ts';
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
