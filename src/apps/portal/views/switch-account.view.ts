import type { AccountHolder } from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export interface SwitchAccountView {
  chrome: Chrome;
  incoming: AccountHolder;
  current: AccountHolder;
  /** What the confirming POST carries: the link's token and redirect_uri, and the CSRF token of the open session. */
  form: { session: string; redirectUri: string | undefined; flow: string | undefined; csrf: string };
}

/** "Ana (ana@example.com, id u1)": everything known, so a person can tell two accounts apart. */
function who(holder: AccountHolder): string {
  const extra = [holder.email, `id ${holder.external_id}`].filter(Boolean).join(', ');
  return holder.name ? `${holder.name} (${extra})` : extra;
}

/**
 * Shown instead of exchanging a portal link when this browser already has a live session
 * for someone else: continuing is a deliberate POST, never a click on a link alone.
 */
export function switchAccountPage(v: SwitchAccountView): SafeHtml {
  const { t } = v.chrome;
  return layout(
    v.chrome,
    t.switchTitle,
    html`<h1>${t.switchTitle}</h1>
<section class="card" aria-labelledby="switch-explain">
<p class="lead" id="switch-explain">${t.switchExplain}</p>
<dl class="summary">
<dt>${t.switchIncoming}</dt><dd id="switch-incoming">${t.switchAt(who(v.incoming), v.incoming.project_name)}</dd>
<dt>${t.switchCurrent}</dt><dd id="switch-current">${t.switchAt(who(v.current), v.current.project_name)}</dd>
</dl>
<div class="actions">
<a class="button" href="/portal">${t.switchStay}</a>
<form method="post" action="/portal/switch">
<input type="hidden" name="csrf" value="${v.form.csrf}">
<input type="hidden" name="session" value="${v.form.session}">
${v.form.redirectUri !== undefined ? html`<input type="hidden" name="redirect_uri" value="${v.form.redirectUri}">` : ''}
${v.form.flow !== undefined ? html`<input type="hidden" name="flow" value="${v.form.flow}">` : ''}
<button class="button secondary" type="submit">${t.switchContinue}</button>
</form>
</div>
</section>`,
  );
}
