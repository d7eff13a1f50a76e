import type { Plan, Subscription } from '../../../db/types.ts';
import { formatDate } from '../../../web/format.ts';
import { CANCEL_REASONS } from '../portal.schemas.ts';
import { formSecrets } from '../../../web/components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export interface CancelView {
  chrome: Chrome;
  now: Date;
  subscription: Subscription;
  plan: Plan;
  csrf: string;
  actionId: string;
}

/** Cancellation with a confirmation step and an optional reason (reported to the integrator). */
export function cancelPage(v: CancelView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  const end = v.subscription.current_period_end;
  const atPeriodEnd = v.plan.price > 0 && end !== null && end > v.now;
  const reasons = CANCEL_REASONS.map(
    (code) => html`<div class="choice"><input type="radio" name="reason" id="reason-${code}" value="${code}"><label for="reason-${code}">${t.reasons[code] ?? code}</label></div>`,
  );
  return layout(
    v.chrome,
    t.cancelTitle,
    html`<h1>${t.cancelTitle}</h1>
<section class="card" aria-labelledby="cancel-what">
<h2 id="cancel-what">${v.plan.name}</h2>
<p class="lead">${atPeriodEnd ? t.cancelAtPeriodEnd(v.plan.name, formatDate(end!, locale, tz)) : t.cancelNow(v.plan.name)}</p>
<form method="post" action="/portal/cancel">
${formSecrets(v.csrf, v.actionId)}
<fieldset><legend>${t.reasonLegend}</legend>
${reasons}
</fieldset>
<label for="cancel-comment">${t.commentLabel}</label>
<textarea id="cancel-comment" name="comment" maxlength="500" rows="4"></textarea>
<div class="actions">
<button type="submit" class="button danger">${t.confirmCancel}</button>
<a class="button secondary" href="/portal">${t.keepSubscription}</a>
</div>
</form>
</section>`,
  );
}
