import type { Locale } from '../../../db/types.ts';
import type { ThemeStyle } from '../../../theme/css.ts';
import { frame } from '../../../web/frame.ts';
import { html, trustedHtml, type SafeHtml } from '../../../web/html.ts';
import { ASSETS } from '../http/assets.ts';
import type { Messages } from '../i18n/messages.ts';

export type Section = 'overview' | 'plans' | 'payments';

/** What the page frame needs. `session` is absent on pages shown without one (link errors). */
export interface Chrome {
  t: Messages;
  locale: Locale;
  /** IANA zone dates are shown in (the project's); WIB when unknown. */
  timeZone?: string;
  theme: ThemeStyle;
  projectName: string | undefined;
  /** `path`: the page shown, for the language switch to come back to. */
  session?: { csrf: string; hasApp: boolean; path: string };
  section?: Section;
}

/**
 * The portal's page frame (web/frame.ts): header with the project's name, the language
 * switch and "Back to app", section navigation, main, footer.
 */
export function layout(chrome: Chrome, title: string, main: SafeHtml): SafeHtml {
  const { t } = chrome;
  return frame(
    {
      lang: chrome.locale,
      title: chrome.projectName ? `${title} · ${t.portalName(chrome.projectName)}` : title,
      assets: { icon: ASSETS.icon.path, stylesheets: [ASSETS.kit.path, ASSETS.css.path], scripts: [ASSETS.kitJs.path, ASSETS.js.path] },
      themeCss: chrome.theme.css,
      skipLabel: t.skipToContent,
      header: html`<header class="top">
<div class="wrap top-inner">
<p class="brand">${chrome.theme.logoPath ? html`<img class="logo" src="${chrome.theme.logoPath}" alt="">` : ''}<span>${chrome.projectName ?? 'Langgan'}<small>${t.navLabel}</small></span></p>
${chrome.session ? html`<div class="top-actions">${languageForm(t, chrome.session)}${leaveForm(t, chrome.session)}</div>` : ''}
</div>
${chrome.session ? navigation(t, chrome.section) : ''}
</header>`,
      footer: html`<footer class="wrap foot"><p>${t.footer}${chrome.session ? html` ${t.footerSession}` : ''}</p></footer>`,
    },
    main,
  );
}

/** The other language, as a plain form: it works without JavaScript and needs the session's CSRF token. */
function languageForm(t: Messages, session: NonNullable<Chrome['session']>): SafeHtml {
  const other = t.otherLanguage;
  return html`<form method="post" action="/portal/language" class="lang">
<input type="hidden" name="csrf" value="${session.csrf}"><input type="hidden" name="back" value="${session.path}">
<button type="submit" name="locale" value="${other.locale}" lang="${other.locale}" class="link-button">${other.name}</button>
</form>`;
}

function leaveForm(t: Messages, session: NonNullable<Chrome['session']>): SafeHtml {
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
