import type { Deps } from '../../deps.ts';
import type { User } from '../../db/types.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import * as repo from './accounts.repository.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { openSession, type SessionClient } from './sessions.ts';
import { recoveryCodeHash, totpStepOf } from './totp.ts';

export type SignInResult =
  | { outcome: 'signed_in'; secret: string; userId: string }
  | { outcome: 'second_factor'; secret: string; userId: string }
  | { outcome: 'failed'; userId: string | undefined };

/**
 * Email and password. Unknown email, no password yet (invited) and wrong password all cost
 * one Argon2id verification and give the same answer; only the audit log tells them apart.
 * Limits on failures (per IP, per account, growing delays) are the route's, before this runs.
 */
export async function signInWithPassword(
  deps: Deps,
  input: { email: string; password: string; client: SessionClient },
): Promise<SignInResult> {
  const now = deps.clock.now();
  const email = input.email.trim().toLowerCase();
  const user = await repo.findUserByEmail(deps.db, email);
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !user.password_hash || !ok) {
    await recordAudit(deps.db, {
      actorUserId: user?.id ?? null,
      action: 'user.sign_in_failed',
      subjectId: user?.id ?? null,
      ip: input.client.ip,
      data: { email: email.slice(0, 254), reason: !user ? 'unknown_email' : !user.password_hash ? 'no_password' : 'wrong_password' },
      now,
    });
    return { outcome: 'failed', userId: user?.id };
  }
  const stage = user.totp_enabled_at ? 'mfa' : 'full';
  const session = await deps.db.transaction().execute(async (trx) => {
    const opened = await openSession(trx, deps, { userId: user.id, stage, client: input.client, now });
    await recordAudit(trx, {
      actorUserId: user.id,
      action: stage === 'full' ? 'user.signed_in' : 'user.password_verified',
      subjectId: user.id,
      ip: input.client.ip,
      data: { session_id: opened.id },
      now,
    });
    return opened;
  });
  return { outcome: stage === 'full' ? 'signed_in' : 'second_factor', secret: session.secret, userId: user.id };
}

/**
 * The second factor of a half-signed-in session: a TOTP code (each time step once) or an
 * unused recovery code (spent). Success ends the `mfa` session and opens a `full` one.
 */
export async function completeSecondFactor(
  deps: Deps,
  input: { sessionId: string; userId: string; code: string; client: SessionClient },
): Promise<SignInResult> {
  const now = deps.clock.now();
  const user = await repo.findUserById(deps.db, input.userId);
  const method = user ? await checkSecondFactor(deps, user, input.code, now) : undefined;
  if (!user || !method) {
    await recordAudit(deps.db, { actorUserId: input.userId, action: 'user.second_factor_failed', subjectId: input.userId, ip: input.client.ip, now });
    return { outcome: 'failed', userId: input.userId };
  }
  const session = await deps.db.transaction().execute(async (trx) => {
    await repo.endSession(trx, input.sessionId, 'second_factor_passed', now);
    const opened = await openSession(trx, deps, { userId: user.id, stage: 'full', client: input.client, now });
    await recordAudit(trx, { actorUserId: user.id, action: 'user.signed_in', subjectId: user.id, ip: input.client.ip, data: { session_id: opened.id, second_factor: method }, now });
    return opened;
  });
  return { outcome: 'signed_in', secret: session.secret, userId: user.id };
}

async function checkSecondFactor(deps: Deps, user: User, code: string, now: Date): Promise<'totp' | 'recovery_code' | undefined> {
  const trimmed = code.replace(/\s+/g, '');
  if (user.totp_secret && /^\d{6}$/.test(trimmed)) {
    const step = totpStepOf(user.totp_secret, trimmed, now);
    return step !== undefined && (await repo.claimTotpStep(deps.db, user.id, step)) ? 'totp' : undefined;
  }
  if (/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/.test(trimmed) && (await repo.useRecoveryCode(deps.db, user.id, recoveryCodeHash(trimmed), now))) {
    return 'recovery_code';
  }
  return undefined;
}
