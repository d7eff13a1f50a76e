import type { Locale, Plan } from '../../../db/types.ts';
import { badge, formSecrets } from '../../../web/components.ts';
import { formatMoney } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import type { Messages } from '../i18n/messages.ts';
import { field, layout, type Chrome } from './layout.ts';

function priceOf(p: Plan, t: Messages, locale: Locale): string {
  return p.price === 0 ? t.free : t.perInterval(formatMoney(p.price, p.currency, locale), p.interval);
}

export function plansPage(chrome: Chrome, v: { projectId: string; plans: Plan[]; subscribers: Map<string, number>; canEdit: boolean; csrf: string; actionId: () => string }): SafeHtml {
  const { t, locale } = chrome;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/plans`;
  const live = v.plans.filter((p) => !p.archived_at);
  const button = (planId: string, action: string, label: string, aria: string) =>
    html`<form method="post" action="${base}/${encodeURIComponent(planId)}/${action}">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary small" aria-label="${aria}">${label}</button></form>`;
  const rows = v.plans.map((p) => {
    const index = live.indexOf(p);
    const badges = [p.is_default ? badge('info', 'check', t.defaultBadge) : '', p.archived_at ? badge('neutral', 'pause', t.archivedBadge) : ''];
    const actions = v.canEdit
      ? html`<div class="actions">
<a class="button secondary small" href="${base}/${encodeURIComponent(p.id)}" aria-label="${t.editPlan}: ${p.name}">${t.editPlan}</a>
${p.archived_at ? button(p.id, 'unarchive', t.unarchive, `${t.unarchive}: ${p.name}`) : button(p.id, 'archive', t.archive, `${t.archive}: ${p.name}`)}
${!p.archived_at && !p.is_default && p.price === 0 ? button(p.id, 'default', t.makeDefault, `${t.makeDefault}: ${p.name}`) : ''}
${index > 0 ? button(p.id, 'up', t.moveUp, `${t.moveUp}: ${p.name}`) : ''}
${index >= 0 && index < live.length - 1 ? button(p.id, 'down', t.moveDown, `${t.moveDown}: ${p.name}`) : ''}
</div>`
      : '';
    return html`<tr><th scope="row">${p.name}<br><code class="muted">${p.code}</code></th>
<td class="num" data-label="${t.planPrice}">${priceOf(p, t, locale)}</td><td class="num" data-label="${t.subscribers}">${String(v.subscribers.get(p.id) ?? 0)}</td><td data-label="${t.status}">${p.is_default || p.archived_at ? html`<span class="badges">${badges}</span>` : ''}</td>${v.canEdit ? html`<td data-label="${t.editPlan}">${actions}</td>` : ''}</tr>`;
  });
  return layout(
    chrome,
    t.plansTitle,
    html`<h1>${t.plansTitle}</h1>
<p class="lead">${t.plansLead}</p>
${v.canEdit ? html`<p><a class="button" href="${base}/new">${t.newPlan}</a></p>` : html`<p class="note">${t.readOnly}</p>`}
<section class="card">
${v.plans.length
  ? html`<div class="table-wrap" role="region" aria-label="${t.plansTitle}" tabindex="0"><table class="records">
<thead><tr><th scope="col">${t.planName}</th><th scope="col" class="num">${t.planPrice}</th><th scope="col" class="num">${t.subscribers}</th><th scope="col"><span class="visually-hidden">${t.status}</span></th>${v.canEdit ? html`<th scope="col"><span class="visually-hidden">${t.editPlan}</span></th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table></div>`
  : html`<p>${t.noPlans}</p>`}
</section>`,
  );
}

export interface PlanForm {
  code: string;
  name: string;
  price: string;
  interval: string;
  description: string;
  features: string;
  id_name: string;
  id_description: string;
  id_features: string;
  is_default: boolean;
}

/** New plan (every field) or an existing one (what may change; the rest shown as facts). */
export function planFormPage(
  chrome: Chrome,
  v: { projectId: string; plan?: Plan; form: PlanForm; errors: Record<string, string>; csrf: string; actionId: string },
): SafeHtml {
  const { t, locale } = chrome;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/plans`;
  const f = v.form;
  const title = v.plan ? v.plan.name : t.newPlan;
  const action = v.plan ? `${base}/${encodeURIComponent(v.plan.id)}` : `${base}/new`;
  return layout(
    chrome,
    title,
    html`<p class="crumbs"><a href="${base}">${t.plansTitle}</a></p>
<h1>${title}</h1>
${Object.keys(v.errors).length ? html`<p class="error-text" role="alert">${t.fixErrors}</p>` : ''}
<form method="post" action="${action}" class="card" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="action_id" value="${v.actionId}">
${v.plan
  ? html`<dl class="summary"><dt>${t.planCode}</dt><dd><code>${v.plan.code}</code></dd><dt>${t.planPrice}</dt><dd>${priceOf(v.plan, t, locale)}</dd></dl><p class="note">${t.immutableNote}</p>`
  : html`${field({ name: 'code', label: t.planCode, hint: t.planCodeHelp, error: v.errors.code, control: (a) => html`<input type="text" ${a} value="${f.code}" maxlength="40" required autocomplete="off" spellcheck="false">` })}
${field({ name: 'price', label: t.planPrice, hint: t.planPriceHelp, error: v.errors.price, control: (a) => html`<input type="number" ${a} value="${f.price}" min="0" step="1" required>` })}
${field({
  name: 'interval',
  label: t.planInterval,
  error: v.errors.interval,
  control: (a) => html`<select ${a}>${(['month', 'year'] as const).map((i) => html`<option value="${i}"${f.interval === i ? html` selected` : ''}>${t.intervals[i]}</option>`)}</select>`,
})}`}
${field({ name: 'name', label: t.planName, error: v.errors.name, control: (a) => html`<input type="text" ${a} value="${f.name}" maxlength="60" required>` })}
${field({ name: 'description', label: t.planDescription, error: v.errors.description, control: (a) => html`<textarea ${a} rows="2" maxlength="500">${f.description}</textarea>` })}
${field({ name: 'features', label: t.planFeatures, hint: t.planFeaturesHelp, error: v.errors.features, control: (a) => html`<textarea ${a} rows="5">${f.features}</textarea>` })}
<fieldset><legend>${t.planTranslation}</legend><p class="hint">${t.planTranslationHelp}</p>
${field({ name: 'id_name', label: t.planNameId, error: v.errors['translations.id.name'], control: (a) => html`<input type="text" ${a} value="${f.id_name}" maxlength="60" lang="id">` })}
${field({ name: 'id_description', label: t.planDescriptionId, error: v.errors['translations.id.description'], control: (a) => html`<textarea ${a} rows="2" maxlength="500" lang="id">${f.id_description}</textarea>` })}
${field({ name: 'id_features', label: t.planFeaturesId, hint: t.planFeaturesHelp, error: v.errors['translations.id.features'], control: (a) => html`<textarea ${a} rows="5" lang="id">${f.id_features}</textarea>` })}
</fieldset>
${v.plan ? '' : html`<div class="field"><div class="choice"><input type="checkbox" id="is_default" name="is_default" value="on"${f.is_default ? html` checked` : ''}><label for="is_default">${t.planDefault}</label></div>${v.errors.is_default ? html`<span class="field-error">${v.errors.is_default}</span>` : ''}</div>`}
<button type="submit" class="button">${v.plan ? t.save : t.createPlan}</button>
</form>`,
  );
}
