import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { ownEntry } from '../../../lib/lookup.ts';
import { AppError } from '../../../lib/errors.ts';
import { themeStyle, type ThemeStyle } from '../../../theme/css.ts';
import { buildCsp, httpOrigin } from '../../../web/csp.ts';
import { htmlErrorHandler } from '../../../web/error-page.ts';
import type { SafeHtml } from '../../../web/html.ts';
import { chooseLocale } from '../../../web/locale.ts';
import { sendHtml } from '../../../web/page.ts';
import { messagesFor, type Messages } from '../i18n/messages.ts';
import type { Chrome, Section } from '../views/layout.ts';
import { messagePage } from '../views/message.view.ts';
import { clearSessionCookies, cookieSecret, findPastSession, maybePortalContext, requireSession, type PortalContext } from './session.ts';

/**
 * The portal's Content-Security-Policy (web/csp.ts), plus the one <style> block of theme
 * variables by hash. Forms post only to the portal — and, for "Back to app" (which answers
 * with a redirect, and Chrome checks form-action on redirects), to the registered
 * redirect_uri's origin.
 */
export function portalCsp(theme: ThemeStyle | undefined, formOrigins: string[] = []): string {
  return buildCsp({ styleHashes: theme ? [theme.cspHash] : [], formActionOrigins: formOrigins });
}

export function sendPage(reply: FastifyReply, status: number, page: SafeHtml, theme: ThemeStyle, redirectUri?: string | null, formOrigins: readonly string[] = []): FastifyReply {
  const origin = httpOrigin(redirectUri);
  return sendHtml(reply, status, page, portalCsp(theme, [...(origin ? [origin] : []), ...formOrigins]));
}

/** The page frame for a request with a live session. */
export function chromeFor(ctx: PortalContext, section?: Section): Chrome {
  return {
    t: ctx.t,
    locale: ctx.locale,
    timeZone: ctx.timeZone,
    theme: ctx.theme,
    projectName: ctx.session.project_name,
    session: { csrf: ctx.csrf, hasApp: Boolean(ctx.session.redirect_uri), path: ctx.path },
    ...(section && { section }),
  };
}

/**
 * Sends a page of a live session (CSP allowing its "Back to app" form, and `formOrigins`:
 * the payment page's origin for a form that leads straight to it).
 */
export function sendSessionPage(reply: FastifyReply, ctx: PortalContext, page: SafeHtml, status = 200, formOrigins: readonly string[] = []): FastifyReply {
  return sendPage(reply, status, page, ctx.theme, ctx.session.redirect_uri, formOrigins);
}

/** The page frame without a session (link errors, session ended): default or project theme. */
export function anonymousChrome(
  request: FastifyRequest,
  project?: { locale?: string | null; name?: string; theme?: Parameters<typeof themeStyle>[0]; defaultLocale?: string | null },
): Chrome {
  const locale = chooseLocale({
    sessionLocale: project?.locale ?? null,
    acceptLanguage: request.headers['accept-language'],
    projectDefault: project?.defaultLocale ?? null,
  });
  return { t: messagesFor(locale), locale, theme: themeStyle(project?.theme), projectName: project?.name };
}

interface Explanation {
  title: string;
  explain: string;
}

function explain(t: Messages, error: unknown, code: string): Explanation {
  const reason = error instanceof AppError ? (error.details?.reason as string | undefined) : undefined;
  switch (code) {
    case 'csrf_failed':
      return { title: t.csrfTitle, explain: t.csrfExplain };
    case 'payment_not_found':
      return { title: t.notFoundTitle, explain: t.paymentNotFoundExplain };
    case 'plan_not_found':
      return { title: t.notFoundTitle, explain: t.planNotFoundExplain };
    case 'not_found':
      return { title: t.notFoundTitle, explain: t.notFoundExplain };
    case 'plan_change_not_allowed':
      return { title: t.notAllowedTitle, explain: ownEntry(t.notAllowed, reason) || t.notAllowed.generic! };
    case 'payment_in_progress':
      return { title: t.paymentInProgressTitle, explain: t.paymentInProgressExplain };
    case 'payment_gateway_unavailable':
      return { title: t.gatewayTitle, explain: t.gatewayExplain };
    default:
      return code === 'internal_error' || code === 'service_unavailable' || code === 'database_unavailable'
        ? { title: t.errorTitle, explain: t.errorExplain }
        : { title: t.badRequestTitle, explain: t.badRequestExplain };
  }
}

/**
 * Every error under /portal becomes a friendly page (web/error-page.ts) in the reader's
 * language, with a way on (the overview, or the payment waiting) when the session is live;
 * the header keeps "Back to app".
 */
export function portalErrorHandler(deps: Deps) {
  return htmlErrorHandler('portal request failed', async ({ error, code, status, request, reply }) => {
    if (code === 'portal_session_ended') return sendSessionEnded(deps, request, reply);

    // Errors raised before the session was looked up (a refused Origin, a bad body) still
    // get the portal's frame and a way back when the browser has a live session.
    if (!maybePortalContext(request) && cookieSecret(request)) await requireSession(deps)(request).catch(() => undefined);
    const ctx = maybePortalContext(request);
    // No live session: a past one (ended, expired) still names the project and knows the way back.
    const past = ctx ? undefined : await findPastSession(deps, request).catch(() => undefined);
    const chrome = ctx
      ? chromeFor(ctx)
      : anonymousChrome(request, past && { locale: past.locale, name: past.project_name, theme: past.theme_config, defaultLocale: past.project_default_locale });
    const { title, explain: sentence } = explain(chrome.t, error, code);
    const paymentId = error instanceof AppError ? (error.details?.payment_id as string | undefined) : undefined;
    const link = ctx
      ? paymentId
        ? { href: `/portal/payments/${encodeURIComponent(paymentId)}`, label: chrome.t.continuePayment }
        : { href: '/portal', label: chrome.t.backToOverview }
      : undefined;
    // Without a session there is no way on inside the portal: say what to do, and link the app when known.
    const backToApp = ctx ? null : (past?.redirect_uri ?? null);
    const said = ctx || backToApp ? sentence : `${sentence} ${chrome.t.openFromApp}`;
    const page = messagePage({ chrome, title, explain: said, ...(link && { link }), backToApp });
    return sendPage(reply, status, page, chrome.theme, ctx?.session.redirect_uri);
  });
}

/** 401: the session is over (30 minutes, "Back to app", or never opened); link back when we can. */
export async function sendSessionEnded(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const past = await findPastSession(deps, request);
  const chrome = anonymousChrome(request, past && { locale: past.locale, name: past.project_name, theme: past.theme_config, defaultLocale: past.project_default_locale });
  clearSessionCookies(reply, deps.config, { keepAppCookie: true });
  const page = messagePage({ chrome, title: chrome.t.sessionEndedTitle, explain: chrome.t.sessionEndedExplain, backToApp: past?.redirect_uri ?? null });
  return sendPage(reply, 401, page, chrome.theme);
}
