import { mintSignInLink } from '../portal-sessions/portal-sessions.service.ts';
import type { Db } from '../../db/database.ts';
import type { EmailType, Locale } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { planInLocale } from '../plans/plans.service.ts';
import { queueEmail } from './queue-email.ts';
import type { EmailBase, RenderedEmail } from './templates/layout.ts';

/**
 * What every customer email shares, whatever it is about (payment-emails.ts,
 * subscription-emails.ts): the rules for whether it is queued at all, the customer and
 * project it is written for, and plans in the customer's language.
 */

export type EmailDeps = Pick<Deps, 'mail' | 'config'>;

export interface CustomerEmail {
  projectId: string;
  endUserId: string;
  type: EmailType;
  /** What caused it: with the type, the idempotency key (`<type>:<cause>`), so it is queued once. */
  cause: string;
  now: Date;
}

/**
 * Queues one email to a customer in the caller's transaction (the one that makes the change
 * it tells of), unless email is off, the project switched the type off, or the customer has
 * no address on file. `render` writes it in the customer's language (the end user's, else
 * the project's default), or returns undefined when there is nothing to say after all.
 * Returns whether it was queued (false too when its cause already was).
 */
export async function queueCustomerEmail(
  trx: Db,
  deps: EmailDeps,
  e: CustomerEmail,
  render: (base: EmailBase) => Promise<RenderedEmail | undefined> | RenderedEmail | undefined,
): Promise<boolean> {
  if (!deps.mail) return false;
  const r = await loadRecipient(trx, e.projectId, e.endUserId);
  if (!r?.email || r.email_disabled_types.includes(e.type)) return false;
  const locale = r.locale ?? r.default_locale;
  const rendered = await render({ locale, timeZone: r.time_zone, projectName: r.project_name, theme: r.theme_config, customerName: r.customer_name });
  if (!rendered) return false;
  return queueEmail(trx, {
    projectId: e.projectId,
    endUserId: e.endUserId,
    type: e.type,
    cause: e.cause,
    to: r.email,
    locale,
    domain: deps.config.mail.from.split('@')[1]!,
    now: e.now,
    rendered,
  });
}

/** A plan as the customer reads it (its name in their language) with its price. */
export interface PlanText {
  name: string;
  price: number;
  currency: string;
  interval: 'month' | 'year';
}

/** The plan `planId` of the project in `locale`, or undefined when there is none. */
export async function planText(trx: Db, projectId: string, planId: string | null, locale: Locale): Promise<PlanText | undefined> {
  if (!planId) return undefined;
  const plan = await planQuery(trx, projectId).where('id', '=', planId).executeTakeFirst();
  return plan && { ...plan, name: planInLocale(plan, locale).name };
}

/** The project's default plan (what an unpaid subscription falls back to) in `locale`, or undefined. */
export async function defaultPlanText(trx: Db, projectId: string, locale: Locale): Promise<PlanText | undefined> {
  const plan = await planQuery(trx, projectId).where('is_default', '=', true).where('archived_at', 'is', null).executeTakeFirst();
  return plan && { ...plan, name: planInLocale(plan, locale).name };
}

function planQuery(trx: Db, projectId: string) {
  return trx
    .selectFrom('plans')
    .select(['name', 'description', 'features', 'translations', 'price', 'currency', 'interval'])
    .where('project_id', '=', projectId);
}

/** The customer and their project, as every email needs them. */
function loadRecipient(trx: Db, projectId: string, endUserId: string) {
  return trx
    .selectFrom('end_users')
    .innerJoin('projects', 'projects.id', 'end_users.project_id')
    .select([
      'end_users.email',
      'end_users.name as customer_name',
      'end_users.locale',
      'projects.name as project_name',
      'projects.theme_config',
      'projects.time_zone',
      'projects.default_locale',
      'projects.email_disabled_types',
    ])
    .where('end_users.id', '=', endUserId)
    .where('end_users.project_id', '=', projectId)
    .executeTakeFirst();
}

/** The longest a sign-in link in an email works. */
const SIGN_IN_LINK_MAX_MS = 7 * 86_400_000;

/**
 * A button that signs the customer in and opens one step of their portal (`flow`, e.g. a
 * payment): a single-use portal token, stored hashed, written in the email's transaction,
 * valid until `until` and a week at most (then the app's link or the hosted login page).
 */
export async function signInButton(
  trx: Db,
  deps: EmailDeps,
  l: { projectId: string; endUserId: string; locale: Locale; flow: string; until: Date; now: Date },
): Promise<{ url: string; until: Date }> {
  const until = new Date(Math.min(l.until.getTime(), l.now.getTime() + SIGN_IN_LINK_MAX_MS));
  const project = await trx.selectFrom('projects').select('redirect_uris').where('id', '=', l.projectId).executeTakeFirstOrThrow();
  const link = await mintSignInLink(trx, deps.config, {
    projectId: l.projectId,
    endUserId: l.endUserId,
    redirectUri: project.redirect_uris[0] ?? null,
    locale: l.locale,
    flow: l.flow,
    expiresAt: until,
    now: l.now,
  });
  return { url: link.url, until };
}
