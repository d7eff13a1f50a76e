import { createAssets, KIT_SCRIPT, KIT_STYLESHEET } from '../../../web/assets.ts';
import { PORTAL_PREFIX } from '../prefix.ts';

/** The portal's static files (static/), served hashed under /portal/assets. */
const portalAssets = createAssets(PORTAL_PREFIX, new URL('../static/', import.meta.url), {
  kit: KIT_STYLESHEET,
  kitJs: KIT_SCRIPT,
  css: 'portal.css',
  js: 'portal.js',
  icon: 'icon.svg',
});

export const ASSETS = portalAssets.files;

/** Bytes every portal page loads besides its HTML (for the page-weight budget). */
export const ASSET_BYTES = portalAssets.bytes;

export const registerAssetRoutes = portalAssets.register;
