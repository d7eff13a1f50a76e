import { Type, type TOptional, type TString } from '@sinclair/typebox';
import type { ThemeConfig, ThemePalette } from '../../../db/types.ts';
import { fieldErrors } from '../../../http/validation.ts';
import { HOSTED_FONTS, hostedFont } from '../../../theme/fonts.ts';
import { DEFAULT_PALETTES, appearanceOf, type ThemeMode } from '../../../theme/resolve.ts';
import { COLOR_KEYS, FONT_STACKS, ThemeConfigSchema, type ColorKey } from '../../../theme/schema.ts';
import { isHexColor, normalizeHex } from '../../../theme/contrast.ts';

/**
 * The branding editor's form ↔ theme_config. The form is flat text (what a browser sends,
 * also as the preview's query); the theme it makes is checked by the admin API's own schema
 * (ThemeConfigSchema), and each error is put back next to the field it came from.
 *
 * Every colour has a hex field and a colour picker. With JavaScript they mirror each other;
 * without it, whichever one the person changed wins: the hex field when it differs from the
 * value the page showed, else the picker when it does.
 */

export const PALETTE_FIELDS: ReadonlyArray<{ mode: ThemeMode; palette: 'colors' | 'dark_colors'; prefix: string }> = [
  { mode: 'light', palette: 'colors', prefix: 'light' },
  { mode: 'dark', palette: 'dark_colors', prefix: 'dark' },
];

export const CUSTOM_FONT = 'custom';

const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const colorFields: Record<string, TOptional<TString>> = {};
for (const { prefix } of PALETTE_FIELDS) {
  for (const key of COLOR_KEYS) {
    colorFields[`${prefix}_${key}`] = text(50);
    colorFields[`${prefix}_${key}_pick`] = text(50);
  }
}

/** The editor's fields, as sent by the form (POST body) or by the preview (query). */
export const BrandingFields = {
  appearance: text(20),
  border_radius: text(20),
  font: text(50),
  font_custom: text(100),
  ...colorFields,
};

export type BrandingFieldValues = Partial<Record<string, string>>;

/** What the form shows: the theme's values as text. */
export interface BrandingForm {
  appearance: 'light' | 'dark' | 'system';
  colors: Record<ThemeMode, Record<ColorKey, string>>;
  border_radius: string;
  font: string;
  font_custom: string;
  logo: string | undefined;
}

function paletteOf(theme: ThemeConfig, palette: 'colors' | 'dark_colors'): ThemePalette {
  // An older dark theme keeps its one palette in `colors`; the editor shows it as the dark one.
  if (palette === 'dark_colors' && !theme.dark_colors && theme.mode === 'dark') return theme.colors ?? {};
  if (palette === 'colors' && !theme.dark_colors && theme.mode === 'dark') return {};
  return theme[palette] ?? {};
}

export function formOfTheme(theme: ThemeConfig): BrandingForm {
  const colors = {} as BrandingForm['colors'];
  for (const { mode, palette } of PALETTE_FIELDS) {
    const values = paletteOf(theme, palette);
    colors[mode] = Object.fromEntries(COLOR_KEYS.map((key) => [key, values[key] ?? ''])) as Record<ColorKey, string>;
  }
  const family = theme.font_family ?? '';
  const known = hostedFont(family) ? family.trim().toLowerCase().replace(/\s+/g, '-') : Object.hasOwn(FONT_STACKS, family) ? family : undefined;
  return {
    appearance: appearanceOf(theme),
    colors,
    border_radius: theme.border_radius === undefined ? '' : String(theme.border_radius),
    font: family === '' ? 'system' : (known ?? CUSTOM_FONT),
    font_custom: known || family === '' ? '' : family,
    logo: theme.logo,
  };
}

const PICKED = /^#[0-9a-fA-F]{6}$/;

function chooseColor(typed: string | undefined, picked: string | undefined, shown: string, fallback: string): string {
  const hex = (typed ?? shown).trim();
  if (hex !== shown) return hex;
  if (picked !== undefined && PICKED.test(picked) && picked.toLowerCase() !== normalizeHex(shown || fallback)) return picked.toLowerCase();
  return shown;
}

/** The theme a submission describes, from the one the page showed (`base`). Not yet validated. */
export function themeOfFields(fields: BrandingFieldValues, base: ThemeConfig): ThemeConfig {
  const shown = formOfTheme(base);
  const theme: ThemeConfig = {};
  const appearance = fields.appearance ?? shown.appearance;
  theme.mode = appearance as ThemeConfig['mode'];
  for (const { mode, palette, prefix } of PALETTE_FIELDS) {
    const colors: ThemePalette = {};
    for (const key of COLOR_KEYS) {
      const value = chooseColor(fields[`${prefix}_${key}`], fields[`${prefix}_${key}_pick`], shown.colors[mode][key], DEFAULT_PALETTES[mode][key]);
      if (value !== '') colors[key] = isHexColor(value) ? normalizeHex(value) : value;
    }
    if (Object.keys(colors).length) theme[palette] = colors;
  }
  const radius = (fields.border_radius ?? shown.border_radius).trim();
  if (radius !== '') theme.border_radius = /^\d{1,3}$/.test(radius) ? Number(radius) : (radius as unknown as number);
  const font = fields.font ?? shown.font;
  const family = font === CUSTOM_FONT ? (fields.font_custom ?? shown.font_custom).trim() : font;
  if (family !== '' && family !== 'system') theme.font_family = family;
  if (base.logo) theme.logo = base.logo;
  return theme;
}

/** Schema errors of `theme`, keyed by the form field they belong to. */
export function brandingErrors(theme: ThemeConfig): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors(ThemeConfigSchema, theme, { nested: true }))) {
    const [top, key] = path.split('.');
    const palette = PALETTE_FIELDS.find((p) => p.palette === top);
    const field = palette && key ? `${palette.prefix}_${key}` : top === 'mode' ? 'appearance' : top === 'font_family' ? 'font_custom' : (top ?? 'appearance');
    errors[field] ??= message.replace(/^theme_config\./, '');
  }
  return errors;
}

/** Only what passes the schema (for the preview, which shows a half-typed colour as before). */
export function validPartOf(theme: ThemeConfig, fallback: ThemeConfig): ThemeConfig {
  const errors = brandingErrors(theme);
  if (!Object.keys(errors).length) return theme;
  const fixed: ThemeConfig = structuredClone(theme);
  const base = formOfTheme(fallback);
  for (const field of Object.keys(errors)) {
    const palette = PALETTE_FIELDS.find((p) => field.startsWith(`${p.prefix}_`));
    if (palette) {
      const key = field.slice(palette.prefix.length + 1) as ColorKey;
      const before = base.colors[palette.mode][key];
      if (before) fixed[palette.palette] = { ...fixed[palette.palette], [key]: before };
      else delete fixed[palette.palette]?.[key];
    } else if (field === 'appearance') fixed.mode = base.appearance;
    else if (field === 'border_radius') fallback.border_radius === undefined ? delete fixed.border_radius : (fixed.border_radius = fallback.border_radius);
    else if (field === 'font_custom') fallback.font_family === undefined ? delete fixed.font_family : (fixed.font_family = fallback.font_family);
  }
  return Object.keys(brandingErrors(fixed)).length ? fallback : fixed;
}

export const HOSTED_FONT_KEYS = Object.keys(HOSTED_FONTS);
export const FONT_STACK_KEYS = Object.keys(FONT_STACKS);
