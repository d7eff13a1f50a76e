import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import * as repo from './accounts.repository.ts';
import { verifyPassword } from './passwords.ts';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStepOf, totpUri } from './totp.ts';

/**
 * Two-factor sign-in with an authenticator app (TOTP). Enrolment is two steps: a pending
 * secret is shown (URI and text), and only a correct code from the app turns it on — then
 * ten recovery codes are shown once and kept as SHA-256 only.
 */
export async function startTotpEnrolment(deps: Deps, userId: string): Promise<{ secret: string; uri: string }> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw new AppError('not_found', 'No such user');
  if (user.totp_enabled_at) throw new AppError('conflict', 'Two-factor sign-in is already on');
  const secret = user.totp_pending_secret ?? newTotpSecret();
  if (!user.totp_pending_secret) await repo.setPendingTotp(deps.db, userId, secret, deps.clock.now());
  return { secret, uri: totpUri(secret, user.email) };
}

export async function confirmTotpEnrolment(deps: Deps, input: { userId: string; code: string; ip: string }): Promise<{ recoveryCodes: string[] }> {
  const now = deps.clock.now();
  const codes = newRecoveryCodes();
  return deps.db.transaction().execute(async (trx) => {
    const user = await repo.lockUser(trx, input.userId);
    if (!user?.totp_pending_secret || user.totp_enabled_at) throw new AppError('conflict', 'Start two-factor set-up first');
    const step = totpStepOf(user.totp_pending_secret, input.code.replace(/\s+/g, ''), now);
    if (step === undefined) throw new AppError('invalid_request', 'That code is not right; check the app and the time on your device', { field: 'code' });
    await repo.enableTotp(trx, user.id, user.totp_pending_secret, step, now);
    await repo.replaceRecoveryCodes(trx, user.id, codes.map(recoveryCodeHash));
    await recordAudit(trx, { actorUserId: user.id, action: 'user.two_factor_enabled', subjectId: user.id, ip: input.ip, now });
    return { recoveryCodes: codes };
  });
}

/** Turning it off asks for the password again (a session alone is not enough). */
export async function disableTotp(deps: Deps, input: { userId: string; password: string; ip: string }): Promise<void> {
  const now = deps.clock.now();
  const user = await repo.findUserById(deps.db, input.userId);
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, input.password))) {
    throw new AppError('invalid_request', 'The password is not right', { field: 'password' });
  }
  await deps.db.transaction().execute(async (trx) => {
    await repo.disableTotp(trx, user.id, now);
    await recordAudit(trx, { actorUserId: user.id, action: 'user.two_factor_disabled', subjectId: user.id, ip: input.ip, now });
  });
}

/** New recovery codes (the old ones stop working), shown once. */
export async function regenerateRecoveryCodes(deps: Deps, input: { userId: string; ip: string }): Promise<string[]> {
  const now = deps.clock.now();
  const codes = newRecoveryCodes();
  await deps.db.transaction().execute(async (trx) => {
    const user = await repo.lockUser(trx, input.userId);
    if (!user?.totp_enabled_at) throw new AppError('conflict', 'Two-factor sign-in is off');
    await repo.replaceRecoveryCodes(trx, user.id, codes.map(recoveryCodeHash));
    await recordAudit(trx, { actorUserId: user.id, action: 'user.recovery_codes_regenerated', subjectId: user.id, ip: input.ip, now });
  });
  return codes;
}
