import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { EmailOutboxTable, EmailType, Locale } from '../../db/types.ts';
import type { Selectable } from 'kysely';

/** All SQL of `email_outbox` (migration 0015). */
export type EmailRow = Selectable<EmailOutboxTable>;

export interface NewEmail {
  id: string;
  projectId: string;
  endUserId: string | null;
  type: EmailType;
  idempotencyKey: string;
  to: string;
  locale: Locale;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  now: Date;
}

/** Queues an email in the caller's transaction; false when its cause was queued before. */
export async function insertEmail(trx: Db, e: NewEmail): Promise<boolean> {
  const inserted = await trx
    .insertInto('email_outbox')
    .values({
      id: e.id,
      project_id: e.projectId,
      end_user_id: e.endUserId,
      type: e.type,
      idempotency_key: e.idempotencyKey,
      to_address: e.to,
      locale: e.locale,
      subject: e.subject,
      text_body: e.text,
      html_body: e.html,
      message_id: e.messageId,
      next_attempt_at: e.now,
      last_error: null,
      created_at: e.now,
      sent_at: null,
      body_purged_at: null,
    })
    .onConflict((oc) => oc.columns(['project_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Claims up to `limit` due emails for `leaseMs`: pending ones whose time has come, and
 * `sending` ones whose sender's lease ran out (it died mid-send). `attempts` is counted
 * at the claim, so it doubles as the claim's fencing token for the outcome below.
 */
export async function claimDueEmails(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<EmailRow[]> {
  const result = await sql<EmailRow>`
    update email_outbox set status = 'sending', attempts = attempts + 1, next_attempt_at = ${leaseUntil}
    where id in (
      select id from email_outbox
      where status in ('pending', 'sending') and next_attempt_at <= ${now}
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning *
  `.execute(db);
  return result.rows;
}

/** The outcome of one claim; ignored if the claim was lost (the lease ran out and another took it). */
export async function recordSent(db: Db, claim: Pick<EmailRow, 'id' | 'attempts'>, now: Date): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ status: 'sent', sent_at: now, last_error: null })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'sending')
    .execute();
}

export async function recordFailure(db: Db, claim: Pick<EmailRow, 'id' | 'attempts'>, error: string, retryAt: Date | null): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set(retryAt ? { status: 'pending', next_attempt_at: retryAt, last_error: error } : { status: 'failed', last_error: error })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'sending')
    .execute();
}

/** What the integrator sees of a project's email (admin API): never the bodies. */
export function listEmails(db: Db, projectId: string, filter: { endUserId?: string | undefined; limit: number }) {
  let query = db
    .selectFrom('email_outbox')
    .leftJoin('end_users', 'end_users.id', 'email_outbox.end_user_id')
    .select([
      'email_outbox.id',
      'email_outbox.type',
      'email_outbox.to_address',
      'email_outbox.subject',
      'email_outbox.locale',
      'email_outbox.status',
      'email_outbox.attempts',
      'email_outbox.last_error',
      'email_outbox.next_attempt_at',
      'email_outbox.created_at',
      'email_outbox.sent_at',
      'end_users.external_id as end_user_id',
    ])
    .where('email_outbox.project_id', '=', projectId)
    .orderBy('email_outbox.created_at', 'desc')
    .orderBy('email_outbox.id', 'desc')
    .limit(filter.limit);
  if (filter.endUserId !== undefined) query = query.where('end_users.external_id', '=', filter.endUserId);
  return query.execute();
}

/** Backlog for the metrics endpoint: to send (pending or being sent) and given up. */
export async function countOpenEmails(db: Db): Promise<{ pending: number; failed: number }> {
  const rows = await db
    .selectFrom('email_outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.count ?? 0);
  return { pending: count('pending') + count('sending'), failed: count('failed') };
}

/** Retention: the bodies of emails sent or given up before `before`, in a bounded batch. */
export async function purgeEmailBodies(db: Db, before: Date, now: Date, limit: number): Promise<number> {
  const result = await sql`
    update email_outbox set text_body = null, html_body = null, body_purged_at = ${now}
    where id in (
      select id from email_outbox
      where body_purged_at is null and status in ('sent', 'failed') and created_at < ${before}
      limit ${limit}
      for update skip locked
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** One customer's email, newest first (the dashboard's customer page): status and timing, never bodies. */
export function listEmailsOfEndUser(db: Db, projectId: string, endUserId: string, limit: number) {
  return db
    .selectFrom('email_outbox')
    .select(['id', 'type', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'sent_at'])
    .where('end_user_id', '=', endUserId)
    .where('project_id', '=', projectId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** When the customer was last sent an email of `type` whose cause starts with `causePrefix`, after `since` (index email_outbox_by_user). */
export async function lastEmailSince(db: Db, q: { projectId: string; endUserId: string; type: EmailType; causePrefix: string; since: Date }): Promise<Date | undefined> {
  const row = await db
    .selectFrom('email_outbox')
    .select('created_at')
    .where('end_user_id', '=', q.endUserId)
    .where('project_id', '=', q.projectId)
    .where('type', '=', q.type)
    .where('created_at', '>', q.since)
    .where('idempotency_key', 'like', `${q.type}:${q.causePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}
