import type { Db } from '../../db/database.ts';
import type { DashboardSession, ProjectMember, Role, User } from '../../db/types.ts';

/** All SQL of the accounts tables: users, their recovery codes, invitations, memberships, sessions. */

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockUser(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertUser(
  db: Db,
  u: { id: string; email: string; name: string; passwordHash: string | null; instanceAdmin: boolean; now: Date },
): Promise<User | undefined> {
  return db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email.toLowerCase(),
      name: u.name,
      password_hash: u.passwordHash,
      instance_admin: u.instanceAdmin,
      password_changed_at: u.passwordHash ? u.now : null,
      created_at: u.now,
      updated_at: u.now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function setPassword(db: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', userId).execute();
}

export async function setPendingTotp(db: Db, userId: string, secret: string | null, now: Date): Promise<void> {
  await db.updateTable('users').set({ totp_pending_secret: secret, updated_at: now }).where('id', '=', userId).execute();
}

export async function enableTotp(db: Db, userId: string, secret: string, step: number, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_pending_secret: null, totp_enabled_at: now, totp_last_step: step, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

export async function disableTotp(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
}

/** Accepts a TOTP time step once: only if it is later than the last one used (replay guard). */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((w) => w.or([w('totp_last_step', 'is', null), w('totp_last_step', '<', step)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: Buffer[]): Promise<void> {
  await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length) await db.insertInto('user_recovery_codes').values(hashes.map((code_hash) => ({ user_id: userId, code_hash }))).execute();
}

/** Spends a recovery code once (a conditional UPDATE: of two concurrent uses, one wins). */
export async function useRecoveryCode(db: Db, userId: string, hash: Buffer, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('user_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Invitations -------------------------------------------------------------------------

export async function insertInvitation(db: Db, i: { tokenHash: Buffer; userId: string; createdBy: string | null; expiresAt: Date; now: Date }) {
  await db
    .insertInto('user_invitations')
    .values({ token_hash: i.tokenHash, user_id: i.userId, created_by: i.createdBy, expires_at: i.expiresAt, created_at: i.now })
    .execute();
}

/** Spends an invitation once, only while valid; returns its user. */
export async function consumeInvitation(db: Db, tokenHash: Buffer, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('user_invitations')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

export function findInvitation(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('user_invitations')
    .innerJoin('users', 'users.id', 'user_invitations.user_id')
    .select(['user_invitations.user_id', 'user_invitations.expires_at', 'user_invitations.used_at', 'users.email', 'users.name'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

// Memberships -------------------------------------------------------------------------

export function findMembership(db: Db, projectId: string, userId: string): Promise<ProjectMember | undefined> {
  return db.selectFrom('project_members').selectAll().where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
}

export function listMembers(db: Db, projectId: string) {
  return db
    .selectFrom('project_members')
    .innerJoin('users', 'users.id', 'project_members.user_id')
    .select(['project_members.user_id', 'project_members.role', 'project_members.created_at', 'users.email', 'users.name', 'users.password_hash'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('users.email')
    .execute();
}

/** Every project the user belongs to, with the role there. */
export function listProjectsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .select(['projects.id', 'projects.name', 'project_members.role'])
    .where('project_members.user_id', '=', userId)
    .orderBy('projects.name')
    .execute();
}

export async function upsertMembership(db: Db, m: { projectId: string; userId: string; role: Role; now: Date }): Promise<ProjectMember> {
  return db
    .insertInto('project_members')
    .values({ project_id: m.projectId, user_id: m.userId, role: m.role, created_at: m.now, updated_at: m.now })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role: m.role, updated_at: m.now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteMembership(db: Db, projectId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** The owners of a project, locked: "the last owner stays" is decided under these locks. */
export function lockOwners(db: Db, projectId: string) {
  return db.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).where('role', '=', 'owner').forUpdate().execute();
}

// Sessions ----------------------------------------------------------------------------

export async function insertSession(
  db: Db,
  s: { id: string; userId: string; secretHash: Buffer; stage: 'mfa' | 'full'; userAgent: string | null; ip: string | null; expiresAt: Date; now: Date },
): Promise<DashboardSession> {
  return db
    .insertInto('dashboard_sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      secret_hash: s.secretHash,
      stage: s.stage,
      user_agent: s.userAgent,
      ip: s.ip,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A session that has not ended, is within its absolute lifetime and was seen since `idleSince`. */
export function findLiveSession(db: Db, secretHash: Buffer, now: Date, idleSince: Date) {
  return db
    .selectFrom('dashboard_sessions')
    .innerJoin('users', 'users.id', 'dashboard_sessions.user_id')
    .select([
      'dashboard_sessions.id',
      'dashboard_sessions.user_id',
      'dashboard_sessions.stage',
      'dashboard_sessions.last_seen_at',
      'dashboard_sessions.created_at',
      'users.email',
      'users.name',
      'users.instance_admin',
      'users.totp_enabled_at',
    ])
    .where('dashboard_sessions.secret_hash', '=', secretHash)
    .where('dashboard_sessions.ended_at', 'is', null)
    .where('dashboard_sessions.expires_at', '>', now)
    .where('dashboard_sessions.last_seen_at', '>', idleSince)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('dashboard_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function endSession(db: Db, id: string, reason: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('dashboard_sessions')
    .set({ ended_at: now, ended_reason: reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Ends a user's sessions, all but `except` (the one asking). */
export async function endSessionsOfUser(db: Db, userId: string, reason: string, now: Date, except?: string): Promise<number> {
  let q = db.updateTable('dashboard_sessions').set({ ended_at: now, ended_reason: reason }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (except) q = q.where('id', '<>', except);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function listSessionsOfUser(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('dashboard_sessions')
    .select(['id', 'stage', 'user_agent', 'ip', 'created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .where('stage', '=', 'full')
    .orderBy('last_seen_at', 'desc')
    .execute();
}
