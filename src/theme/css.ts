import { createHash } from 'node:crypto';
import type { ThemeConfig } from '../db/types.ts';
import { resolveTheme, type ThemeMode } from './resolve.ts';

/**
 * The resolved theme as a small <style> block of custom properties, and the SHA-256 a
 * page's CSP allows it by (no other inline CSS exists).
 */
export interface ThemeStyle {
  mode: ThemeMode;
  /** The text of the <style> element (custom properties only). */
  css: string;
  /** For the CSP: `'sha256-…'`. */
  cspHash: string;
}

const cache = new Map<string, ThemeStyle>();
const CACHE_LIMIT = 1000;

/** The <style> block for a project's theme; cached per distinct theme (they rarely change). */
export function themeStyle(theme: ThemeConfig | null | undefined): ThemeStyle {
  const key = JSON.stringify(theme ?? {});
  const hit = cache.get(key);
  if (hit) return hit;
  const resolved = resolveTheme(theme);
  const body = Object.entries(resolved.vars)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
  const css = `:root{color-scheme:${resolved.mode};${body}}`;
  const style: ThemeStyle = { mode: resolved.mode, css, cspHash: `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'` };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, style);
  return style;
}
