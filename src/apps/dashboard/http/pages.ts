import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../lib/errors.ts';
import { buildCsp } from '../../../web/csp.ts';
import { htmlErrorHandler } from '../../../web/error-page.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { sendHtml } from '../../../web/page.ts';
import { safeReturnPath } from '../../../web/return-path.ts';
import { dashboardMessages } from '../i18n/messages.ts';
import { DASHBOARD_THEME, layout, type Chrome } from '../views/layout.ts';
import { csrfTokenFor, currentSession, dashboardContext, localeOf, type DashboardContext } from './session.ts';

/** The dashboard's CSP: the kit's strict policy, plus the default theme's <style> by hash. */
export const DASHBOARD_CSP = buildCsp({ styleHashes: [DASHBOARD_THEME.cspHash] });
/** The branding editor's: the same, and it may show its own origin's preview frame. */
export const DASHBOARD_CSP_WITH_PREVIEW = buildCsp({ styleHashes: [DASHBOARD_THEME.cspHash], framesSelf: true });

export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200, csp = DASHBOARD_CSP): FastifyReply {
  return sendHtml(reply, status, page, csp);
}

/** The frame of a signed-in page. */
export function chromeFor(request: FastifyRequest, ctx: DashboardContext, project?: Chrome['project']): Chrome {
  return {
    t: ctx.t,
    locale: ctx.locale,
    path: request.url,
    user: { name: ctx.user.name, email: ctx.user.email, csrf: ctx.csrf },
    ...(project && { project }),
  };
}

/** The frame of a page without a session (sign-in, invitation, errors before sign-in). */
export function anonymousChrome(request: FastifyRequest): Chrome {
  const locale = localeOf(request);
  return { t: dashboardMessages(locale), locale, path: request.url };
}

/** Only same-app paths may be gone back to (no open redirect through `next` or `back`). */
export function safeDashboardPath(value: unknown): string {
  return safeReturnPath(value, '/dashboard');
}

/**
 * Errors as pages: signed out → the sign-in page (303, remembering where the reader was
 * going); a forged or stale form → 403; a role that does not allow it → 403; what the
 * reader may not know exists → 404; the rest by the shared code → status mapping.
 */
export function dashboardErrorHandler(deps: Deps) {
  return htmlErrorHandler('dashboard request failed', async ({ error, code, status, request, reply }) => {
    if (code === 'unauthorized' && error instanceof AppError && error.details?.reason === 'signed_out') {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(safeDashboardPath(request.url))}` : '';
      return reply.code(303).header('location', `/dashboard/login${next}`).send();
    }
    let chrome: Chrome;
    try {
      const ctx = dashboardContext(request);
      chrome = { ...chromeFor(request, ctx) };
    } catch {
      const signedIn = await currentSession(deps, request).catch(() => undefined);
      chrome = anonymousChrome(request);
      if (signedIn?.session.stage === 'full') {
        chrome.user = { name: signedIn.session.name, email: signedIn.session.email, csrf: csrfTokenFor(signedIn.secret) };
      }
    }
    const { t } = chrome;
    const title = code === 'forbidden' ? t.forbiddenTitle : status === 404 ? t.notFoundTitle : t.errorTitle;
    const explain =
      code === 'csrf_failed'
        ? t.formExpired
        : code === 'forbidden'
          ? t.forbidden
          : error instanceof AppError && status < 500
            ? error.message
            : t.errorTitle;
    const page = layout(
      chrome,
      title,
      html`<h1>${title}</h1><section class="card"><p>${explain}</p><p><a class="button secondary" href="/dashboard">${t.backToProjects}</a></p></section>`,
    );
    return sendPage(reply, page, status);
  });
}
