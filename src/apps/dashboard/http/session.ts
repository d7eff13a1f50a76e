import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import type { Deps } from '../../../deps.ts';
import { formActionStore } from '../../../db/form-actions.ts';
import type { Locale } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { resolveSession, type LiveDashboardSession } from '../../../modules/accounts/sessions.ts';
import { cookieSession, type CookieSession } from '../../../web/cookie-session.ts';
import * as csrf from '../../../web/csrf.ts';
import { chooseLocale, isLocale } from '../../../web/locale.ts';
import { once as runOnce } from '../../../web/once.ts';
import { dashboardMessages, type Messages } from '../i18n/messages.ts';
import { DASHBOARD_PREFIX } from '../prefix.ts';

/**
 * The dashboard's session cookie (web/cookie-session.ts: HttpOnly, Path=/dashboard,
 * SameSite=Lax). On https it is Secure and named with the `__Secure-` prefix, which browsers
 * only accept from a secure origin; it carries no Domain attribute, so it is host-only —
 * what `__Host-` would add besides is Path=/, which would send it to every app.
 */
const COOKIE_NAME = 'langgan_dashboard';
const LANG_COOKIE = 'langgan_dashboard_lang';

export function dashboardCookies(config: Pick<Config, 'publicUrl' | 'dashboard'>): { session: CookieSession; sessionName: string } {
  const secure = config.publicUrl.startsWith('https:');
  const name = secure ? `__Secure-${COOKIE_NAME}` : COOKIE_NAME;
  return {
    sessionName: name,
    session: cookieSession({ name, path: DASHBOARD_PREFIX, secure, maxAgeSeconds: Math.floor(config.dashboard.sessionMaxMs / 1000) }),
  };
}

export function setLanguageCookie(reply: FastifyReply, config: Pick<Config, 'publicUrl'>, locale: Locale): void {
  reply.setCookie(LANG_COOKIE, locale, { path: DASHBOARD_PREFIX, httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:'), maxAge: 365 * 86_400 });
}

/** The reader's language: their choice (cookie), else the browser's, else English. */
export function localeOf(request: FastifyRequest): Locale {
  const chosen = request.cookies[LANG_COOKIE];
  return chooseLocale({ sessionLocale: isLocale(chosen) ? chosen : null, acceptLanguage: request.headers['accept-language'] });
}

/** The dashboard's CSRF purpose: its tokens are never the portal's. */
const DASHBOARD_CSRF: csrf.CsrfOptions = { purpose: 'langgan-dashboard-csrf-v1', app: 'dashboard' };

export function csrfTokenFor(secret: string): string {
  return csrf.csrfTokenFor(secret, DASHBOARD_CSRF.purpose);
}

export function checkCsrfToken(secret: string, token: unknown): void {
  csrf.checkCsrfToken(DASHBOARD_CSRF, secret, token);
}

/** onRequest hook of every dashboard POST (before the body is parsed or validated). */
export function requireSameOrigin(publicUrl: string) {
  return csrf.requireSameOrigin(publicUrl, DASHBOARD_CSRF.app);
}

/** Everything a dashboard page or action knows about who is asking. */
export interface DashboardContext {
  session: LiveDashboardSession;
  secret: string;
  csrf: string;
  locale: Locale;
  t: Messages;
  now: Date;
  user: { id: string; email: string; name: string; instance_admin: boolean };
}

const contexts = new WeakMap<FastifyRequest, DashboardContext>();

export function dashboardContext(request: FastifyRequest): DashboardContext {
  const ctx = contexts.get(request);
  if (!ctx) throw new Error('dashboard route without the requireSignedIn preHandler');
  return ctx;
}

/** The live session behind the cookie (any stage), or undefined. */
export async function currentSession(deps: Deps, request: FastifyRequest): Promise<{ session: LiveDashboardSession; secret: string } | undefined> {
  const secret = dashboardCookies(deps.config).session.read(request);
  if (!secret) return undefined;
  const session = await resolveSession(deps, secret, deps.clock.now());
  return session ? { session, secret } : undefined;
}

/**
 * preHandler of every page and action behind sign-in: a `full` session, or
 * `dashboard_session_ended` (the error page sends the browser to the sign-in page).
 */
export function requireSignedIn(deps: Deps) {
  return async function requireSignedInHook(request: FastifyRequest): Promise<void> {
    const found = await currentSession(deps, request);
    if (!found || found.session.stage !== 'full') throw new AppError('unauthorized', 'Sign in to use the dashboard', { reason: 'signed_out' });
    const locale = localeOf(request);
    const { session, secret } = found;
    contexts.set(request, {
      session,
      secret,
      csrf: csrfTokenFor(secret),
      locale,
      t: dashboardMessages(locale),
      now: deps.clock.now(),
      user: { id: session.user_id, email: session.email, name: session.name, instance_admin: session.instance_admin },
    });
  };
}

/** preHandler after requireSignedIn: the form's token must be this session's. */
export const requireCsrfToken = csrf.requireCsrfToken(DASHBOARD_CSRF, (request) => dashboardContext(request).secret);

/** A dashboard form's action, run once per (session, action_id), kept in dashboard_actions; see web/once.ts. */
export function once(deps: Deps, ctx: DashboardContext, actionId: string, run: () => Promise<string>, current: () => Promise<string>): Promise<string> {
  return runOnce(formActionStore(deps.db, 'dashboard_actions', ctx.session.id, () => deps.clock.now()), actionId, run, current);
}
