import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './accounts.repository.ts';

/** How long a half-signed-in session (password right, second factor pending) lives. */
export const MFA_STAGE_MS = 5 * 60_000;
/** A live session's `last_seen_at` is written at most this often (reads stay reads). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionClient {
  userAgent: string | undefined;
  ip: string;
}

/**
 * Opens a dashboard session: a fresh 256-bit secret for the cookie, only its SHA-256 kept.
 * Every stage change (mfa → full) opens a new session and ends the old one, so a secret seen
 * before sign-in completed is worth nothing after (no session fixation).
 */
export async function openSession(
  db: Db,
  deps: Pick<Deps, 'config'>,
  s: { userId: string; stage: 'mfa' | 'full'; client: SessionClient; now: Date },
): Promise<{ secret: string; id: string; expiresAt: Date }> {
  const secret = randomToken(32);
  const lifetime = s.stage === 'mfa' ? MFA_STAGE_MS : deps.config.dashboard.sessionMaxMs;
  const expiresAt = new Date(s.now.getTime() + lifetime);
  const row = await repo.insertSession(db, {
    id: newId('ds'),
    userId: s.userId,
    secretHash: sha256(secret),
    stage: s.stage,
    userAgent: s.client.userAgent?.slice(0, 300) ?? null,
    ip: s.client.ip.slice(0, 64),
    expiresAt,
    now: s.now,
  });
  return { secret, id: row.id, expiresAt };
}

export type LiveDashboardSession = NonNullable<Awaited<ReturnType<typeof repo.findLiveSession>>>;

/**
 * The live session behind a cookie secret: not ended, within its absolute lifetime and
 * its idle timeout (an `mfa` session only within its few minutes). Refreshes the idle clock.
 */
export async function resolveSession(deps: Pick<Deps, 'db' | 'config'>, secret: string, now: Date): Promise<LiveDashboardSession | undefined> {
  const idleSince = new Date(now.getTime() - deps.config.dashboard.sessionIdleMs);
  const session = await repo.findLiveSession(deps.db, sha256(secret), now, idleSince);
  if (!session) return undefined;
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) await repo.touchSession(deps.db, session.id, now);
  return session;
}
