import type { Db } from '../../db/database.ts';
import { projectNotFound } from '../projects/projects.service.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import { listEmails } from './email.repository.ts';

/** A project's email records for the admin API: status and timing, never bodies. */
export async function listEmailDeliveries(db: Db, q: { projectId: string; endUserId: string | undefined; limit: number }) {
  if (!(await findProjectById(db, q.projectId))) throw projectNotFound(q.projectId);
  const rows = await listEmails(db, q.projectId, { endUserId: q.endUserId, limit: q.limit + 1 });
  return {
    data: rows.slice(0, q.limit).map((r) => ({
      id: r.id,
      type: r.type,
      end_user_id: r.end_user_id,
      to: r.to_address,
      subject: r.subject,
      locale: r.locale,
      status: r.status,
      attempts: r.attempts,
      last_error: r.last_error,
      next_attempt_at: r.status === 'pending' || r.status === 'sending' ? r.next_attempt_at.toISOString() : null,
      created_at: r.created_at.toISOString(),
      sent_at: r.sent_at?.toISOString() ?? null,
    })),
    has_more: rows.length > q.limit,
  };
}
