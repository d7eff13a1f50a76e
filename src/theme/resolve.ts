import type { ThemeConfig, ThemePalette } from '../db/types.ts';
import { fontStack, type ColorKey } from './schema.ts';
import { AA_NON_TEXT, AA_TEXT, AAA_TEXT, contrastRatio, ensureContrast, formatRatio, isHexColor, mix, normalizeHex, readableOn } from './contrast.ts';

/**
 * A project's theme_config → the CSS custom properties its pages use (css.ts turns them
 * into the <style> block). An app's stylesheet (e.g. the portal's static/portal.css) is
 * the same for every project and reads only these variables.
 *
 * Every value is re-validated here (hex colours, a font name from a tiny alphabet, an
 * integer radius) even though the admin API validated it: a row written by an older
 * version or by hand must still never put anything but a colour into CSS. Colours that
 * would fail WCAG AA are adjusted (see contrast.ts) and reported as `adjustments`.
 */

export type ThemeMode = 'light' | 'dark';
/** How a project's pages look: one mode, or the customer's system setting. */
export type Appearance = ThemeMode | 'system';

export const DEFAULT_PALETTES: Record<ThemeMode, Record<ColorKey, string>> = {
  light: { primary: '#4f46e5', background: '#f5f6fa', surface: '#ffffff', text: '#1c1d22', muted: '#555a66', danger: '#b42318' },
  dark: { primary: '#8b8cf8', background: '#0f1115', surface: '#181b22', text: '#e8eaf0', muted: '#a3a9b7', danger: '#f97066' },
};

/** Status badge colours (text on tint), fixed per mode; a unit test holds them to AA. */
export const BADGE_PALETTES: Record<ThemeMode, Record<'ok' | 'warn' | 'bad' | 'info' | 'neutral', { bg: string; fg: string }>> = {
  light: {
    ok: { bg: '#dcfce7', fg: '#14532d' },
    warn: { bg: '#fef3c7', fg: '#713f12' },
    bad: { bg: '#fee2e2', fg: '#7f1d1d' },
    info: { bg: '#dbeafe', fg: '#1e3a8a' },
    neutral: { bg: '#e5e7eb', fg: '#1f2937' },
  },
  dark: {
    ok: { bg: '#052e16', fg: '#86efac' },
    warn: { bg: '#422006', fg: '#fde68a' },
    bad: { bg: '#450a0a', fg: '#fca5a5' },
    info: { bg: '#172554', fg: '#bfdbfe' },
    neutral: { bg: '#27272a', fg: '#e4e4e7' },
  },
};

export interface ThemeAdjustment {
  /** Which palette: `colors` (light), `dark_colors`, or `colors` used for dark by an older theme. */
  palette: 'colors' | 'dark_colors';
  mode: ThemeMode;
  /** The theme_config colour that was changed (or the one whose background made it fail). */
  key: ColorKey;
  role: string;
  /** Whether `key` itself came from theme_config (else the mode's default did). */
  keyConfigured: boolean;
  configured: string;
  backgroundKey: ColorKey;
  backgroundConfigured: boolean;
  background: string;
  ratio: number;
  required: number;
  used: string;
}

export interface ResolvedTheme {
  mode: ThemeMode;
  vars: Record<string, string>;
  adjustments: ThemeAdjustment[];
}

const FONT_NAME = /^[A-Za-z0-9 -]{1,40}$/;

/** light, dark or system, from a stored theme (anything else is light). */
export function appearanceOf(theme: ThemeConfig | null | undefined): Appearance {
  return theme?.mode === 'dark' || theme?.mode === 'system' ? theme.mode : 'light';
}

/** The modes a theme shows: one, or both for `system`. */
export function modesOf(theme: ThemeConfig | null | undefined): ThemeMode[] {
  const appearance = appearanceOf(theme);
  return appearance === 'system' ? ['light', 'dark'] : [appearance];
}

/**
 * The configured palette for `mode`: `colors` for light; `dark_colors` for dark — or, in a
 * theme written before dark_colors existed (mode dark, no dark_colors), `colors`.
 */
function paletteFor(theme: ThemeConfig | null | undefined, mode: ThemeMode): { palette: 'colors' | 'dark_colors'; colors: ThemePalette | undefined } {
  if (mode === 'light') return { palette: 'colors', colors: theme?.colors };
  if (theme?.dark_colors || theme?.mode !== 'dark') return { palette: 'dark_colors', colors: theme?.dark_colors };
  return { palette: 'colors', colors: theme?.colors };
}

/** The custom properties of `theme` in `mode` (by default its own mode; a `system` theme resolves to light unless asked). */
export function resolveTheme(theme: ThemeConfig | null | undefined, forMode?: ThemeMode): ResolvedTheme {
  const mode: ThemeMode = forMode ?? (appearanceOf(theme) === 'dark' ? 'dark' : 'light');
  const { palette, colors } = paletteFor(theme, mode);
  const configured = new Set<ColorKey>();
  const c = { ...DEFAULT_PALETTES[mode] };
  for (const key of Object.keys(c) as ColorKey[]) {
    const value = colors?.[key];
    if (isHexColor(value)) {
      c[key] = normalizeHex(value);
      configured.add(key);
    }
  }
  const adjustments: ThemeAdjustment[] = [];

  /** Adjusts `key`'s colour for `role` against the backgrounds; records it if config was involved. */
  const fit = (key: ColorKey, role: string, color: string, backgrounds: Array<[ColorKey, string]>, min: number, aim = min): string => {
    const bgs = backgrounds.map(([, value]) => value);
    const used = ensureContrast(color, bgs, min, aim) ?? readableOn(bgs[0]!);
    if (used !== normalizeHex(color) && (configured.has(key) || backgrounds.some(([k]) => configured.has(k)))) {
      const [bgKey, worstBg] = backgrounds.reduce((a, b) => (contrastRatio(color, a[1]) <= contrastRatio(color, b[1]) ? a : b));
      adjustments.push({
        palette,
        mode,
        key,
        role,
        keyConfigured: configured.has(key),
        configured: normalizeHex(color),
        backgroundKey: bgKey,
        backgroundConfigured: configured.has(bgKey),
        background: worstBg,
        ratio: contrastRatio(color, worstBg),
        required: min,
        used,
      });
    }
    return used;
  };

  // Text must read on both the page background and cards; if no colour can (a white page
  // with black cards), cards take the page background.
  let surface = c.surface;
  if (ensureContrast(c.text, [c.background, surface], AA_TEXT) === undefined) {
    surface = c.background;
    adjustments.push({
      palette,
      mode,
      key: 'surface',
      role: 'cards',
      keyConfigured: configured.has('surface'),
      configured: c.surface,
      backgroundKey: 'background',
      backgroundConfigured: configured.has('background'),
      background: c.background,
      ratio: contrastRatio(c.surface, c.background),
      required: AA_TEXT,
      used: c.background,
    });
  }
  const grounds: Array<[ColorKey, string]> = [
    ['background', c.background],
    ['surface', surface],
  ];
  const text = fit('text', 'text', c.text, grounds, AA_TEXT, AAA_TEXT);
  const muted = fit('muted', 'secondary text', c.muted, grounds, AA_TEXT);
  const link = fit('primary', 'links', c.primary, grounds, AA_TEXT);
  const dangerText = fit('danger', 'error text', c.danger, grounds, AA_TEXT);
  const focus = ensureContrast(c.primary, [c.background, surface], AA_NON_TEXT) ?? text;
  const border = ensureContrast(mix(text, surface, 0.55), [surface, c.background], AA_NON_TEXT) ?? text;

  const radius = Number.isInteger(theme?.border_radius) && theme!.border_radius! >= 0 && theme!.border_radius! <= 32 ? theme!.border_radius! : 8;
  const font = typeof theme?.font_family === 'string' && FONT_NAME.test(theme.font_family) ? theme.font_family : undefined;
  const badges = BADGE_PALETTES[mode];

  const vars: Record<string, string> = {
    '--bg': c.background,
    '--surface': surface,
    '--text': text,
    '--muted': muted,
    '--primary': c.primary,
    '--on-primary': readableOn(c.primary),
    '--link': link,
    '--danger': c.danger,
    '--on-danger': readableOn(c.danger),
    '--danger-text': dangerText,
    '--border': border,
    '--focus': focus,
    '--radius': `${radius}px`,
    '--font': fontStack(font),
  };
  for (const [name, { bg, fg }] of Object.entries(badges)) {
    vars[`--badge-${name}-bg`] = bg;
    vars[`--badge-${name}-fg`] = fg;
  }
  return { mode, vars, adjustments };
}

/** Every adjustment of every mode the theme shows. */
export function themeAdjustments(theme: ThemeConfig | null | undefined): ThemeAdjustment[] {
  return modesOf(theme).flatMap((mode) => resolveTheme(theme, mode).adjustments);
}

/**
 * Sentences for the admin API: one per colour the portal will not show as configured
 * because it falls below WCAG AA. Empty when the theme is readable as it is.
 */
export function themeContrastWarnings(theme: ThemeConfig | null | undefined): string[] {
  return themeAdjustments(theme).map((a) => {
    const name = (key: ColorKey, fromConfig: boolean, hex: string) =>
      fromConfig ? `theme_config.${a.palette}.${key} (${hex})` : `the default ${a.mode === 'dark' ? 'dark ' : ''}${key} colour (${hex})`;
    return a.key === 'surface'
      ? `${name('surface', a.keyConfigured, a.configured)} and ${name('background', a.backgroundConfigured, a.background)} are so far apart ` +
          `that no text colour reaches WCAG AA (${a.required}:1) on both; the portal shows cards in ${a.used} instead`
      : `${name(a.key, a.keyConfigured, a.configured)}, used for ${a.role}, has a contrast of ${formatRatio(a.ratio)} on ` +
          `${name(a.backgroundKey, a.backgroundConfigured, a.background)}, below WCAG AA (${a.required}:1); the portal shows ${a.used} instead`;
  });
}
