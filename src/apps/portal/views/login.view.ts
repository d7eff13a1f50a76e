import type { Locale } from '../../../db/types.ts';
import type { LoginAccount } from '../../../modules/hosted-login/login-codes.repository.ts';
import { field } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

/**
 * The hosted login page (/portal/login?project=<slug>): email, then code, then (when an
 * address has several accounts) which one. Plain forms: it works without JavaScript. What
 * every form carries on: the project's slug, the deep link and the language.
 */
export interface LoginContext {
  chrome: Chrome;
  slug: string;
  flow: string | undefined;
}

function carried(v: LoginContext): SafeHtml {
  return html`<input type="hidden" name="project" value="${v.slug}">
<input type="hidden" name="lang" value="${v.chrome.locale}">
${v.flow ? html`<input type="hidden" name="flow" value="${v.flow}">` : ''}`;
}

/** `/portal/login?project=…&lang=…` keeping the deep link: the language switch and "start again". */
export function loginHref(slug: string, locale: Locale, flow: string | undefined, email?: string): string {
  const q = new URLSearchParams({ project: slug, lang: locale });
  if (flow) q.set('flow', flow);
  if (email) q.set('email', email);
  return `/portal/login?${q.toString()}`;
}

function languageLinks(v: LoginContext): SafeHtml {
  const { t } = v.chrome;
  const other = t.otherLanguage;
  return html`<p class="login-lang"><span class="visually-hidden">${t.login.languageLabel}: </span><a href="${loginHref(v.slug, other.locale, v.flow)}" hreflang="${other.locale}" lang="${other.locale}">${other.name}</a></p>`;
}

export function emailPage(v: LoginContext & { email?: string; error?: string; problem?: string }): SafeHtml {
  const { t } = v.chrome;
  return layout(
    v.chrome,
    t.login.title,
    html`<div class="narrow">
${languageLinks(v)}
<h1>${t.login.title}</h1>
<p class="lead">${t.login.lead(v.chrome.projectName ?? '')}</p>
${v.problem ? html`<p class="error-text" role="alert">${v.problem}</p>` : ''}
<form method="post" action="/portal/login" class="card" novalidate>
${carried(v)}
${field({ name: 'email', label: t.login.email, hint: t.login.emailHint, error: v.error, control: (a) => html`<input type="email" ${a} autocomplete="email" required maxlength="254" value="${v.email ?? ''}">` })}
<button type="submit" class="button">${t.login.sendCode}</button>
</form>
</div>`,
  );
}

export function codePage(v: LoginContext & { email: string; error?: string }): SafeHtml {
  const { t } = v.chrome;
  return layout(
    v.chrome,
    t.login.sentTitle,
    html`<div class="narrow">
<h1>${t.login.sentTitle}</h1>
<p class="lead" role="status">${t.login.sent(v.chrome.projectName ?? '')}</p>
<p>${t.login.sentTo(v.email)}</p>
<form method="post" action="/portal/login/code" class="card" novalidate>
${carried(v)}
<input type="hidden" name="email" value="${v.email}">
${field({ name: 'code', label: t.login.code, hint: t.login.codeHint, error: v.error, control: (a) => html`<input type="text" ${a} inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" required maxlength="7" autofocus>` })}
<button type="submit" class="button">${t.login.signIn}</button>
</form>
<div class="actions">
<form method="post" action="/portal/login">
${carried(v)}
<input type="hidden" name="email" value="${v.email}">
<button type="submit" class="button secondary">${t.login.resend}</button>
</form>
<a href="${loginHref(v.slug, v.chrome.locale, v.flow)}">${t.login.otherEmail}</a>
</div>
</div>`,
  );
}

export function pickAccountPage(v: { chrome: Chrome; accounts: LoginAccount[] }): SafeHtml {
  const { t } = v.chrome;
  return layout(
    v.chrome,
    t.login.pickTitle,
    html`<div class="narrow">
<h1>${t.login.pickTitle}</h1>
<p class="lead">${t.login.pickLead(v.chrome.projectName ?? '')}</p>
<ul class="account-list">
${v.accounts.map(
  (a) => html`<li class="card">
<p class="account-name">${a.name ?? t.login.account(a.external_id)}</p>
<p class="hint">${a.name ? html`${t.login.account(a.external_id)} · ` : ''}${a.plan_name ? t.login.plan(a.plan_name) : t.login.noPlan}</p>
<form method="post" action="/portal/login/account">
<input type="hidden" name="lang" value="${v.chrome.locale}">
<button type="submit" class="button" name="account" value="${a.id}" aria-label="${t.login.open}: ${a.name ?? t.login.account(a.external_id)}">${t.login.open}</button>
</form>
</li>`,
)}
</ul>
</div>`,
  );
}
