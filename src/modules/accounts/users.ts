import type { Deps } from '../../deps.ts';
import type { User } from '../../db/types.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import * as repo from './accounts.repository.ts';
import { checkNewPassword, hashPassword, verifyPassword } from './passwords.ts';

/** How long an invitation link can be used. */
export const INVITATION_TTL_MS = 72 * 3_600_000;

export interface CreateUserInput {
  email: string;
  name: string;
  password?: string;
  instanceAdmin?: boolean;
  /** The dashboard user creating it (null: the operator, with the admin key). */
  createdBy: string | null;
}

/**
 * Creates a dashboard user — with a password, or without one and with a single-use
 * invitation link (72 h) where the person sets it. There is no default account and no
 * other way in: this (admin key) or an owner's invitation (dashboard) is how people arrive.
 */
export async function createUser(deps: Deps, input: CreateUserInput): Promise<{ user: User; invitationUrl: string | null }> {
  const now = deps.clock.now();
  const email = input.email.trim().toLowerCase();
  if (input.password !== undefined) checkNewPassword(input.password, email);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return deps.db.transaction().execute(async (trx) => {
    const user = await repo.insertUser(trx, { id: newId('usr'), email, name: input.name.trim(), passwordHash, instanceAdmin: input.instanceAdmin ?? false, now });
    if (!user) throw new AppError('conflict', `A user with email ${email} already exists`, { field: 'email' });
    await recordAudit(trx, { actorUserId: input.createdBy, action: 'user.created', subjectId: user.id, data: { email, instance_admin: user.instance_admin, invited: !passwordHash }, now });
    const invitationUrl = passwordHash ? null : await invite(trx, deps, user.id, input.createdBy, now);
    return { user, invitationUrl };
  });
}

/** A fresh invitation link for a user (a new one may be made for someone who lost theirs). */
export async function invite(db: Deps['db'], deps: Pick<Deps, 'config'>, userId: string, createdBy: string | null, now: Date): Promise<string> {
  const token = randomToken(32);
  await repo.insertInvitation(db, { tokenHash: sha256(token), userId, createdBy, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS), now });
  return `${deps.config.publicUrl}/dashboard/invitation?token=${token}`;
}

/** Where an invitation stands, for the page that accepts it (never consumes it). */
export async function describeInvitation(deps: Deps, token: string) {
  const row = await repo.findInvitation(deps.db, sha256(token));
  if (!row) return { state: 'unknown' as const };
  if (row.used_at) return { state: 'used' as const };
  if (row.expires_at <= deps.clock.now()) return { state: 'expired' as const };
  return { state: 'valid' as const, email: row.email, name: row.name };
}

/** Sets the password of an invited user; the link works once, within its lifetime. */
export async function acceptInvitation(deps: Deps, token: string, password: string): Promise<User> {
  const now = deps.clock.now();
  const invitation = await repo.findInvitation(deps.db, sha256(token));
  if (!invitation) throw new AppError('not_found', 'This invitation link is not valid');
  checkNewPassword(password, invitation.email);
  const passwordHash = await hashPassword(password);
  return deps.db.transaction().execute(async (trx) => {
    const userId = await repo.consumeInvitation(trx, sha256(token), now);
    if (!userId) throw new AppError('conflict', 'This invitation link has been used or has expired; ask for a new one');
    await repo.setPassword(trx, userId, passwordHash, now);
    await recordAudit(trx, { actorUserId: userId, action: 'user.invitation_accepted', subjectId: userId, now });
    return (await repo.findUserById(trx, userId))!;
  });
}

/**
 * Changes a password after checking the current one, and ends every other session of the
 * user (a stolen session does not survive the owner's reaction).
 */
export async function changePassword(
  deps: Deps,
  input: { userId: string; sessionId: string; current: string; next: string; ip: string },
): Promise<{ endedSessions: number }> {
  const now = deps.clock.now();
  const user = await repo.findUserById(deps.db, input.userId);
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, input.current))) {
    await recordAudit(deps.db, { actorUserId: input.userId, action: 'user.password_change_failed', subjectId: input.userId, ip: input.ip, now });
    throw new AppError('invalid_request', 'The current password is not right', { field: 'current_password' });
  }
  checkNewPassword(input.next, user.email);
  const passwordHash = await hashPassword(input.next);
  return deps.db.transaction().execute(async (trx) => {
    await repo.setPassword(trx, user.id, passwordHash, now);
    const endedSessions = await repo.endSessionsOfUser(trx, user.id, 'password_changed', now, input.sessionId);
    await recordAudit(trx, { actorUserId: user.id, action: 'user.password_changed', subjectId: user.id, ip: input.ip, data: { ended_sessions: endedSessions }, now });
    return { endedSessions };
  });
}
