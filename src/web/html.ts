/**
 * The template engine of every server-rendered app: a tagged template that escapes every interpolated value
 * unless it is already `SafeHtml` (the result of another `html` template). Escaping is the
 * default and the only way in; `trustedHtml` exists for the one case of markup we generate
 * ourselves from constants (icons, the theme's <style> block), and only views use it.
 *
 * Why not a template-file engine: views are TypeScript functions, so every value they show
 * is type-checked against the data passed in, nothing is parsed or looked up at run time
 * (server time p50 < 5 ms), and there is no `{{{ }}}`-style unescaped syntax to misuse.
 * Attribute values must be quoted in templates (`href="${url}"`); quotes are escaped.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup built by our own code from constants (never from data). */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * An http(s) URL to put in an href, or undefined. Our own paths, registered redirect URIs
 * and gateway payment pages all pass; `javascript:` and friends never do.
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
