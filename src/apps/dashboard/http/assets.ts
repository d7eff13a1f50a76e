import { createAssets, KIT_SCRIPT, KIT_STYLESHEET } from '../../../web/assets.ts';
import { DASHBOARD_PREFIX } from '../prefix.ts';

/** The dashboard's static files (static/ and the kit's stylesheet), served hashed under /dashboard/assets. */
const dashboardAssets = createAssets(DASHBOARD_PREFIX, new URL('../static/', import.meta.url), {
  kit: KIT_STYLESHEET,
  kitJs: KIT_SCRIPT,
  css: 'dashboard.css',
  js: 'dashboard.js',
  icon: 'icon.svg',
});

export const ASSETS = dashboardAssets.files;
export const ASSET_BYTES = dashboardAssets.bytes;
export const registerAssetRoutes = dashboardAssets.register;
