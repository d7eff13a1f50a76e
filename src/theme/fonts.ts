import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

/**
 * Fonts a project may pick that every customer sees, whatever their device has: Latin
 * subsets from the @fontsource packages, woff2, served from our own origin under names that
 * carry their content hash (cached for a year, never a third-party request). Besides these,
 * the system stacks of schema.ts; any other family name works only on devices that have it.
 */
export interface HostedFont {
  /** The CSS family name, as people know it. */
  family: string;
  /** What the browser uses until (or if never) the file arrives. */
  fallback: string;
  files: Array<{ weight: number; path: string; body: Buffer }>;
}

export const FONT_PREFIX = '/fonts';
const WEIGHTS = [400, 600, 700] as const;
const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const require = createRequire(import.meta.url);

function hosted(pkg: string, family: string, fallback: string): HostedFont {
  const files = WEIGHTS.map((weight) => {
    const file = `${pkg}-latin-${weight}-normal.woff2`;
    const body = readFileSync(require.resolve(`@fontsource/${pkg}/files/${file}`));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    return { weight, path: `${FONT_PREFIX}/${file.replace(/\.woff2$/, '')}-${hash}.woff2`, body };
  });
  return { family, fallback, files };
}

/** Keyed by the value `font_family` takes (lower case, hyphens). */
export const HOSTED_FONTS: Record<string, HostedFont> = {
  inter: hosted('inter', 'Inter', SANS),
  'plus-jakarta-sans': hosted('plus-jakarta-sans', 'Plus Jakarta Sans', SANS),
  'noto-sans': hosted('noto-sans', 'Noto Sans', SANS),
  lora: hosted('lora', 'Lora', 'ui-serif, Georgia, Cambria, "Times New Roman", serif'),
};

/** The hosted font a `font_family` value names ("inter", or its family name "Inter"), if any. */
export function hostedFont(fontFamily: string | undefined): HostedFont | undefined {
  if (!fontFamily) return undefined;
  const key = fontFamily.trim().toLowerCase().replace(/\s+/g, '-');
  return Object.hasOwn(HOSTED_FONTS, key) ? HOSTED_FONTS[key] : undefined;
}

/** The @font-face rules of a hosted font (paths only: nothing here comes from input). */
export function fontFaceCss(font: HostedFont): string {
  return font.files
    .map((f) => `@font-face{font-family:"${font.family}";font-style:normal;font-weight:${f.weight};font-display:swap;src:url(${f.path}) format("woff2")}`)
    .join('');
}

/** GET /fonts/<file>-<hash>.woff2 for every hosted font file. */
export function registerFontRoutes(app: FastifyInstance): void {
  for (const font of Object.values(HOSTED_FONTS)) {
    for (const file of font.files) {
      app.get(file.path, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .header('content-type', 'font/woff2')
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('cross-origin-resource-policy', 'same-origin')
          .send(file.body),
      );
    }
  }
}
