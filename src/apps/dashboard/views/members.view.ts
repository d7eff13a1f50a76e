import type { Role } from '../../../db/types.ts';
import { ROLES } from '../../../modules/accounts/roles.ts';
import { formSecrets } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { shownOnce } from './keys.view.ts';
import { field, layout, type Chrome } from './layout.ts';

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  invited: boolean;
}

export function membersPage(
  chrome: Chrome,
  v: { projectId: string; members: MemberRow[]; me: string; canManage: boolean; mailOn: boolean; csrf: string; actionId: () => string; invitation?: { email: string; url: string; emailed: boolean }; problem?: string },
): SafeHtml {
  const { t } = chrome;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/members`;
  const roleOptions = (selected: Role) => ROLES.map((r) => html`<option value="${r}"${r === selected ? html` selected` : ''}>${t.roles[r]}</option>`);
  const rows = v.members.map((m) => {
    const who = html`${m.name}${m.user_id === v.me ? html` <span class="muted">(${t.you})</span>` : ''}<br><span class="muted">${m.email}</span>${m.invited ? html`<br><span class="muted">${t.invitedPending}</span>` : ''}`;
    const actions = v.canManage
      ? html`<form method="post" action="${base}/${encodeURIComponent(m.user_id)}/role" class="inline-form">${formSecrets(v.csrf, v.actionId())}
<label class="visually-hidden" for="role-${m.user_id}">${t.changeRole}: ${m.email}</label>
<select id="role-${m.user_id}" name="role">${roleOptions(m.role)}</select>
<button type="submit" class="button secondary small">${t.changeRole}</button></form>
<form method="post" action="${base}/${encodeURIComponent(m.user_id)}/remove">${formSecrets(v.csrf, v.actionId())}
<button type="submit" class="button secondary small" aria-label="${t.remove}: ${m.email}">${t.remove}</button></form>`
      : '';
    return html`<tr><th scope="row">${who}</th><td data-label="${t.role}">${t.roles[m.role]}</td>${v.canManage ? html`<td data-label="${t.changeRole}">${actions}</td>` : ''}</tr>`;
  });
  return layout(
    chrome,
    t.membersTitle,
    html`<h1>${t.membersTitle}</h1>
${v.problem ? html`<p class="error-text" role="alert">${v.problem}</p>` : ''}
${v.invitation
  ? html`<section class="card" aria-labelledby="invitation"><h2 id="invitation">${t.invitationLinkTitle}</h2><p>${v.invitation.emailed ? t.invitationEmailedLead(v.invitation.email) : t.invitationLinkLead(v.invitation.email)}</p>${shownOnce('invitation-url', v.invitation.url, t)}</section>`
  : ''}
<section class="card">
<h2 id="members" class="visually-hidden">${t.membersTitle}</h2>
<div class="table-wrap" role="region" aria-labelledby="members" tabindex="0"><table class="records">
<thead><tr><th scope="col">${t.name}</th><th scope="col">${t.role}</th>${v.canManage ? html`<th scope="col"><span class="visually-hidden">${t.changeRole}</span></th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table></div>
</section>
${v.canManage
  ? html`<section class="card" aria-labelledby="invite"><h2 id="invite">${t.invite}</h2><p>${v.mailOn ? t.inviteLead : t.inviteLeadNoMail}</p>
<form method="post" action="${base}/invite">${formSecrets(v.csrf, v.actionId())}
${field({ name: 'email', label: t.email, control: (a) => html`<input type="email" ${a} required autocomplete="off">` })}
${field({ name: 'name', label: t.name, control: (a) => html`<input type="text" ${a} required maxlength="100" autocomplete="off">` })}
${field({ name: 'role', label: t.role, control: (a) => html`<select ${a}>${roleOptions('viewer')}</select>` })}
<button type="submit" class="button">${t.invite}</button></form></section>`
  : ''}`,
  );
}
