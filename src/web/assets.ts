import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * An app's static files, read once at start and served from memory under names that carry
 * their content hash (`<prefix>/assets/<name>-<hash>.<ext>`), so browsers may cache them
 * for a year and a deploy never serves a stale mix. Same origin only: no CDN, no
 * third-party request.
 */
export interface Asset {
  path: string;
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

export interface Assets<K extends string> {
  files: Record<K, Asset>;
  /** Bytes every page loads besides its HTML (for a page-weight budget). */
  bytes: number;
  /** Registers the asset routes on a scope mounted at `prefix`. */
  register(app: FastifyInstance): void;
}

/** The kit's own stylesheet, which every app serves first (under its own prefix). */
export const KIT_STYLESHEET = new URL('./static/kit.css', import.meta.url);
/** The kit's script (forms send once), which every app loads first. */
export const KIT_SCRIPT = new URL('./static/kit.js', import.meta.url);

/**
 * `files` maps a key to a file name in `dir` (a `file:` URL ending in `/`), or to a `file:`
 * URL elsewhere (the kit's stylesheet).
 */
export function createAssets<K extends string>(prefix: string, dir: URL, files: Record<K, string | URL>): Assets<K> {
  const loaded = {} as Record<K, Asset>;
  for (const key of Object.keys(files) as K[]) {
    const source = files[key];
    const url = source instanceof URL ? source : new URL(source, dir);
    const file = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    const ext = file.slice(file.lastIndexOf('.') + 1);
    const type = TYPES[ext];
    if (!type) throw new Error(`no content type for asset ${file}`);
    const body = readFileSync(url);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    loaded[key] = { path: `${prefix}/assets/${file.replace(/\.[a-z]+$/, '')}-${hash}.${ext}`, type, body };
  }
  const all: Asset[] = Object.values(loaded);
  return {
    files: loaded,
    bytes: all.reduce((sum, asset) => sum + asset.body.length, 0),
    register(app) {
      for (const asset of all) {
        app.get(asset.path.slice(prefix.length), { schema: { hide: true } }, async (_request, reply) =>
          reply
            .header('content-type', asset.type)
            .header('cache-control', 'public, max-age=31536000, immutable')
            .header('cross-origin-resource-policy', 'same-origin')
            .send(asset.body),
        );
      }
    },
  };
}
