import type { Project } from '../../../db/types.ts';
import { copyable, formSecrets } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

/** A secret or link shown once, selectable, with a Copy button that script reveals. */
export function shownOnce(id: string, value: string, t: { copy: string; copied: string }): SafeHtml {
  return html`<div>${copyable(id, value, t)}</div>`;
}

export function keysPage(chrome: Chrome, v: { project: Project; canRotate: boolean; csrf: string; actionId: string; newSecret?: string }): SafeHtml {
  const { t } = chrome;
  return layout(
    chrome,
    t.keysTitle,
    html`<h1>${t.keysTitle}</h1>
<p class="lead">${t.keysLead}</p>
${v.newSecret
  ? html`<section class="card" aria-labelledby="new-secret"><h2 id="new-secret">${t.newSecretTitle}</h2>
<p class="note warn" role="alert">${t.newSecretWarning}</p>
${shownOnce('client-secret', v.newSecret, t)}</section>`
  : ''}
<section class="card" aria-labelledby="credentials">
<h2 id="credentials">${t.keysTitle}</h2>
<dl class="summary">
<dt>${t.clientId}</dt><dd>${shownOnce('client-id', v.project.client_id, t)}</dd>
<dt>${t.clientSecret}</dt><dd class="muted">${t.secretHidden}</dd>
</dl>
</section>
${v.canRotate
  ? html`<section class="card" aria-labelledby="rotate">
<h2 id="rotate">${t.rotateSecret}</h2>
<p>${t.rotateHelp}</p>
<form method="post" action="/dashboard/projects/${encodeURIComponent(v.project.id)}/keys/rotate">${formSecrets(v.csrf, v.actionId)}
<button type="submit" class="button danger">${t.rotateSecret}</button></form>
</section>`
  : ''}`,
  );
}
