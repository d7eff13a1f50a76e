import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLiveSession } from '../../src/modules/accounts/accounts.repository.ts';
import { removeMember, setMemberRole } from '../../src/modules/accounts/members.ts';
import { resolveSession } from '../../src/modules/accounts/sessions.ts';
import { completeSecondFactor, signInWithPassword } from '../../src/modules/accounts/sign-in.ts';
import { totpCodeAt } from '../../src/modules/accounts/totp.ts';
import { confirmTotpEnrolment, disableTotp, startTotpEnrolment } from '../../src/modules/accounts/two-factor.ts';
import { acceptInvitation, changePassword, createUser, describeInvitation } from '../../src/modules/accounts/users.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const client = { userAgent: 'vitest', ip: '127.0.0.1' };
const PASSWORD = 'correct horse battery staple';
let counter = 0;

async function user(extra: { password?: string } = {}) {
  counter += 1;
  const email = `person${counter}@example.com`;
  const { user } = await createUser(t.deps, { email, name: `Person ${counter}`, password: extra.password ?? PASSWORD, createdBy: null });
  return { ...user, email };
}

async function audit(action: string) {
  return t.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('at').execute();
}

describe('passwords', () => {
  it('are stored as Argon2id, never in plain text', async () => {
    const u = await user();
    const row = await t.database.db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it('signs in with the right password; unknown email, wrong password and an invited user without one get the same answer, each audited', async () => {
    const u = await user();
    const invited = await createUser(t.deps, { email: 'invited@example.com', name: 'Invited', createdBy: null });
    const ok = await signInWithPassword(t.deps, { email: u.email.toUpperCase(), password: PASSWORD, client });
    expect(ok.outcome).toBe('signed_in');
    const results = await Promise.all([
      signInWithPassword(t.deps, { email: 'nobody@example.com', password: PASSWORD, client }),
      signInWithPassword(t.deps, { email: u.email, password: `${PASSWORD}!`, client }),
      signInWithPassword(t.deps, { email: 'invited@example.com', password: PASSWORD, client }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(invited.invitationUrl).toMatch(/\/dashboard\/invitation\?token=[A-Za-z0-9_-]{43}$/);
    const failures = (await audit('user.sign_in_failed')).map((a) => a.data.reason);
    expect(failures).toEqual(expect.arrayContaining(['unknown_email', 'wrong_password', 'no_password']));
    expect((await audit('user.signed_in')).some((a) => a.subject_id === u.id)).toBe(true);
  });

  it('pays for one Argon2id verification for an unknown email as for a wrong password (no short-cut that times apart)', async () => {
    const u = await user();
    const time = async (email: string) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i++) await signInWithPassword(t.deps, { email, password: 'wrong password here', client });
      return Number(process.hrtime.bigint() - start) / 5e6;
    };
    await time('warm-up@example.com');
    const unknown = await time('nobody-at-all@example.com');
    const wrong = await time(u.email);
    // Both pay for a real 19 MiB hash verification (well over 5 ms anywhere); a short-cut
    // for the unknown email would be one indexed lookup. (No ratio: machines here are noisy.)
    expect(unknown).toBeGreaterThan(5);
    expect(wrong).toBeGreaterThan(5);
  });

  it('changing the password checks the current one and ends every other session of the user', async () => {
    const u = await user();
    const here = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    const elsewhere = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client: { ...client, ip: '10.0.0.9' } });
    if (here.outcome !== 'signed_in' || elsewhere.outcome !== 'signed_in') throw new Error('sign-in failed');
    const hereSession = (await resolveSession(t.deps, here.secret, t.clock.now()))!;
    await expect(changePassword(t.deps, { userId: u.id, sessionId: hereSession.id, current: 'not it at all', next: 'a brand new passphrase', ip: '127.0.0.1' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(changePassword(t.deps, { userId: u.id, sessionId: hereSession.id, current: PASSWORD, next: 'short', ip: '127.0.0.1' })).rejects.toMatchObject({ code: 'invalid_request' });
    const r = await changePassword(t.deps, { userId: u.id, sessionId: hereSession.id, current: PASSWORD, next: 'a brand new passphrase', ip: '127.0.0.1' });
    expect(r.endedSessions).toBe(1);
    expect(await resolveSession(t.deps, here.secret, t.clock.now())).toBeDefined();
    expect(await resolveSession(t.deps, elsewhere.secret, t.clock.now())).toBeUndefined();
    expect((await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client })).outcome).toBe('failed');
    expect((await signInWithPassword(t.deps, { email: u.email, password: 'a brand new passphrase', client })).outcome).toBe('signed_in');
    expect((await audit('user.password_changed')).some((a) => a.subject_id === u.id)).toBe(true);
  });
});

describe('sessions', () => {
  it('keep only a hash of the secret, end after the idle timeout, and end at the absolute lifetime however active', async () => {
    const u = await user();
    const r = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    if (r.outcome !== 'signed_in') throw new Error('sign-in failed');
    const row = await t.database.db.selectFrom('dashboard_sessions').selectAll().where('secret_hash', '=', sha256(r.secret)).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(r.secret);

    const { sessionIdleMs, sessionMaxMs } = t.deps.config.dashboard;
    const start = t.clock.now().getTime();
    // Active every idle/2: survives until the absolute lifetime.
    for (let at = start + sessionIdleMs / 2; at < start + sessionMaxMs - 60_000; at += sessionIdleMs / 2) {
      t.clock.set(new Date(at));
      expect(await resolveSession(t.deps, r.secret, t.clock.now())).toBeDefined();
    }
    t.clock.set(new Date(start + sessionMaxMs + 1));
    expect(await resolveSession(t.deps, r.secret, t.clock.now())).toBeUndefined();

    const idle = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    if (idle.outcome !== 'signed_in') throw new Error('sign-in failed');
    t.clock.advance(sessionIdleMs - 1000);
    expect(await resolveSession(t.deps, idle.secret, t.clock.now())).toBeDefined();
    t.clock.advance(sessionIdleMs + 1000);
    expect(await resolveSession(t.deps, idle.secret, t.clock.now())).toBeUndefined();
  });
});

describe('two-factor sign-in', () => {
  it('enrols with a code from the app, then asks for a code after the password; a code works once; a recovery code works once', async () => {
    const u = await user();
    const { secret, uri } = await startTotpEnrolment(t.deps, u.id);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Langgan:person\d+%40example\.com\?issuer=Langgan&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/);
    await expect(confirmTotpEnrolment(t.deps, { userId: u.id, code: '000000', ip: '127.0.0.1' })).rejects.toMatchObject({ code: 'invalid_request' });
    const { recoveryCodes } = await confirmTotpEnrolment(t.deps, { userId: u.id, code: totpCodeAt(secret, t.clock.now()), ip: '127.0.0.1' });
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.database.db.selectFrom('user_recovery_codes').selectAll().where('user_id', '=', u.id).execute();
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]);

    t.clock.advance(60_000);
    const first = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    expect(first.outcome).toBe('second_factor');
    if (first.outcome !== 'second_factor') return;
    // The half-signed-in session is no session for the dashboard.
    const half = (await resolveSession(t.deps, first.secret, t.clock.now()))!;
    expect(half.stage).toBe('mfa');
    const code = totpCodeAt(secret, t.clock.now());
    const wrong = await completeSecondFactor(t.deps, { sessionId: half.id, userId: u.id, code: '123456' === code ? '654321' : '123456', client });
    expect(wrong.outcome).toBe('failed');
    const done = await completeSecondFactor(t.deps, { sessionId: half.id, userId: u.id, code, client });
    expect(done.outcome).toBe('signed_in');
    if (done.outcome !== 'signed_in') return;
    expect(done.secret).not.toBe(first.secret); // a new session: nothing seen before it counts
    expect(await resolveSession(t.deps, first.secret, t.clock.now())).toBeUndefined();

    // The same code again (replay, same 30-second step) is refused.
    const again = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    if (again.outcome !== 'second_factor') throw new Error('expected the second factor');
    const againSession = (await findLiveSession(t.database.db, sha256(again.secret), t.clock.now(), new Date(0)))!;
    expect((await completeSecondFactor(t.deps, { sessionId: againSession.id, userId: u.id, code, client })).outcome).toBe('failed');
    // A recovery code works, once.
    expect((await completeSecondFactor(t.deps, { sessionId: againSession.id, userId: u.id, code: recoveryCodes[3]!.toUpperCase(), client })).outcome).toBe('signed_in');
    const third = await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client });
    if (third.outcome !== 'second_factor') throw new Error('expected the second factor');
    const thirdSession = (await findLiveSession(t.database.db, sha256(third.secret), t.clock.now(), new Date(0)))!;
    expect((await completeSecondFactor(t.deps, { sessionId: thirdSession.id, userId: u.id, code: recoveryCodes[3]!, client })).outcome).toBe('failed');

    // The half-signed-in stage lasts minutes, not the session lifetime.
    t.clock.advance(6 * 60_000);
    expect(await resolveSession(t.deps, third.secret, t.clock.now())).toBeUndefined();

    // Turning it off needs the password; then sign-in is one step again.
    await expect(disableTotp(t.deps, { userId: u.id, password: 'wrong', ip: '127.0.0.1' })).rejects.toMatchObject({ code: 'invalid_request' });
    await disableTotp(t.deps, { userId: u.id, password: PASSWORD, ip: '127.0.0.1' });
    expect((await signInWithPassword(t.deps, { email: u.email, password: PASSWORD, client })).outcome).toBe('signed_in');
    const actions = (await t.database.db.selectFrom('audit_log').select('action').where('subject_id', '=', u.id).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.two_factor_enabled', 'user.second_factor_failed', 'user.two_factor_disabled']));
  });
});

describe('invitations and the admin API', () => {
  it('creates a user without a password and a single-use, expiring invitation link where they set it', async () => {
    const res = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'New.Person@Example.com', name: 'New Person' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.person@example.com', instance_admin: false, two_factor_enabled: false });
    const token = new URL(res.body.invitation_url).searchParams.get('token')!;
    expect(await describeInvitation(t.deps, token)).toMatchObject({ state: 'valid', email: 'new.person@example.com' });
    await acceptInvitation(t.deps, token, 'my own long password');
    expect(await describeInvitation(t.deps, token)).toEqual({ state: 'used' });
    await expect(acceptInvitation(t.deps, token, 'another long password')).rejects.toMatchObject({ code: 'conflict' });
    expect((await signInWithPassword(t.deps, { email: 'new.person@example.com', password: 'my own long password', client })).outcome).toBe('signed_in');

    const late = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'late@example.com', name: 'Late' } });
    const lateToken = new URL(late.body.invitation_url).searchParams.get('token')!;
    t.clock.advance(73 * 3_600_000);
    expect(await describeInvitation(t.deps, lateToken)).toEqual({ state: 'expired' });
    await expect(acceptInvitation(t.deps, lateToken, 'too late a password')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a duplicate email (any case), a weak password, unknown fields and a missing admin key', async () => {
    await user();
    const dup = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: `PERSON${counter}@example.com`, name: 'Again', password: PASSWORD } });
    expect(dup.status).toBe(409);
    const weak = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'weak@example.com', name: 'Weak', password: 'aaaaaaaaaaaaaaaa' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/repetitive/);
    const extra = await http(t.url, 'POST', '/api/admin/users', { admin: true, body: { email: 'x@example.com', name: 'X', role: 'owner' } });
    expect(extra.status).toBe(400);
    expect((await http(t.url, 'POST', '/api/admin/users', { body: { email: 'y@example.com', name: 'Y' } })).status).toBe(401);
  });
});

describe('members and roles', () => {
  it('adds members by email, changes roles, and never leaves a project without an owner', async () => {
    const project = await createProject(t.url, { plans: [] });
    const a = await user();
    const b = await user();
    const add = (email: string, role: string) => http(t.url, 'POST', `/api/admin/projects/${project.id}/members`, { admin: true, body: { email, role } });
    expect((await add(a.email, 'owner')).status).toBe(200);
    expect((await add(b.email, 'viewer')).body).toMatchObject({ user_id: b.id, role: 'viewer' });
    const demoteLast = await add(a.email, 'admin');
    expect(demoteLast.status).toBe(409);
    expect(demoteLast.body.error.message).toMatch(/at least one owner/);
    await expect(removeMember(t.deps, { projectId: project.id, userId: a.id, actorUserId: a.id })).rejects.toMatchObject({ code: 'conflict' });
    expect((await add(b.email, 'owner')).status).toBe(200);
    // Two owners demoting each other at once: one succeeds, one is refused.
    const both = await Promise.allSettled([
      setMemberRole(t.deps, { projectId: project.id, userId: a.id, role: 'viewer', actorUserId: b.id }),
      setMemberRole(t.deps, { projectId: project.id, userId: b.id, role: 'viewer', actorUserId: a.id }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const owners = await t.database.db.selectFrom('project_members').select('user_id').where('project_id', '=', project.id).where('role', '=', 'owner').execute();
    expect(owners).toHaveLength(1);
    expect((await add('nobody@example.com', 'viewer')).status).toBe(404);
    const log = await t.database.db.selectFrom('audit_log').selectAll().where('project_id', '=', project.id).where('action', '=', 'member.role_changed').execute();
    expect(log.length).toBeGreaterThanOrEqual(2);
  });
});
