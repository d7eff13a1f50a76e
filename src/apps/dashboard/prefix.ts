/** Where the dashboard is mounted; its cookies carry this path, so no other app receives them. */
export const DASHBOARD_PREFIX = '/dashboard';
