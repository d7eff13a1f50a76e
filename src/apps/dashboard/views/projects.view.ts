import { EMAIL_TYPES } from '../../../modules/projects/projects.schemas.ts';
import type { Project, Role } from '../../../db/types.ts';
import { INDONESIAN_TIME_ZONES, TIME_ZONES } from '../../../lib/time-zones.ts';
import { formSecrets } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import type { Messages } from '../i18n/messages.ts';
import { field, layout, type Chrome } from './layout.ts';

export function projectsPage(chrome: Chrome, projects: Array<{ id: string; name: string; role: Role }>, canCreate: boolean): SafeHtml {
  const { t } = chrome;
  const rows = projects.map(
    (p) => html`<tr><th scope="row"><a href="/dashboard/projects/${encodeURIComponent(p.id)}">${p.name}</a></th><td>${t.roles[p.role]}</td></tr>`,
  );
  return layout(
    chrome,
    t.projectsTitle,
    html`<h1>${t.projectsTitle}</h1>
${canCreate ? html`<p><a class="button" href="/dashboard/projects/new">${t.newProject}</a></p>` : ''}
<section class="card">
${projects.length
  ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${t.projectName}</th><th scope="col">${t.role}</th></tr></thead><tbody>${rows}</tbody></table></div>`
  : html`<p>${t.noProjects}</p>`}
</section>`,
  );
}

export interface SettingsForm {
  name: string;
  default_locale: string;
  time_zone: string;
  redirect_uris: string;
  grace_period_days: string;
  development_mode: boolean;
  email_sender_name: string;
  email_reply_to: string;
  /** The types left on (the form's checkboxes). */
  email_types: string[];
  renewal_reminder_days: string;
  slug: string;
  hosted_login_enabled: boolean;
}

export function settingsPage(
  chrome: Chrome,
  v: { projectId: string; form: SettingsForm; errors: Record<string, string>; editable: boolean; csrf: string; actionId: string; saved: boolean; loginUrl: string },
): SafeHtml {
  const { t } = chrome;
  const f = v.form;
  const disabled = v.editable ? '' : html` disabled`;
  const hasErrors = Object.keys(v.errors).length > 0;
  return layout(
    chrome,
    t.settingsTitle,
    html`<h1>${t.settingsTitle}</h1>
${v.saved ? html`<p class="notice" role="status">${t.saved}</p>` : ''}
${hasErrors ? html`<p class="error-text" role="alert">${t.fixErrors}</p>` : ''}
${v.editable ? '' : html`<p class="note">${t.readOnly}</p>`}
<form method="post" action="/dashboard/projects/${encodeURIComponent(v.projectId)}/settings" class="card" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="action_id" value="${v.actionId}">
${field({ name: 'name', label: t.projectName, error: v.errors.name, control: (a) => html`<input type="text" ${a} value="${f.name}" maxlength="100" required${disabled}>` })}
${field({
  name: 'default_locale',
  label: t.defaultLocale,
  error: v.errors.default_locale,
  control: (a) => html`<select ${a}${disabled}>${languageOptions(f.default_locale, t)}</select>`,
})}
${field({ name: 'time_zone', label: t.timeZone, hint: t.timeZoneHelp, error: v.errors.time_zone, control: (a) => html`<select ${a}${disabled}>${timeZoneOptions(f.time_zone, t)}</select>` })}
${field({ name: 'redirect_uris', label: t.redirectUris, hint: t.redirectUrisHelp, error: v.errors.redirect_uris, control: (a) => html`<textarea ${a} rows="4" spellcheck="false"${disabled}>${f.redirect_uris}</textarea>` })}
${field({ name: 'grace_period_days', label: t.gracePeriod, hint: t.gracePeriodHelp, error: v.errors.grace_period_days, control: (a) => html`<input type="number" ${a} min="0" max="60" value="${f.grace_period_days}"${disabled}>` })}
<div class="field"><div class="choice"><input type="checkbox" id="development_mode" name="development_mode" value="on" aria-describedby="development_mode-hint"${f.development_mode ? html` checked` : ''}${disabled}>
<label for="development_mode">${t.developmentMode}</label></div>
<span class="hint" id="development_mode-hint">${t.developmentModeHelp}</span></div>
<fieldset><legend>${t.customerEmail}</legend><input type="hidden" name="email_settings" value="1">
<p class="hint">${t.customerEmailLead}</p>
${field({ name: 'email_sender_name', label: t.emailSenderName, hint: t.emailSenderNameHelp, error: v.errors.email_sender_name, control: (a) => html`<input type="text" ${a} value="${f.email_sender_name}" maxlength="100" placeholder="${f.name}"${disabled}>` })}
${field({ name: 'email_reply_to', label: t.emailReplyTo, hint: t.emailReplyToHelp, error: v.errors.email_reply_to, control: (a) => html`<input type="email" ${a} value="${f.email_reply_to}" maxlength="254" autocomplete="off"${disabled}>` })}
${EMAIL_TYPES.map(
  (type) => html`<div class="field"><div class="choice"><input type="checkbox" id="email_type_${type}" name="email_types" value="${type}"${f.email_types.includes(type) ? html` checked` : ''}${disabled}>
<label for="email_type_${type}">${t.emailTypes[type]}</label></div></div>`,
)}${v.errors.email_disabled_types ? html`<p class="error-text">${v.errors.email_disabled_types}</p>` : ''}
${field({ name: 'renewal_reminder_days', label: t.renewalReminderDays, hint: t.renewalReminderDaysHelp, error: v.errors.renewal_reminder_days, control: (a) => html`<input type="number" ${a} min="0" max="7" value="${f.renewal_reminder_days}"${disabled}>` })}
</fieldset>
<fieldset><legend>${t.hostedLogin}</legend><input type="hidden" name="login_settings" value="1">
<p class="hint">${t.hostedLoginLead}</p>
<div class="field"><div class="choice"><input type="checkbox" id="hosted_login_enabled" name="hosted_login_enabled" value="on" aria-describedby="hosted_login_enabled-hint"${f.hosted_login_enabled ? html` checked` : ''}${disabled}>
<label for="hosted_login_enabled">${t.hostedLoginEnabled}</label></div>
<span class="hint" id="hosted_login_enabled-hint">${t.hostedLoginEnabledHelp}</span></div>
${field({ name: 'slug', label: t.slug, hint: t.slugHelp, error: v.errors.slug, control: (a) => html`<input type="text" ${a} value="${f.slug}" minlength="3" maxlength="40" pattern="[a-z0-9][a-z0-9\-]*[a-z0-9]" autocomplete="off" spellcheck="false" required${disabled}>` })}
<p class="hint">${t.hostedLoginAddress} <a href="${v.loginUrl}"><code>${v.loginUrl}</code></a></p>
</fieldset>
${v.editable ? html`<button type="submit" class="button">${t.save}</button>` : ''}
</form>`,
  );
}

function languageOptions(selected: string, t: Messages): SafeHtml[] {
  return (['en', 'id'] as const).map((l) => html`<option value="${l}"${selected === l ? html` selected` : ''}>${t.languageName[l]}</option>`);
}

/**
 * Indonesia's three zones first (with WIB, WITA, WIT), then every other. A value the list
 * lacks (a newer IANA name such as Asia/Kolkata, or what a refused form sent) is offered
 * too, selected, so the form never silently shows a different zone than the one it holds.
 */
export function timeZoneOptions(selected: string, t: Messages): SafeHtml {
  const option = (name: string, label = name) => html`<option value="${name}"${name === selected ? html` selected` : ''}>${label}</option>`;
  const indonesian = new Set<string>(INDONESIAN_TIME_ZONES.map((z) => z.name));
  const others = TIME_ZONES.filter((z) => !indonesian.has(z));
  const extra = selected && !TIME_ZONES.includes(selected) ? [selected] : [];
  return html`<optgroup label="${t.timeZonesIndonesia}">${INDONESIAN_TIME_ZONES.map((z) => option(z.name, `${z.name} (${z.abbreviation})`))}</optgroup>
<optgroup label="${t.timeZonesOther}">${[...extra, ...others].map((z) => option(z))}</optgroup>`;
}

export interface NewProjectForm {
  name: string;
  redirect_uris: string;
  default_locale: string;
  time_zone: string;
}

export function newProjectPage(chrome: Chrome, v: { form: NewProjectForm; errors: Record<string, string>; csrf: string; actionId: string }): SafeHtml {
  const { t } = chrome;
  const f = v.form;
  return layout(
    chrome,
    t.newProject,
    html`<h1>${t.newProject}</h1>
<p class="lead">${t.newProjectLead}</p>
${Object.keys(v.errors).length ? html`<p class="error-text" role="alert">${t.fixErrors}</p>` : ''}
<form method="post" action="/dashboard/projects/new" class="card" novalidate>${formSecrets(v.csrf, v.actionId)}
${field({ name: 'name', label: t.projectName, error: v.errors.name, control: (a) => html`<input type="text" ${a} value="${f.name}" maxlength="100" required>` })}
${field({ name: 'redirect_uris', label: t.redirectUris, hint: t.redirectUrisHelp, error: v.errors.redirect_uris, control: (a) => html`<textarea ${a} rows="3" spellcheck="false">${f.redirect_uris}</textarea>` })}
${field({
  name: 'default_locale',
  label: t.defaultLocale,
  error: v.errors.default_locale,
  control: (a) => html`<select ${a}>${languageOptions(f.default_locale, t)}</select>`,
})}
${field({ name: 'time_zone', label: t.timeZone, hint: t.timeZoneHelp, error: v.errors.time_zone, control: (a) => html`<select ${a}>${timeZoneOptions(f.time_zone, t)}</select>` })}
<button type="submit" class="button">${t.createProject}</button>
</form>`,
  );
}
