import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The portal's static files, read once at start and served from memory under names that
 * carry their content hash, so browsers may cache them for a year and a deploy never
 * serves a stale mix. Same origin only: no CDN, no third-party request.
 */
interface Asset {
  path: string;
  type: string;
  body: Buffer;
}

function load(file: string, ext: string, type: string): Asset {
  const body = readFileSync(new URL(`../static/${file}`, import.meta.url));
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { path: `/portal/assets/${file.replace(/\.[a-z]+$/, '')}-${hash}.${ext}`, type, body };
}

export const ASSETS = {
  css: load('portal.css', 'css', 'text/css; charset=utf-8'),
  js: load('portal.js', 'js', 'text/javascript; charset=utf-8'),
  icon: load('icon.svg', 'svg', 'image/svg+xml'),
};

/** Bytes every portal page loads besides its HTML (for the page-weight budget). */
export const ASSET_BYTES = ASSETS.css.body.length + ASSETS.js.body.length + ASSETS.icon.body.length;

/** Registers the asset routes on a scope mounted at the root of the /portal prefix. */
export function registerAssetRoutes(app: FastifyInstance, prefix: string): void {
  for (const asset of Object.values(ASSETS)) {
    app.get(asset.path.slice(prefix.length), { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('cross-origin-resource-policy', 'same-origin')
        .send(asset.body),
    );
  }
}
