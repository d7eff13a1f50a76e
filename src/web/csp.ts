/**
 * The Content-Security-Policy of a server-rendered app: nothing but same-origin files, no
 * inline script, no third party, never framed (one exception: the dashboard's preview frame, by its own
 * origin only), no <base>. What an app may add: the hashes
 * of its inline <style> blocks (the theme's custom properties) and the origins its forms
 * may post to besides its own (a redirect answering a form post is checked against
 * form-action too, in Chrome).
 */
export interface CspOptions {
  /** `'sha256-…'` sources of inline <style> blocks. */
  styleHashes?: readonly string[];
  /** Origins forms may post (or be redirected) to, besides 'self'. */
  formActionOrigins?: readonly string[];
  /** Whether the page may be framed by its own origin (the dashboard's branding preview); never by another. */
  framedBySelf?: boolean;
  /** Whether the page may show frames of its own origin (the branding editor's preview). */
  framesSelf?: boolean;
}

const sources = (list: readonly string[] | undefined) => (list ?? []).map((s) => ` ${s}`).join('');

export function buildCsp(options: CspOptions = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self'${sources(options.styleHashes)}`,
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    ...(options.framesSelf ? ["frame-src 'self'"] : []),
    `form-action 'self'${sources(options.formActionOrigins)}`,
    `frame-ancestors ${options.framedBySelf ? "'self'" : "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}

/** The origin of an http(s) URL (for form-action), or undefined. */
export function httpOrigin(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
