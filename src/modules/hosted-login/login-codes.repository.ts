import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Locale } from '../../db/types.ts';

/** Every query of the hosted login page's codes (migration 0016). Emails are lower-cased by the caller. */

export interface CodeToStore {
  projectId: string;
  email: string;
  codeHash: Buffer;
  linkHash: Buffer;
  flow: string | null;
  locale: Locale | null;
  expiresAt: Date;
  now: Date;
}

/** Stores a new code for (project, email), replacing the previous one: its code and link stop working. */
export async function replaceCode(db: Db, c: CodeToStore): Promise<void> {
  const fresh = {
    code_hash: c.codeHash,
    link_hash: c.linkHash,
    attempts: 0,
    flow: c.flow,
    locale: c.locale,
    expires_at: c.expiresAt,
    used_at: null,
    picker_hash: null,
    created_at: c.now,
  };
  await db
    .insertInto('login_codes')
    .values({ project_id: c.projectId, email: c.email, ...fresh })
    .onConflict((oc) => oc.columns(['project_id', 'email']).doUpdateSet(fresh))
    .execute();
}

export type CodeCheck =
  | { outcome: 'accepted'; flow: string | null; locale: Locale | null }
  | { outcome: 'wrong'; attemptsLeft: number }
  /** No live code: never requested, expired, used, or locked after too many wrong codes. */
  | { outcome: 'no_code' };

/**
 * Checks a code in one statement: a wrong code counts an attempt, the right one marks the
 * code used (and counts nothing), both only while the code is live — unused, unexpired and
 * under `maxAttempts` wrong tries. Of two concurrent right answers one wins; concurrent
 * wrong ones each count.
 */
export async function checkCode(db: Db, c: { projectId: string; email: string; codeHash: Buffer; maxAttempts: number; now: Date }): Promise<CodeCheck> {
  const result = await sql<{ accepted: boolean; attempts: number; flow: string | null; locale: Locale | null }>`
    update login_codes set
      attempts = attempts + (code_hash <> ${c.codeHash})::int,
      used_at = case when code_hash = ${c.codeHash} then ${c.now}::timestamptz end
    where project_id = ${c.projectId} and email = ${c.email}
      and used_at is null and expires_at > ${c.now}::timestamptz and attempts < ${c.maxAttempts}
    returning used_at is not null as accepted, attempts, flow, locale
  `.execute(db);
  const row = result.rows[0];
  if (!row) return { outcome: 'no_code' };
  if (row.accepted) return { outcome: 'accepted', flow: row.flow, locale: row.locale };
  return { outcome: 'wrong', attemptsLeft: Math.max(0, c.maxAttempts - row.attempts) };
}

/** Uses the one-click link: the same single use as the code it came with. */
export async function useLink(db: Db, l: { linkHash: Buffer; maxAttempts: number; now: Date }) {
  return db
    .updateTable('login_codes')
    .set({ used_at: l.now })
    .where('link_hash', '=', l.linkHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', l.now)
    .where('attempts', '<', l.maxAttempts)
    .returning(['project_id', 'email', 'flow', 'locale', 'expires_at'])
    .executeTakeFirst();
}

/** After a verified code for an email several accounts share: the secret that lets this browser pick one. */
export async function setPicker(db: Db, p: { projectId: string; email: string; pickerHash: Buffer }): Promise<void> {
  await db.updateTable('login_codes').set({ picker_hash: p.pickerHash }).where('project_id', '=', p.projectId).where('email', '=', p.email).execute();
}

/** The picker a browser holds, while its code's ten minutes last. */
export function findPicker(db: Db, p: { pickerHash: Buffer; now: Date }) {
  return db
    .selectFrom('login_codes')
    .select(['project_id', 'email', 'flow', 'locale'])
    .where('picker_hash', '=', p.pickerHash)
    .where('expires_at', '>', p.now)
    .executeTakeFirst();
}

/** Picks once: the picker is cleared as the account is chosen. */
export async function usePicker(db: Db, p: { pickerHash: Buffer; now: Date }): Promise<boolean> {
  const result = await db
    .updateTable('login_codes')
    .set({ picker_hash: null })
    .where('picker_hash', '=', p.pickerHash)
    .where('expires_at', '>', p.now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface LoginAccount {
  id: string;
  external_id: string;
  name: string | null;
  email: string;
  locale: Locale | null;
  plan_name: string | null;
}

/** The project's customers with this email (any case), with their current plan, for the picker. */
export function findAccountsByEmail(db: Db, projectId: string, email: string): Promise<LoginAccount[]> {
  return db
    .selectFrom('end_users')
    .leftJoin('subscriptions', 'subscriptions.end_user_id', 'end_users.id')
    .leftJoin('plans', 'plans.id', 'subscriptions.plan_id')
    .select(['end_users.id', 'end_users.external_id', 'end_users.name', 'end_users.locale', 'plans.name as plan_name'])
    .select(sql<string>`end_users.email`.as('email'))
    .where('end_users.project_id', '=', projectId)
    .where(sql`lower(end_users.email)`, '=', email)
    .orderBy('end_users.created_at')
    .orderBy('end_users.id')
    .limit(20)
    .execute();
}

/** The project a one-click link belongs to, in whatever state (for its "no longer works" page). */
export async function findProjectOfLink(db: Db, linkHash: Buffer): Promise<string | undefined> {
  const row = await db.selectFrom('login_codes').select('project_id').where('link_hash', '=', linkHash).executeTakeFirst();
  return row?.project_id;
}
