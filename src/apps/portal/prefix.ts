/** Where the portal is mounted: its routes, cookie path and asset URLs all live under it. */
export const PORTAL_PREFIX = '/portal';
