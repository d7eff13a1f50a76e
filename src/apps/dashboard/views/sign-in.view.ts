import { html, type SafeHtml } from '../../../web/html.ts';
import { field, layout, type Chrome } from './layout.ts';

/** The sign-in form; `problem` is shown above it (the same words for every failure). */
export function signInPage(chrome: Chrome, v: { email?: string; next: string; problem?: string; notice?: string }): SafeHtml {
  const { t } = chrome;
  return layout(
    chrome,
    t.signInTitle,
    html`<div class="narrow">
<h1>${t.signInTitle}</h1>
<p class="lead">${t.signInLead}</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.problem ? html`<p class="error-text" role="alert" id="sign-in-problem">${v.problem}</p>` : ''}
<form method="post" action="/dashboard/login" class="card">
<input type="hidden" name="next" value="${v.next}">
${field({ name: 'email', label: t.email, control: (a) => html`<input type="email" ${a} autocomplete="username" required value="${v.email ?? ''}">` })}
${field({ name: 'password', label: t.password, control: (a) => html`<input type="password" ${a} autocomplete="current-password" required>` })}
<button type="submit" class="button">${t.signIn}</button>
</form>
</div>`,
  );
}

export function secondFactorPage(chrome: Chrome, v: { csrf: string; next: string; problem?: string }): SafeHtml {
  const { t } = chrome;
  return layout(
    chrome,
    t.secondFactorTitle,
    html`<div class="narrow">
<h1>${t.secondFactorTitle}</h1>
<p class="lead">${t.secondFactorLead}</p>
${v.problem ? html`<p class="error-text" role="alert">${v.problem}</p>` : ''}
<form method="post" action="/dashboard/login/2fa" class="card">
<input type="hidden" name="csrf" value="${v.csrf}">
<input type="hidden" name="next" value="${v.next}">
${field({ name: 'code', label: t.code, control: (a) => html`<input type="text" ${a} inputmode="numeric" autocomplete="one-time-code" required maxlength="20">` })}
<button type="submit" class="button">${t.verify}</button>
</form>
</div>`,
  );
}

export function invitationPage(chrome: Chrome, v: { token: string; email?: string; valid: boolean; problem?: string }): SafeHtml {
  const { t } = chrome;
  if (!v.valid) {
    return layout(chrome, t.invitationTitle, html`<div class="narrow"><h1>${t.invitationTitle}</h1><section class="card"><p>${t.invitationInvalid}</p></section></div>`);
  }
  return layout(
    chrome,
    t.invitationTitle,
    html`<div class="narrow">
<h1>${t.invitationTitle}</h1>
<p class="lead">${t.invitationLead(v.email ?? '')}</p>
<form method="post" action="/dashboard/invitation" class="card">
<input type="hidden" name="token" value="${v.token}">
<input type="text" name="username" value="${v.email ?? ''}" autocomplete="username" hidden>
${field({ name: 'password', label: t.newPassword, hint: t.passwordHint, error: v.problem, control: (a) => html`<input type="password" ${a} autocomplete="new-password" required minlength="12">` })}
<button type="submit" class="button">${t.setPassword}</button>
</form>
</div>`,
  );
}
