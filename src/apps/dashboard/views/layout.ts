import type { Locale } from '../../../db/types.ts';
import { themeStyle } from '../../../theme/css.ts';
import { frame } from '../../../web/frame.ts';
import { html, trustedHtml, type SafeHtml } from '../../../web/html.ts';
import { ASSETS } from '../http/assets.ts';
import type { Messages } from '../i18n/messages.ts';

/** Langgan's own look (the dashboard is not themed by projects): the default theme. */
export const DASHBOARD_THEME = themeStyle(undefined);

export type ProjectSection = 'overview' | 'customers' | 'payments' | 'webhooks' | 'events' | 'settings' | 'branding' | 'plans' | 'keys' | 'members';

export interface Chrome {
  t: Messages;
  locale: Locale;
  /** The current path, for the language switch to come back to. */
  path: string;
  /** Absent on pages without a session (sign-in, invitation, errors). */
  user?: { name: string; email: string; csrf: string };
  project?: { id: string; name: string; section?: ProjectSection };
}

/** The dashboard's page frame (web/frame.ts): brand, who is signed in, project tabs, language switch. */
export function layout(chrome: Chrome, title: string, main: SafeHtml): SafeHtml {
  const { t } = chrome;
  return frame(
    {
      lang: chrome.locale,
      title: `${title} · ${t.product} ${t.dashboard}`,
      assets: { icon: ASSETS.icon.path, stylesheets: [ASSETS.kit.path, ASSETS.css.path], scripts: [ASSETS.kitJs.path, ASSETS.js.path] },
      themeCss: DASHBOARD_THEME.css,
      skipLabel: t.skipToContent,
      header: html`<header class="top">
<div class="wrap top-inner">
<p class="brand"><a href="/dashboard">${t.product}</a><small>${t.dashboard}</small></p>
${chrome.user ? whoAmI(t, chrome.user) : ''}
</div>
${chrome.project ? projectTabs(t, chrome.project) : ''}
</header>`,
      footer: html`<footer class="wrap foot">${languageSwitch(chrome)}</footer>`,
    },
    main,
  );
}

function whoAmI(t: Messages, user: NonNullable<Chrome['user']>): SafeHtml {
  return html`<div class="who">
<a href="/dashboard/account">${user.name}</a>
<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${user.csrf}"><button type="submit" class="button secondary small">${t.signOut}</button></form>
</div>`;
}

function projectTabs(t: Messages, project: NonNullable<Chrome['project']>): SafeHtml {
  const base = `/dashboard/projects/${encodeURIComponent(project.id)}`;
  const item = (href: string, name: ProjectSection, label: string) =>
    html`<li><a href="${href}"${project.section === name ? trustedHtml(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="wrap tabs tabs-scroll" aria-label="${t.projectNav}: ${project.name}"><ul>
${item(base, 'overview', t.navOverview)}
${item(`${base}/customers`, 'customers', t.navCustomers)}
${item(`${base}/payments`, 'payments', t.navPayments)}
${item(`${base}/webhooks`, 'webhooks', t.navWebhooks)}
${item(`${base}/events`, 'events', t.navEvents)}
${item(`${base}/settings`, 'settings', t.navSettings)}
${item(`${base}/branding`, 'branding', t.navBranding)}
${item(`${base}/plans`, 'plans', t.navPlans)}
${item(`${base}/keys`, 'keys', t.navKeys)}
${item(`${base}/members`, 'members', t.navMembers)}
</ul></nav>`;
}

function languageSwitch(chrome: Chrome): SafeHtml {
  const { t } = chrome;
  const back = encodeURIComponent(chrome.path);
  return html`<p class="lang"><span class="visually-hidden">${t.language}: </span>${(['en', 'id'] as const).map((l) =>
    l === chrome.locale
      ? html`<span aria-current="true">${t.languageName[l]}</span> `
      : html`<a href="/dashboard/language?to=${l}&amp;back=${back}" hreflang="${l}" lang="${l}">${t.languageName[l]}</a> `,
  )}</p>`;
}

export { field } from '../../../web/components.ts';
