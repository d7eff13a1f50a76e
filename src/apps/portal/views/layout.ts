import type { Locale } from '../../../db/types.ts';
import { ASSETS } from '../http/assets.ts';
import type { Messages } from '../i18n/messages.ts';
import type { ThemeStyle } from '../../../theme/css.ts';
import { html, trustedHtml, type SafeHtml } from './html.ts';

export type Section = 'overview' | 'plans' | 'payments';

/** What the page frame needs. `session` is absent on pages shown without one (link errors). */
export interface Chrome {
  t: Messages;
  locale: Locale;
  theme: ThemeStyle;
  projectName: string | undefined;
  session?: { csrf: string; hasApp: boolean };
  section?: Section;
}

/**
 * The page frame: skip link, header with the project's name and "Back to app", section
 * navigation, main, footer. The theme's custom properties are the only inline CSS (its
 * hash is in the CSP); the stylesheet and the script are same-origin files.
 */
export function layout(chrome: Chrome, title: string, main: SafeHtml): SafeHtml {
  const { t } = chrome;
  const fullTitle = chrome.projectName ? `${title} · ${t.portalName(chrome.projectName)}` : title;
  return html`<!doctype html>
<html lang="${chrome.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${fullTitle}</title>
<link rel="icon" href="${ASSETS.icon.path}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.css.path}">
<style>${trustedHtml(chrome.theme.css)}</style>
<script src="${ASSETS.js.path}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top">
<div class="wrap top-inner">
<p class="brand">${chrome.projectName ?? 'Langgan'}<small>${t.navLabel}</small></p>
${chrome.session ? leaveForm(t, chrome.session) : ''}
</div>
${chrome.session ? navigation(t, chrome.section) : ''}
</header>
<main id="main" class="wrap" tabindex="-1">
${main}
</main>
<footer class="wrap foot"><p>${t.footer}${chrome.session ? html` ${t.footerSession}` : ''}</p></footer>
</body>
</html>
`;
}

function leaveForm(t: Messages, session: { csrf: string; hasApp: boolean }): SafeHtml {
  return html`<form method="post" action="/portal/back" class="leave">
<input type="hidden" name="csrf" value="${session.csrf}">
<button type="submit" class="button secondary small">${session.hasApp ? html`<span aria-hidden="true">←</span> ${t.backToApp}` : t.leavePortal}</button>
</form>`;
}

function navigation(t: Messages, section: Section | undefined): SafeHtml {
  const item = (href: string, name: Section, label: string) =>
    html`<li><a href="${href}"${section === name ? trustedHtml(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="wrap tabs" aria-label="${t.navLabel}"><ul>
${item('/portal', 'overview', t.navOverview)}
${item('/portal/plans', 'plans', t.navPlans)}
${item('/portal/payments', 'payments', t.navPayments)}
</ul></nav>`;
}
