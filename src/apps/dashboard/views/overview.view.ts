import type { Locale, Project, Role } from '../../../db/types.ts';
import type { BusinessOverview } from '../../../modules/insights/business-overview.ts';
import { barChart, type Bar, type BarChartOptions } from '../../../web/bar-chart.ts';
import { dateFormat, formatMoney, zoneName } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

/**
 * A project's overview: the business at a glance (figures, then MRR by month and payments
 * by day as SVG bar charts, each with its numbers as a table), then the project's facts.
 * Each chart is drawn twice, for wide and for narrow screens (the stylesheet shows one), so
 * its text stays readable on a phone; the table is the accessible alternative of both.
 */
export function projectOverviewPage(chrome: Chrome, v: { project: Project; role: Role; overview: BusinessOverview; now: Date }): SafeHtml {
  const { t } = chrome;
  const p = v.project;
  return layout(
    chrome,
    p.name,
    html`<h1>${p.name}</h1>
<p class="muted">${t.yourRole(t.roles[v.role])} — ${t.roleHelp[v.role]}</p>
${glance(chrome, v.overview, p, v.now)}
<section class="card" aria-labelledby="facts">
<h2 id="facts">${t.overview.projectFacts}</h2>
<dl class="summary">
<dt>${t.clientId}</dt><dd><code>${p.client_id}</code></dd>
<dt>${t.defaultLocale}</dt><dd>${t.languageName[p.default_locale]}</dd>
<dt>${t.timeZone}</dt><dd>${p.time_zone}</dd>
<dt>${t.gracePeriod}</dt><dd>${String(p.grace_period_days)}</dd>
<dt>${t.redirectUris}</dt><dd>${p.redirect_uris.length ? html`<ul>${p.redirect_uris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : t.none}</dd>
</dl>
</section>`,
  );
}

function glance(chrome: Chrome, o: BusinessOverview, p: Project, now: Date): SafeHtml {
  const { t, locale } = chrome;
  const m = t.overview;
  const money = (n: number) => formatMoney(n, p.currency, locale);
  const empty = o.mrr === 0 && o.activePaying === 0 && o.pastDue === 0 && o.days.every((d) => d.payments === 0 && d.refunded === 0);
  const stat = (label: string, value: string, hint: string) => html`<div class="stat"><dt>${label}</dt><dd><span class="stat-value">${value}</span><span class="stat-hint">${hint}</span></dd></div>`;
  return html`<section aria-labelledby="glance">
<h2 id="glance">${m.title}</h2>
<p class="muted">${m.lead(`${zoneName(now, p.time_zone)} (${p.time_zone})`)}</p>
${empty ? html`<p class="note">${m.empty}</p>` : ''}
<dl class="stats">
${stat(m.mrr, money(o.mrr), m.mrrHelp)}
${stat(m.activePaying, count(o.activePaying, locale), m.activePayingHelp)}
${stat(m.pastDue, count(o.pastDue, locale), m.pastDueHelp)}
${stat(m.newThisMonth, count(o.newThisMonth, locale), m.newThisMonthHelp)}
${stat(m.churnedThisMonth, count(o.churnedThisMonth, locale), m.churnedThisMonthHelp)}
${stat(m.collected, money(o.collected30Days), m.collectedHelp)}
${stat(m.attention, count(o.refundsOwed.count, locale), o.refundsOwed.count ? m.attentionHelp(money(o.refundsOwed.amount)) : m.attentionNone)}
</dl>
<div class="charts">
${mrrFigure(chrome, o, money)}
${paymentsFigure(chrome, o, money)}
</div>
</section>`;
}

function mrrFigure(chrome: Chrome, o: BusinessOverview, money: (n: number) => string): SafeHtml {
  const { t, locale } = chrome;
  const m = t.overview;
  const months = o.mrrByMonth.map((row) => ({ ...row, ...monthNames(row.month, locale) }));
  const highest = months.reduce((best, row) => (row.mrr > best.mrr ? row : best), months[0]!);
  const summary = m.mrrSummary(money(months[0]!.mrr), months[0]!.long, money(o.mrr), money(highest.mrr), highest.long);
  const bars = (narrow: boolean): Bar[] =>
    // Narrow: every other month, counted back from this one; the year under the first of each year shown.
    withLabels(months, (i) => !narrow || (months.length - 1 - i) % 2 === 0, (row) => row.month.slice(0, 4)).map(({ item: row, labelled, group }) => ({
      value: row.mrr,
      title: `${row.long}: ${money(row.mrr)}`,
      ...(labelled && { label: row.short }),
      ...(group && { sublabel: group }),
    }));
  const options = { summary, formatTick: (n: number) => compact(n, locale), emptyText: m.mrrChartEmpty };
  return html`<figure class="card chart-figure" aria-labelledby="mrr-chart">
<figcaption id="mrr-chart"><span class="chart-title">${m.mrrChart} (${currencyLabel(locale)})</span> <span class="chart-note">${m.mrrChartNote}</span></figcaption>
${charts(bars, options)}
<details><summary>${m.showTable}</summary>
<div class="table-wrap"><table class="records"><caption class="visually-hidden">${m.mrrChart}</caption>
<thead><tr><th scope="col">${m.month}</th><th scope="col" class="num">MRR</th><th scope="col" class="num">${m.payingCustomers}</th></tr></thead>
<tbody>${months.map((row) => html`<tr><th scope="row" data-label="${m.month}">${row.long}</th><td class="num" data-label="MRR">${money(row.mrr)}</td><td class="num" data-label="${m.payingCustomers}">${count(row.paying, locale)}</td></tr>`)}</tbody>
</table></div>
</details>
</figure>`;
}

function paymentsFigure(chrome: Chrome, o: BusinessOverview, money: (n: number) => string): SafeHtml {
  const { t, locale } = chrome;
  const m = t.overview;
  const days = o.days.map((d) => ({ ...d, ...dayNames(d.day, locale) }));
  const total = days.reduce((sum, d) => sum + d.payments, 0);
  const busiest = days.reduce((best, d) => (d.payments > best.payments ? d : best), days[0]!);
  const summary = m.paymentsSummary(total, busiest.long, busiest.payments);
  const bars = (narrow: boolean): Bar[] =>
    // Counted back from today: every 5th day wide, every 7th narrow; the month under the first of each month shown.
    withLabels(days, (i) => (days.length - 1 - i) % (narrow ? 7 : 5) === 0, (d) => d.monthShort).map(({ item: d, labelled, group }) => ({
      value: d.payments,
      title: `${d.long}: ${count(d.payments, locale)} · ${money(d.collected)}`,
      ...(labelled && { label: d.dayOfMonth }),
      ...(group && { sublabel: group }),
    }));
  const options = { summary, formatTick: (n: number) => count(n, locale), integers: true, emptyText: m.paymentsChartEmpty };
  const collected = days.reduce((sum, d) => sum + d.collected, 0);
  const refunded = days.reduce((sum, d) => sum + d.refunded, 0);
  return html`<figure class="card chart-figure" aria-labelledby="payments-chart">
<figcaption id="payments-chart"><span class="chart-title">${m.paymentsChart}</span> <span class="chart-note">${m.paymentsChartNote}</span></figcaption>
${charts(bars, options)}
<details><summary>${m.showTable}</summary>
<div class="table-wrap"><table class="records"><caption class="visually-hidden">${m.paymentsChart}</caption>
<thead><tr><th scope="col">${m.day}</th><th scope="col" class="num">${m.payments}</th><th scope="col" class="num">${m.collectedColumn}</th><th scope="col" class="num">${m.refunded}</th></tr></thead>
<tbody>${days.map(
    (d) => html`<tr><th scope="row" data-label="${m.day}">${d.long}</th><td class="num" data-label="${m.payments}">${count(d.payments, locale)}</td><td class="num" data-label="${m.collectedColumn}">${money(d.collected)}</td><td class="num" data-label="${m.refunded}">${money(d.refunded)}</td></tr>`,
  )}</tbody>
<tfoot><tr><th scope="row" data-label="${m.day}">${m.total}</th><td class="num" data-label="${m.payments}">${count(total, locale)}</td><td class="num" data-label="${m.collectedColumn}">${money(collected - refunded)}</td><td class="num" data-label="${m.refunded}">${money(refunded)}</td></tr></tfoot>
</table></div>
</details>
</figure>`;
}

/**
 * Which bars carry a label, and which also name their group (year, month) underneath: the
 * first labelled bar of each group, so "Jan / 2026" is said once, not under every month.
 */
function withLabels<T>(items: T[], labelled: (i: number) => boolean, groupOf: (item: T) => string): Array<{ item: T; labelled: boolean; group?: string }> {
  let lastGroup: string | undefined;
  return items.map((item, i) => {
    if (!labelled(i)) return { item, labelled: false };
    const group = groupOf(item);
    const first = group !== lastGroup;
    lastGroup = group;
    return first ? { item, labelled: true, group } : { item, labelled: true };
  });
}

/** The chart for wide screens and the one for phones (the stylesheet shows one of them). */
function charts(bars: (narrow: boolean) => Bar[], o: Pick<BarChartOptions, 'summary' | 'formatTick' | 'integers' | 'emptyText'>): SafeHtml {
  return html`${barChart(bars(false), { ...o, width: 960, height: 300, fontSize: 16, className: 'chart-wide' })}
${barChart(bars(true), { ...o, width: 320, height: 230, fontSize: 14, className: 'chart-narrow' })}`;
}

const numbers: Record<Locale, Intl.NumberFormat> = { en: new Intl.NumberFormat('en-US'), id: new Intl.NumberFormat('id-ID') };
const compacts: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }),
  id: new Intl.NumberFormat('id-ID', { notation: 'compact', maximumFractionDigits: 1 }),
};

function count(n: number, locale: Locale): string {
  return numbers[locale].format(n);
}

/** An axis tick in few characters: 1.5M / 1,5 jt. */
function compact(n: number, locale: Locale): string {
  return compacts[locale].format(n);
}

function currencyLabel(locale: Locale): string {
  return locale === 'id' ? 'Rp' : 'IDR';
}

/** `2026-03` → Mar / March 2026 (Maret 2026). Calendar labels: read in UTC, never shifted. */
function monthNames(month: string, locale: Locale): { short: string; long: string } {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const at = new Date(Date.UTC(y, mo - 1, 15));
  return {
    short: dateFormat(locale, { month: 'short', timeZone: 'UTC' }).format(at),
    long: dateFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(at),
  };
}

/** `2026-03-05` → 5, Mar, 5 March 2026 (5 Maret 2026). */
function dayNames(day: string, locale: Locale): { dayOfMonth: string; monthShort: string; long: string } {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, 12));
  return {
    dayOfMonth: String(d),
    monthShort: dateFormat(locale, { month: 'short', timeZone: 'UTC' }).format(at),
    long: dateFormat(locale, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(at),
  };
}
