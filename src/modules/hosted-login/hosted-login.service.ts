import { randomInt } from 'node:crypto';
import type { Locale, Project } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { deliverSoon } from '../email/deliver-emails.ts';
import { queueEmail } from '../email/queue-email.ts';
import { renderSignInCode } from '../email/templates/sign-in-code.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import { exchangePortalToken, mintSignInLink, type ExchangeResult } from '../portal-sessions/portal-sessions.service.ts';
import * as repo from './login-codes.repository.ts';

/**
 * The hosted login page's rules (docs/hosted-login.md): a customer proves they hold an
 * email address their project's backend gave Langgan, and gets the same portal session a
 * minted link gives.
 */

/** A code (and its one-click link) works this long, once… */
export const CODE_TTL_MINUTES = 10;
/** …and survives this many wrong tries; then only a new code helps. */
export const MAX_CODE_ATTEMPTS = 5;

/** Addresses are compared case-insensitively: stored as given, matched lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Six digits, uniformly random. */
function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * A code's hash is bound to its project and address: the same six digits for another
 * address are another hash. (Six digits can be brute-forced from a stolen hash in moments;
 * what protects a code is its ten minutes, its five tries and the request limits.)
 */
function codeHash(projectId: string, email: string, code: string): Buffer {
  return sha256(`${projectId}\n${email}\n${code}`);
}

export interface CodeRequest {
  project: Pick<Project, 'id' | 'name' | 'theme_config' | 'time_zone' | 'default_locale'>;
  email: string;
  locale: Locale;
  flow: string | null;
}

/**
 * Stores a new code for the address (replacing the previous one) and, only when the
 * address belongs to a customer of the project, queues the email carrying it. The caller
 * answers the same either way; both paths write the same code row, so they take about the
 * same time. The email is delivered right after the commit, in the background, so the
 * answer never waits for (or reveals anything through) the SMTP server.
 */
export async function requestSignInCode(deps: Deps, r: CodeRequest): Promise<{ sent: boolean }> {
  const email = normalizeEmail(r.email);
  const now = deps.clock.now();
  const code = newCode();
  const linkToken = randomToken(32);
  const linkHash = sha256(linkToken);
  const sent = await deps.db.transaction().execute(async (trx) => {
    await repo.replaceCode(trx, {
      projectId: r.project.id,
      email,
      codeHash: codeHash(r.project.id, email, code),
      linkHash,
      flow: r.flow,
      locale: r.locale,
      expiresAt: new Date(now.getTime() + CODE_TTL_MINUTES * 60_000),
      now,
    });
    const accounts = await repo.findAccountsByEmail(trx, r.project.id, email);
    if (accounts.length === 0 || !deps.mail) return false;
    const first = accounts[0]!;
    return queueEmail(trx, {
      projectId: r.project.id,
      endUserId: accounts.length === 1 ? first.id : null,
      type: 'sign_in_code',
      cause: linkHash.toString('hex'),
      to: first.email,
      locale: r.locale,
      domain: deps.config.mail.from.split('@')[1]!,
      now,
      rendered: renderSignInCode({
        locale: r.locale,
        timeZone: r.project.time_zone,
        projectName: r.project.name,
        theme: r.project.theme_config,
        customerName: accounts.length === 1 ? first.name : null,
        code,
        link: `${deps.config.publicUrl}/portal/login/link?token=${linkToken}`,
        validMinutes: CODE_TTL_MINUTES,
      }),
    });
  });
  if (sent) deliverSoon(deps);
  return { sent };
}

export type Verified =
  /** Signed in: the portal session is open; land on `flow`. */
  | { outcome: 'signed_in'; session: Extract<ExchangeResult, { ok: true }>; flow: string | null }
  /** Several accounts share the address: the browser keeps `pickerSecret` to choose one. */
  | { outcome: 'pick'; accounts: repo.LoginAccount[]; pickerSecret: string }
  | { outcome: 'wrong'; attemptsLeft: number }
  /** Expired, used, replaced, locked, or an address without an account. */
  | { outcome: 'no_code' };

/** Checks the six digits for (project, email); the right ones sign in (or lead to the picker). */
export async function verifySignInCode(deps: Deps, project: Pick<Project, 'id' | 'redirect_uris'>, emailInput: string, code: string): Promise<Verified> {
  const email = normalizeEmail(emailInput);
  const check = await repo.checkCode(deps.db, { projectId: project.id, email, codeHash: codeHash(project.id, email, code), maxAttempts: MAX_CODE_ATTEMPTS, now: deps.clock.now() });
  if (check.outcome !== 'accepted') return check;
  return signInAs(deps, project, email, check);
}

/** The one-click link from the email: the same as typing its code; with the project it belongs to, for the page's frame. */
export async function useSignInLink(deps: Deps, token: string): Promise<{ project: Project; verified: Verified } | undefined> {
  const used = await repo.useLink(deps.db, { linkHash: sha256(token), maxAttempts: MAX_CODE_ATTEMPTS, now: deps.clock.now() });
  const project = used && (await findProjectById(deps.db, used.project_id));
  if (!used || !project?.hosted_login_enabled) return undefined;
  return { project, verified: await signInAs(deps, project, used.email, used) };
}

/** A verified address: one account signs in; several need a choice; none (it was removed since) is no code. */
async function signInAs(deps: Deps, project: Pick<Project, 'id' | 'redirect_uris'>, email: string, code: { flow: string | null; locale: Locale | null }): Promise<Verified> {
  const accounts = await repo.findAccountsByEmail(deps.db, project.id, email);
  if (accounts.length === 0) return { outcome: 'no_code' };
  if (accounts.length === 1) return { outcome: 'signed_in', session: await openSession(deps, project, accounts[0]!, code.locale), flow: code.flow };
  const pickerSecret = randomToken(32);
  await repo.setPicker(deps.db, { projectId: project.id, email, pickerHash: sha256(pickerSecret) });
  return { outcome: 'pick', accounts, pickerSecret };
}

/** The accounts the picker offers this browser, while its code's ten minutes last. */
async function pickerAccounts(deps: Deps, pickerSecret: string) {
  const picker = await repo.findPicker(deps.db, { pickerHash: sha256(pickerSecret), now: deps.clock.now() });
  if (!picker) return undefined;
  return { ...picker, accounts: await repo.findAccountsByEmail(deps.db, picker.project_id, picker.email) };
}

/** The choice: once, and only among the accounts that share the verified address. */
export async function pickAccount(deps: Deps, pickerSecret: string, endUserId: string): Promise<Verified> {
  const picker = await pickerAccounts(deps, pickerSecret);
  const account = picker?.accounts.find((a) => a.id === endUserId);
  if (!picker || !account) return { outcome: 'no_code' };
  if (!(await repo.usePicker(deps.db, { pickerHash: sha256(pickerSecret), now: deps.clock.now() }))) return { outcome: 'no_code' };
  const project = await findProjectById(deps.db, picker.project_id);
  if (!project) return { outcome: 'no_code' };
  return { outcome: 'signed_in', session: await openSession(deps, project, account, picker.locale), flow: picker.flow };
}

/**
 * The same portal session a minted link gives: a portal token written and exchanged at
 * once, so the session, its cookie, its event and its 30 minutes are the token exchange's.
 * "Back to app" leads to the project's first registered redirect URI.
 */
async function openSession(deps: Deps, project: Pick<Project, 'id' | 'redirect_uris'>, account: repo.LoginAccount, locale: Locale | null) {
  const now = deps.clock.now();
  const link = await mintSignInLink(deps.db, deps.config, {
    projectId: project.id,
    endUserId: account.id,
    redirectUri: project.redirect_uris[0] ?? null,
    locale: locale ?? account.locale,
    flow: null,
    expiresAt: new Date(now.getTime() + 60_000),
    now,
  });
  const result = await exchangePortalToken(deps, link.token, null);
  if (!result.ok) throw new Error(`a sign-in token minted a moment ago was refused: ${result.reason}`);
  return result;
}
