import { formSecrets } from '../../../web/components.ts';
import { formatDateTime } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { shownOnce } from './keys.view.ts';
import { field, layout, type Chrome } from './layout.ts';

export interface AccountView {
  csrf: string;
  actionId: () => string;
  currentSessionId: string;
  twoFactorOn: boolean;
  recoveryCodesLeft: number;
  sessions: Array<{ id: string; user_agent: string | null; ip: string | null; created_at: Date; last_seen_at: Date }>;
  /** Shown once, right after the action that made them. */
  enrolment?: { secret: string; uri: string; problem?: string };
  recoveryCodes?: string[];
  notice?: string;
  passwordProblem?: string;
  twoFactorProblem?: string;
}

export function accountPage(chrome: Chrome, v: AccountView): SafeHtml {
  const { t, locale } = chrome;
  const secrets = () => formSecrets(v.csrf, v.actionId());
  const sessions = v.sessions.map(
    (s) => html`<tr><td>${s.user_agent ?? '—'}${s.id === v.currentSessionId ? html` <strong>(${t.thisDevice})</strong>` : ''}</td><td>${s.ip ?? '—'}</td><td>${formatDateTime(s.created_at, locale)}</td><td>${formatDateTime(s.last_seen_at, locale)}</td>
<td>${s.id === v.currentSessionId ? '' : html`<form method="post" action="/dashboard/account/sessions/${encodeURIComponent(s.id)}/revoke">${secrets()}<button type="submit" class="button secondary small">${t.revoke}</button></form>`}</td></tr>`,
  );
  return layout(
    chrome,
    t.accountTitle,
    html`<h1>${t.accountTitle}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<div class="grid-2">
<section class="card" aria-labelledby="password-title">
<h2 id="password-title">${t.changePasswordTitle}</h2>
<form method="post" action="/dashboard/account/password">${secrets()}
${field({ name: 'current_password', label: t.currentPassword, control: (a) => html`<input type="password" ${a} autocomplete="current-password" required>` })}
${field({ name: 'new_password', label: t.newPassword, hint: t.passwordHint, error: v.passwordProblem, control: (a) => html`<input type="password" ${a} autocomplete="new-password" required minlength="12">` })}
<button type="submit" class="button">${t.changePassword}</button>
</form>
</section>
<section class="card" aria-labelledby="two-factor-title">
<h2 id="two-factor-title">${t.twoFactorTitle}</h2>
${twoFactor(chrome, v, secrets)}
</section>
</div>
<section class="card">
<h2 id="sessions-title">${t.sessionsTitle}</h2>
<div class="table-wrap" role="region" aria-labelledby="sessions-title" tabindex="0"><table>
<thead><tr><th scope="col">${t.device}</th><th scope="col">${t.ipAddress}</th><th scope="col">${t.signedInAt}</th><th scope="col">${t.lastActive}</th><th scope="col"><span class="visually-hidden">${t.revoke}</span></th></tr></thead>
<tbody>${sessions}</tbody></table></div>
</section>`,
  );
}

function twoFactor(chrome: Chrome, v: AccountView, secrets: () => SafeHtml): SafeHtml {
  const { t } = chrome;
  if (v.recoveryCodes) {
    return html`<p class="note warn" role="alert">${t.recoveryCodesLead}</p><h3>${t.recoveryCodesTitle}</h3>
<ul class="codes" id="recovery-codes">${v.recoveryCodes.map((c) => html`<li>${c}</li>`)}</ul>`;
  }
  if (v.enrolment) {
    return html`<p>${t.enrolLead}</p>
<p><strong>${t.setupKey}</strong></p>${shownOnce('totp-secret', v.enrolment.secret, t)}
<p><a href="${v.enrolment.uri}">${t.openInApp}</a></p>
<form method="post" action="/dashboard/account/2fa/confirm">${secrets()}
${field({ name: 'code', label: t.code, error: v.enrolment.problem, control: (a) => html`<input type="text" ${a} inputmode="numeric" autocomplete="one-time-code" required maxlength="10">` })}
<button type="submit" class="button">${t.confirm}</button></form>`;
  }
  if (!v.twoFactorOn) {
    return html`<p>${t.twoFactorOff}</p><form method="post" action="/dashboard/account/2fa/start">${secrets()}<button type="submit" class="button">${t.turnOn}</button></form>`;
  }
  return html`<p>${t.twoFactorOn}</p><p class="muted">${t.recoveryCodesLeft(v.recoveryCodesLeft)}</p>
<form method="post" action="/dashboard/account/2fa/recovery-codes">${secrets()}<button type="submit" class="button secondary">${t.newRecoveryCodes}</button></form>
<form method="post" action="/dashboard/account/2fa/disable">${secrets()}
${field({ name: 'password', label: t.passwordToConfirm, error: v.twoFactorProblem, control: (a) => html`<input type="password" ${a} autocomplete="current-password" required>` })}
<button type="submit" class="button danger">${t.turnOff}</button></form>`;
}
