import type { ThemeAdjustment, ThemeMode } from '../../../theme/resolve.ts';
import { DEFAULT_PALETTES } from '../../../theme/resolve.ts';
import { formatRatio } from '../../../theme/contrast.ts';
import { COLOR_KEYS } from '../../../theme/schema.ts';
import { HOSTED_FONTS } from '../../../theme/fonts.ts';
import { formSecrets, notice } from '../../../web/components.ts';
import { html, trustedHtml, type SafeHtml } from '../../../web/html.ts';
import { CUSTOM_FONT, FONT_STACK_KEYS, PALETTE_FIELDS, type BrandingForm } from '../http/branding-form.ts';
import type { Messages } from '../i18n/messages.ts';
import { field, layout, type Chrome } from './layout.ts';

export const PREVIEW_WIDTHS = ['desktop', 'phone'] as const;
export type PreviewWidth = (typeof PREVIEW_WIDTHS)[number];

export interface BrandingView {
  projectId: string;
  form: BrandingForm;
  errors: Record<string, string>;
  adjustments: ThemeAdjustment[];
  hasDraft: boolean;
  editable: boolean;
  csrf: string;
  actionId: () => string;
  done: string | undefined;
  logoError: string | undefined;
  preview: { page: string; mode: ThemeMode; width: PreviewWidth };
}

/** One sentence per contrast adjustment, naming the pair, the ratio and what the portal shows. */
export function contrastSentences(t: Messages, adjustments: ThemeAdjustment[]): string[] {
  const b = t.branding;
  const modeName = (m: ThemeMode) => (m === 'dark' ? b.darkPalette : b.lightPalette);
  const color = (key: keyof typeof b.colorNames, hex: string) => `${b.colorNames[key]} ${hex}`;
  return adjustments.map((a) =>
    a.key === 'surface'
      ? b.contrastSurface(modeName(a.mode), color('surface', a.configured), color('background', a.background), a.used)
      : b.contrastIssue(modeName(a.mode), color(a.key, a.configured), b.roles[a.role] ?? a.role, color(a.backgroundKey, a.background), formatRatio(a.ratio), `${a.required}:1`, a.used),
  );
}

export function contrastList(t: Messages, adjustments: ThemeAdjustment[]): SafeHtml {
  const sentences = contrastSentences(t, adjustments);
  return sentences.length
    ? html`<p>${t.branding.contrastLead}</p><ul>${sentences.map((s) => html`<li>${s}</li>`)}</ul>`
    : html`<p>${t.branding.contrastOk}</p>`;
}

function colorField(t: Messages, v: BrandingView, mode: ThemeMode, prefix: string, key: (typeof COLOR_KEYS)[number], disabled: SafeHtml | ''): SafeHtml {
  const name = `${prefix}_${key}`;
  const value = v.form.colors[mode][key];
  const label = t.branding.colorNames[key];
  const fallback = DEFAULT_PALETTES[mode][key];
  const pickerValue = /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : fallback;
  return field({
    name,
    label,
    error: v.errors[name],
    control: (a) => html`<span class="color-row"><input type="color" name="${name}_pick" value="${pickerValue}" aria-label="${t.branding.picker(label)}" data-color-for="${name}"${disabled}>
<input type="text" ${a} value="${value}" placeholder="${fallback}" maxlength="7" spellcheck="false" autocomplete="off" inputmode="text" pattern="#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?"${disabled}></span>`,
  });
}

export function brandingPage(chrome: Chrome, v: BrandingView): SafeHtml {
  const { t } = chrome;
  const b = t.branding;
  const base = `/dashboard/projects/${encodeURIComponent(v.projectId)}/branding`;
  const disabled = v.editable ? '' : html` disabled`;
  const f = v.form;
  const notices: Record<string, string> = {
    published: b.publishedNotice,
    saved: b.savedNotice,
    discarded: b.discardedNotice,
    reset: b.resetNotice,
    logo: b.logoUploadedNotice,
    logo_removed: b.logoRemovedNotice,
    nothing: b.nothingToPublish,
  };
  const hasErrors = Object.keys(v.errors).length > 0;
  const checked = (yes: boolean) => (yes ? trustedHtml(' checked') : '');
  const selected = (yes: boolean) => (yes ? trustedHtml(' selected') : '');

  const palettes = PALETTE_FIELDS.map(
    ({ mode, prefix }) => html`<fieldset>
<legend>${mode === 'dark' ? b.darkPalette : b.lightPalette}</legend>
<p class="hint">${mode === 'dark' ? b.darkPaletteHelp : b.colorHelp}</p>
<div class="color-grid">${COLOR_KEYS.map((key) => colorField(t, v, mode, prefix, key, disabled))}</div>
</fieldset>`,
  );

  const fontOptions = html`<optgroup label="${b.fontHosted}">${Object.entries(HOSTED_FONTS).map(
    ([key, font]) => html`<option value="${key}"${selected(f.font === key)}>${font.family}</option>`,
  )}</optgroup>
<optgroup label="${b.fontSystem}">${FONT_STACK_KEYS.map((key) => html`<option value="${key}"${selected(f.font === key)}>${b.fontStacks[key] ?? key}</option>`)}</optgroup>
<option value="${CUSTOM_FONT}"${selected(f.font === CUSTOM_FONT)}>${b.fontCustom}</option>`;

  const editor = html`<form method="post" action="${base}" class="card branding-form" id="branding-form" novalidate>
${formSecrets(v.csrf, v.actionId())}
<fieldset><legend>${b.appearance}</legend>
${(['light', 'dark', 'system'] as const).map(
  (a) => html`<div class="choice"><input type="radio" id="appearance-${a}" name="appearance" value="${a}"${checked(f.appearance === a)}${disabled}><label for="appearance-${a}">${
    a === 'light' ? b.appearanceLight : a === 'dark' ? b.appearanceDark : b.appearanceSystem
  }</label></div>`,
)}
${v.errors.appearance ? html`<span class="field-error">${v.errors.appearance}</span>` : ''}
</fieldset>
${palettes}
${field({ name: 'font', label: b.font, error: v.errors.font, control: (a) => html`<select ${a}${disabled}>${fontOptions}</select>` })}
${field({
  name: 'font_custom',
  label: b.fontCustomName,
  hint: b.fontCustomHelp,
  error: v.errors.font_custom,
  control: (a) => html`<input type="text" ${a} value="${f.font_custom}" maxlength="40"${disabled}>`,
})}
${field({
  name: 'border_radius',
  label: b.radius,
  hint: b.radiusHelp,
  error: v.errors.border_radius,
  control: (a) => html`<input type="number" ${a} min="0" max="32" step="1" value="${f.border_radius}" placeholder="8"${disabled}>`,
})}
${v.editable
  ? html`<div class="actions">
<button type="submit" class="button secondary" name="intent" value="preview">${b.preview}</button>
<button type="submit" class="button" name="intent" value="publish">${b.publish}</button>
<button type="submit" class="button secondary" name="intent" value="discard"${v.hasDraft ? '' : trustedHtml(' disabled')}>${b.discard}</button>
<button type="submit" class="button secondary" name="intent" value="reset">${b.reset}</button>
</div>
<p class="hint">${b.previewHelp}</p>`
  : ''}
</form>`;

  const logo = html`<section class="card" aria-labelledby="logo-title">
<h2 id="logo-title">${b.logo}</h2>
${f.logo
  ? html`<p>${b.logoCurrent}:</p><p class="logo-box"><img src="/logos/${f.logo}" alt="${b.logoCurrent}"></p>`
  : html`<p class="muted">${b.logoNone}</p>`}
${v.logoError ? html`<p class="field-error" role="alert" id="logo-error">${v.logoError}</p>` : ''}
${v.editable
  ? html`<form method="post" action="${base}/logo" enctype="multipart/form-data" class="inline-form">${formSecrets(v.csrf, v.actionId())}
<div class="field"><label for="logo">${b.logoFile}</label><span class="hint" id="logo-hint">${b.logoHelp}</span>
<input type="file" id="logo" name="logo" accept="image/png,image/jpeg,image/webp" required aria-describedby="logo-hint${v.logoError ? ' logo-error' : ''}"></div>
<button type="submit" class="button secondary">${b.uploadLogo}</button></form>
${f.logo
  ? html`<form method="post" action="${base}/logo/remove">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary small">${b.removeLogo}</button></form>`
  : ''}`
  : ''}
</section>`;

  const p = v.preview;
  const previewSrc = `${base}/preview?page=${encodeURIComponent(p.page)}&mode=${p.mode}`;
  const previewPanel = html`<section class="card preview-panel" aria-labelledby="preview-title">
<h2 id="preview-title">${b.previewTitle}</h2>
<form method="get" action="${base}" class="inline-form preview-controls" id="preview-controls">
<div class="field"><label for="preview-page">${b.previewPage}</label><select id="preview-page" name="page">${Object.entries(b.previewPages).map(
    ([key, label]) => html`<option value="${key}"${selected(p.page === key)}>${label}</option>`,
  )}</select></div>
<div class="field"><label for="preview-mode">${b.previewMode}</label><select id="preview-mode" name="mode">${(['light', 'dark'] as const).map(
    (m) => html`<option value="${m}"${selected(p.mode === m)}>${m === 'light' ? b.appearanceLight : b.appearanceDark}</option>`,
  )}</select></div>
<div class="field"><label for="preview-width">${b.previewWidth}</label><select id="preview-width" name="width">${PREVIEW_WIDTHS.map(
    (w) => html`<option value="${w}"${selected(p.width === w)}>${w === 'phone' ? b.widthPhone : b.widthDesktop}</option>`,
  )}</select></div>
<button type="submit" class="button secondary">${b.show}</button>
</form>
<div class="contrast" id="contrast" aria-live="polite" data-src="${base}/contrast"><h3>${b.contrastTitle}</h3>${contrastList(t, v.adjustments)}</div>
<div class="preview-stage ${p.width}"><iframe id="preview-frame" class="preview-frame" src="${previewSrc}" title="${b.previewFrame}" sandbox="allow-same-origin" data-base="${base}/preview" loading="eager"></iframe></div>
<p class="hint">${b.previewNote}</p>
</section>`;

  return layout(
    chrome,
    b.title,
    html`<h1>${b.title}</h1>
<p class="lead">${b.lead}</p>
${notice(v.done ? notices[v.done] : undefined)}
${v.hasDraft ? html`<p class="note warn">${b.draftNotice}</p>` : ''}
${hasErrors ? html`<p class="error-text" role="alert">${t.fixErrors}</p>` : ''}
${v.editable ? '' : html`<p class="note">${t.readOnly}</p>`}
<div class="branding">
<div class="branding-edit">${editor}${logo}</div>
<div class="branding-preview">${previewPanel}</div>
</div>`,
  );
}
