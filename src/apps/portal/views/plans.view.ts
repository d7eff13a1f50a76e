import type { Plan } from '../../../db/types.ts';
import type { PlanChangeQuote } from '../../../modules/subscriptions/plan-change.ts';
import { formatDate, formatMoney } from '../../../web/format.ts';
import type { Messages } from '../i18n/messages.ts';
import { canContinue, planDirection, type AccountState, type Direction } from '../portal.service.ts';
import { badge, formSecrets, money } from '../../../web/components.ts';
import { price } from './components.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export interface PlansView {
  chrome: Chrome;
  now: Date;
  account: AccountState;
  csrf: string;
  actionId: () => string;
}

export function plansPage(v: PlansView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  const { current, scheduled, subscription } = v.account;
  const cards = v.account.offered.map((plan) => {
    const isCurrent = current?.id === plan.id;
    const isScheduled = scheduled?.id === plan.id && subscription?.current_period_end;
    const direction = planDirection(current, plan);
    let action: SafeHtml;
    if (isCurrent) action = html``;
    else if (isScheduled) action = html`<p>${badge('info', 'calendar', t.startsOn(formatDate(subscription!.current_period_end!, locale, tz)))}</p>`;
    else if (subscription?.cancel_at_period_end && (direction === 'downgrade' || direction === 'switch')) {
      // Only a paid upgrade goes ahead while a cancellation is scheduled (it supersedes it);
      // anything else would describe a renewal that will not happen: say why, and how to unblock.
      action = html`<p class="muted">${t.resumeToChange}</p>
<form method="post" action="/portal/resume">${formSecrets(v.csrf, v.actionId())}<button type="submit" class="button secondary">${t.resumeSubscription}</button></form>`;
    } else {
      const cls = direction === 'downgrade' ? 'button secondary' : 'button';
      action = html`<a class="${cls}" href="/portal/plans/${encodeURIComponent(plan.id)}">${directionLabel(t, direction, plan.name)}</a>`;
    }
    const features = plan.features.length
      ? html`<ul aria-label="${t.featuresOf(plan.name)}">${plan.features.map((f) => html`<li>${f}</li>`)}</ul>`
      : '';
    return html`<li class="plan${isCurrent ? ' current' : ''}">
<h2>${plan.name}</h2>
${isCurrent ? html`<p class="tag">${badge('ok', 'check', t.currentBadge)}</p>` : ''}
<p class="price">${price(plan.price, plan.currency, plan.interval, locale, t)}</p>
${plan.description ? html`<p class="muted">${plan.description}</p>` : ''}
${features}
<div class="actions">${action}</div>
</li>`;
  });
  return layout(
    v.chrome,
    t.plansTitle,
    html`<h1>${t.plansTitle}</h1>
<p class="muted">${t.plansIntro}</p>
${openPaymentNote(v)}
${cards.length ? html`<ul class="plans">${cards}</ul>` : html`<p>${t.noPlansOffered}</p>`}`,
  );
}

function openPaymentNote(v: PlansView): SafeHtml | '' {
  const { t, locale } = v.chrome;
  const open = v.account.openPayment;
  const plan = open ? v.account.plansById.get(open.plan_id) : undefined;
  if (!open || !plan) return '';
  return html`<div class="note"><p>${t.pendingPaymentNote(formatMoney(open.amount, open.currency, locale), plan.name)}</p>
${canContinue(open, v.now) ? html`<p><a class="button small" href="/portal/payments/${encodeURIComponent(open.id)}">${t.continuePayment}</a></p>` : ''}</div>`;
}

export function directionLabel(t: Messages, direction: Direction, plan: string): string {
  switch (direction) {
    case 'upgrade':
      return t.upgradeTo(plan);
    case 'downgrade':
      return t.downgradeTo(plan);
    case 'switch':
      return t.switchTo(plan);
    case 'choose':
      return t.chooseThePlan(plan);
  }
}

function confirmTitle(t: Messages, direction: Direction, plan: string): string {
  switch (direction) {
    case 'upgrade':
      return t.confirmUpgradeTitle(plan);
    case 'downgrade':
      return t.confirmDowngradeTitle(plan);
    case 'switch':
      return t.confirmSwitchTitle(plan);
    case 'choose':
      return t.confirmStartTitle(plan);
  }
}

export interface ConfirmView {
  chrome: Chrome;
  now: Date;
  account: AccountState;
  quote: PlanChangeQuote;
  target: Plan;
  csrf: string;
  actionId: string;
}

/**
 * The honest preview: exactly what is charged now (the prorated amount, line by line,
 * mid-period) and when the change takes effect — from the same quote the change uses.
 */
export function confirmPage(v: ConfirmView): SafeHtml {
  const { t, locale, timeZone: tz } = v.chrome;
  const { quote, target } = v;
  const { current, subscription: sub, openPayment } = v.account;
  const direction = planDirection(current, target);
  const title = confirmTitle(t, direction, target.name);
  const periodEnd = sub?.current_period_end ?? null;
  const d = (x: Date) => formatDate(x, locale, tz);
  const targetPrice = target.price === 0 ? t.free : t.perInterval(formatMoney(target.price, target.currency, locale), t.interval[target.interval] ?? target.interval);

  let effect: string;
  if (quote.effectiveAt === null) effect = t.effectAfterPayment;
  else if (quote.kind === 'scheduled_at_period_end') effect = t.effectOn(d(quote.effectiveAt));
  else effect = t.effectImmediately;

  let afterwards: string;
  if (target.price === 0) afterwards = t.free;
  else if (quote.kind === 'upgrade_prorated' && periodEnd) afterwards = t.thenRenews(targetPrice, d(periodEnd));
  else if (quote.kind === 'scheduled_at_period_end' && quote.effectiveAt) afterwards = t.thenRenews(targetPrice, d(quote.effectiveAt));
  else if (quote.kind === 'switch_now' && periodEnd && current) afterwards = t.thenRenews(targetPrice, d(periodEnd));
  else afterwards = t.thenFromPayment(targetPrice);

  // Whole days left in the paid period, as a person counts them (at least one).
  const unusedDays = periodEnd ? Math.max(1, Math.round((periodEnd.getTime() - v.now.getTime()) / 86_400_000)) : 0;
  const lines = quote.items.map((item) => {
    let label = item.name;
    if (item.id === 'proration-credit' && current) label = t.lineCredit(current.name, unusedDays);
    else if (quote.kind === 'upgrade_prorated' && periodEnd) label = t.lineRestOfPeriod(target.name, d(periodEnd));
    else label = t.lineFirstPeriod(target.name, t.interval[target.interval] ?? target.interval);
    return html`<tr><td>${label}</td><td class="num">${money(item.price * item.quantity, target.currency, locale)}</td></tr>`;
  });
  const itemsTable = lines.length
    ? html`<div class="table-wrap"><table>
<caption>${t.details}</caption>
<thead><tr><th scope="col">${t.item}</th><th scope="col" class="num">${t.amount}</th></tr></thead>
<tbody>${lines}</tbody>
<tfoot><tr><th scope="row">${t.total}</th><td class="num">${money(quote.amount, target.currency, locale)}</td></tr></tfoot>
</table></div>${quote.credit > 0 && current && periodEnd ? html`<p class="muted">${t.creditExplain(current.name, d(periodEnd))}</p>` : ''}`
    : '';

  // Situations where the change cannot go ahead from here: say so instead of offering a form.
  let blocked: SafeHtml | undefined;
  if (sub?.cancel_at_period_end && quote.amount === 0) {
    blocked = html`<div class="note warn"><p>${t.notAllowed.cancel_scheduled}</p></div>
<div class="actions"><a class="button secondary" href="/portal">${t.backToOverview}</a></div>`;
  } else if (openPayment && openPayment.plan_id !== target.id && openPayment.purpose === 'renewal' && sub?.status === 'past_due') {
    blocked = html`<div class="note warn"><p>${t.paymentInProgressExplain}</p></div>
<div class="actions">${canContinue(openPayment, v.now) ? html`<a class="button" href="/portal/payments/${encodeURIComponent(openPayment.id)}">${t.continuePayment}</a>` : ''}
<a class="button secondary" href="/portal/plans">${t.goBack}</a></div>`;
  } else if (openPayment && openPayment.plan_id !== target.id) {
    // Another change waits for payment: offer to replace it in one step, or to go and pay it.
    const openPlan = v.account.plansById.get(openPayment.plan_id);
    blocked = html`<div class="note warn"><p>${t.openPaymentExplain(openPlan?.name ?? '', formatMoney(openPayment.amount, openPayment.currency, locale))}</p></div>
<form method="post" action="/portal/plans/${encodeURIComponent(target.id)}" class="actions">
${formSecrets(v.csrf, v.actionId)}<input type="hidden" name="replace" value="${openPayment.id}">
<button type="submit" class="button">${t.replaceAndContinue}</button>
${canContinue(openPayment, v.now) ? html`<a class="button secondary" href="/portal/payments/${encodeURIComponent(openPayment.id)}">${t.continuePayment}</a>` : ''}
<a class="button secondary" href="/portal/plans">${t.goBack}</a>
</form>`;
  }

  let button: string;
  if (quote.amount > 0) button = t.payButton(formatMoney(quote.amount, target.currency, locale));
  else if (quote.kind === 'scheduled_at_period_end') button = t.confirmDowngradeButton(target.name);
  else button = t.confirmSwitchButton(target.name);

  const note =
    quote.kind === 'scheduled_at_period_end' && current && quote.effectiveAt
      ? html`<p>${t.downgradeNote(current.name, d(quote.effectiveAt))}</p>`
      : quote.amount > 0
        ? html`<p class="muted">${t.paymentNote}</p>`
        : '';

  return layout(
    v.chrome,
    title,
    html`<h1>${title}</h1>
<section class="card" aria-labelledby="summary-title">
<h2 id="summary-title">${t.summary}</h2>
<dl class="summary">
<dt>${t.chargedNow}</dt><dd>${quote.amount > 0 ? html`<span class="total">${money(quote.amount, target.currency, locale)}</span>` : t.nothingChargedNow}</dd>
<dt>${t.takesEffect}</dt><dd>${effect}</dd>
<dt>${t.afterwards}</dt><dd>${afterwards}</dd>
</dl>
${itemsTable}
${note}
${
  blocked ??
  html`<form method="post" action="/portal/plans/${encodeURIComponent(target.id)}" class="actions">
${formSecrets(v.csrf, v.actionId)}
<button type="submit" class="button">${button}</button>
<a class="button secondary" href="/portal/plans">${t.goBack}</a>
</form>`
}
</section>`,
  );
}
