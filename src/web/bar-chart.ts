import { html, type SafeHtml } from './html.ts';

/**
 * A bar chart drawn on the server as SVG: no script, no inline style (colours come from the
 * stylesheet's `.chart-*` classes, sizes from presentation attributes, so the strict CSP
 * holds). It knows no domain: values are numbers, words come from the caller.
 *
 * The drawing is for the eye; the caller puts the same numbers in a table beside it (the
 * accessible alternative) and gives the SVG a one-sentence `summary` as its name. A zero
 * is drawn as a short stub on the baseline, so a day without data reads as zero, not gap; a
 * chart with nothing but zeros says so in the middle of its plot (`emptyText`), instead of
 * leaving a tall blank box.
 * The SVG scales to its box: callers draw one for wide and one for narrow screens, sized
 * so the text stays about `fontSize` pixels high on each.
 */
export interface Bar {
  value: number;
  /** Under the bar (omit to leave the slot empty: labels every few bars stay readable). */
  label?: string;
  /** A second line under the label (a year under a month). */
  sublabel?: string;
  /** Shown on hover: the bar's full reading. */
  title: string;
}

export interface BarChartOptions {
  width: number;
  height: number;
  fontSize: number;
  /** The SVG's accessible name: what the chart says, in one sentence. */
  summary: string;
  /** A value-axis tick as text (money compactly, counts as they are). */
  formatTick: (value: number) => string;
  /** Ticks only on whole numbers (counts). */
  integers?: boolean;
  /** Written across the plot when every value is zero: one string per line, short enough for the narrow chart. */
  emptyText?: readonly string[];
  className?: string;
}

const TICKS = 4;

/** A round step (1, 2, 2.5 or 5 × 10^n) so that TICKS steps reach `max`. */
export function niceStep(max: number, integers = false): number {
  if (max <= 0) return 1;
  const raw = max / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return integers ? Math.max(1, Math.ceil(step)) : step;
}

export function barChart(bars: readonly Bar[], o: BarChartOptions): SafeHtml {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const step = niceStep(max, o.integers);
  const top = max === 0 ? 0 : step * Math.ceil(max / step);
  const ticks = top === 0 ? [0] : Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const tickTexts = ticks.map(o.formatTick);
  const fs = o.fontSize;
  const hasSublabels = bars.some((b) => b.sublabel);
  const left = Math.ceil(Math.max(...tickTexts.map((t) => t.length)) * fs * 0.58) + fs * 0.6;
  const right = fs * 0.4;
  const topPad = fs * 0.7;
  const bottom = fs * (hasSublabels ? 2.7 : 1.6);
  const plotW = o.width - left - right;
  const plotH = o.height - topPad - bottom;
  const baseY = topPad + plotH;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, slot * (bars.length > 15 ? 0.7 : 0.62));
  const y = (v: number) => (top === 0 ? baseY : baseY - (v / top) * plotH);
  const r = (n: number) => Math.round(n * 10) / 10;

  const grid = ticks.map(
    (v, i) => html`<line class="chart-grid" x1="${r(left)}" x2="${r(o.width - right)}" y1="${r(y(v))}" y2="${r(y(v))}"/>
<text class="chart-tick" x="${r(left - fs * 0.4)}" y="${r(y(v) + fs * 0.35)}" font-size="${fs}" text-anchor="end">${tickTexts[i]!}</text>`,
  );
  const columns = bars.map((b, i) => {
    const cx = left + slot * i + slot / 2;
    const x = r(cx - barW / 2);
    const h = baseY - y(b.value);
    const shape =
      b.value > 0
        ? html`<rect class="chart-bar" x="${x}" y="${r(baseY - Math.max(h, 1))}" width="${r(barW)}" height="${r(Math.max(h, 1))}" rx="${r(Math.min(3, barW / 4))}"><title>${b.title}</title></rect>`
        : html`<rect class="chart-zero" x="${x}" y="${r(baseY - 2)}" width="${r(barW)}" height="2"><title>${b.title}</title></rect>`;
    const label = b.label
      ? html`<text class="chart-label" x="${r(cx)}" y="${r(baseY + fs * 1.25)}" font-size="${fs}" text-anchor="middle">${b.label}</text>`
      : '';
    const sublabel = b.sublabel
      ? html`<text class="chart-label" x="${r(cx)}" y="${r(baseY + fs * 2.4)}" font-size="${fs}" text-anchor="middle">${b.sublabel}</text>`
      : '';
    return html`${shape}${label}${sublabel}`;
  });
  const lines = max === 0 ? (o.emptyText ?? []) : [];
  const lineHeight = fs * 1.35;
  const firstY = topPad + plotH / 2 - ((lines.length - 1) * lineHeight) / 2 + fs * 0.35;
  const empty = lines.length
    ? html`<text class="chart-empty" x="${r(left + plotW / 2)}" y="${r(firstY)}" font-size="${fs}" text-anchor="middle">${lines.map(
        (line, i) => html`<tspan x="${r(left + plotW / 2)}" dy="${i === 0 ? 0 : r(lineHeight)}">${line}</tspan>`,
      )}</text>`
    : '';
  return html`<svg class="chart${o.className ? ` ${o.className}` : ''}" viewBox="0 0 ${o.width} ${o.height}" role="img" aria-label="${o.summary}" focusable="false">
${grid}
<line class="chart-axis" x1="${r(left)}" x2="${r(o.width - right)}" y1="${r(baseY)}" y2="${r(baseY)}"/>
${columns}
${empty}
</svg>`;
}
