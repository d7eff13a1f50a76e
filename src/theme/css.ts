import { createHash } from 'node:crypto';
import type { ThemeConfig } from '../db/types.ts';
import { fontFaceCss, hostedFont } from './fonts.ts';
import { appearanceOf, resolveTheme, type Appearance, type ThemeMode } from './resolve.ts';

/**
 * The resolved theme as a small <style> block — custom properties (both palettes for a
 * `system` theme, the dark one under `prefers-color-scheme: dark`) and the @font-face rules
 * of a hosted font — and the SHA-256 a page's CSP allows it by (no other inline CSS exists).
 */
export interface ThemeStyle {
  appearance: Appearance;
  /** The text of the <style> element. */
  css: string;
  /** For the CSP: `'sha256-…'`. */
  cspHash: string;
  /** Same-origin path of the project's logo, when it has one. */
  logoPath: string | undefined;
}

const cache = new Map<string, ThemeStyle>();
const CACHE_LIMIT = 1000;
const LOGO_ID = /^[0-9a-f]{64}$/;

/** Where a logo is served (see modules/branding). */
export function logoPath(id: string): string {
  return `/logos/${id}`;
}

function variables(theme: ThemeConfig | null | undefined, mode: ThemeMode): string {
  return Object.entries(resolveTheme(theme, mode).vars)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
}

/**
 * The <style> block for a project's theme; cached per distinct theme (they rarely change).
 * `mode` forces one mode (the dashboard's preview of a `system` theme in dark).
 */
export function themeStyle(theme: ThemeConfig | null | undefined, options: { mode?: ThemeMode } = {}): ThemeStyle {
  const key = `${options.mode ?? ''}|${JSON.stringify(theme ?? {})}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const appearance = options.mode ?? appearanceOf(theme);
  const font = hostedFont(typeof theme?.font_family === 'string' ? theme.font_family : undefined);
  const fonts = font ? fontFaceCss(font) : '';
  const css =
    appearance === 'system'
      ? `${fonts}:root{color-scheme:light dark;${variables(theme, 'light')}}@media (prefers-color-scheme: dark){:root{${variables(theme, 'dark')}}}`
      : `${fonts}:root{color-scheme:${appearance};${variables(theme, appearance)}}`;
  const logo = typeof theme?.logo === 'string' && LOGO_ID.test(theme.logo) ? logoPath(theme.logo) : undefined;
  const style: ThemeStyle = { appearance, css, cspHash: `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`, logoPath: logo };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, style);
  return style;
}
