/**
 * WCAG 2.x contrast arithmetic on hex colours, and the adjustment that keeps branded
 * colours readable: a colour failing its minimum ratio is mixed towards black or white,
 * in 1% steps, until it passes. The smallest change that passes is used, so branding is
 * kept as far as it can be.
 */

export type Rgb = readonly [number, number, number];

/** WCAG AA: normal text 4.5:1; large text and user-interface component boundaries 3:1. */
export const AA_TEXT = 4.5;
export const AA_NON_TEXT = 3;
/** What body text is lifted to when it has to be corrected at all (WCAG AAA). */
export const AAA_TEXT = 7;

const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

export function parseHex(hex: string): Rgb {
  if (!isHexColor(hex)) throw new Error(`not a hex colour: ${hex}`);
  const h = hex.length === 4 ? [...hex.slice(1)].map((c) => c + c).join('') : hex.slice(1);
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** Lower-case `#rrggbb`. */
export function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

export function normalizeHex(hex: string): string {
  return toHex(parseHex(hex));
}

/** Relative luminance (WCAG 2.x definition, sRGB). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as unknown as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `weight` 0 → a, 1 → b, mixed per sRGB channel. */
export function mix(a: string, b: string, weight: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex([0, 1, 2].map((i) => x[i]! + (y[i]! - x[i]!) * weight) as unknown as Rgb);
}

/** Black or white, whichever reads better on `background` (always ≥ 4.58:1). */
export function readableOn(background: string): string {
  return contrastRatio('#000000', background) >= contrastRatio('#ffffff', background) ? '#000000' : '#ffffff';
}

/**
 * `foreground` if it already reaches `min` against every background; otherwise the least
 * mix towards black or white that reaches `aim` (≥ min; a colour that had to be corrected
 * may as well be comfortably readable), or failing that `min`. The direction is whichever extreme reads better
 * on the backgrounds. Returns `undefined` when not even pure black or white passes on all
 * of them (backgrounds of very different lightness).
 */
export function ensureContrast(foreground: string, backgrounds: readonly string[], min: number, aim = min): string | undefined {
  const fg = normalizeHex(foreground);
  const reaches = (c: string, ratio: number) => backgrounds.every((bg) => contrastRatio(c, bg) >= ratio);
  if (reaches(fg, min)) return fg;
  const worst = (c: string) => Math.min(...backgrounds.map((bg) => contrastRatio(c, bg)));
  const target = worst('#000000') >= worst('#ffffff') ? '#000000' : '#ffffff';
  let passing: string | undefined;
  for (let step = 1; step <= 100; step++) {
    const candidate = mix(fg, target, step / 100);
    if (reaches(candidate, aim)) return candidate;
    passing ??= reaches(candidate, min) ? candidate : undefined;
  }
  return passing;
}

export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}
