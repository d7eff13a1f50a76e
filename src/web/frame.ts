import { html, trustedHtml, type SafeHtml } from './html.ts';

/** What an app puts into the page frame. */
export interface Frame {
  lang: string;
  /** The whole <title>, as the app composes it. */
  title: string;
  /** Hashed same-origin asset paths (web/assets.ts). */
  /** Stylesheets in order: the kit's first, then the app's. */
  assets: { icon: string; stylesheets: readonly string[]; scripts: readonly string[] };
  /** The theme's <style> text (custom properties only; its hash is in the page's CSP). */
  themeCss: string;
  /** The skip link's text; it jumps to <main id="main">. */
  skipLabel: string;
  /** The app's <header> (brand, navigation) and <footer>. */
  header: SafeHtml;
  footer: SafeHtml;
}

/**
 * The document every app's page is: language, title, favicon, stylesheet, the theme's
 * custom properties (the only inline CSS), a deferred script, a skip link, then the app's
 * header, main and footer. Pages are never indexed (they belong to one signed-in person).
 */
export function frame(f: Frame, main: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="${f.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${f.title}</title>
<link rel="icon" href="${f.assets.icon}" type="image/svg+xml">
${f.assets.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">
`)}
<style>${trustedHtml(f.themeCss)}</style>
${f.assets.scripts.map((src) => html`<script src="${src}" defer></script>
`)}
</head>
<body>
<a class="skip" href="#main">${f.skipLabel}</a>
${f.header}
<main id="main" class="wrap" tabindex="-1">
${main}
</main>
${f.footer}
</body>
</html>
`;
}
