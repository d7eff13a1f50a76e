import type { AuthFailureLimit } from './failure-limit.ts';
import { bearerGuard } from './bearer.ts';

/** `Authorization: Bearer $ADMIN_API_KEY` on every /api/admin route (see bearer.ts). */
export function adminGuard(adminApiKey: string, failures: AuthFailureLimit) {
  return bearerGuard(adminApiKey, failures, {
    missing: 'This endpoint needs Authorization: Bearer <ADMIN_API_KEY>',
    wrong: 'The admin API key is not valid',
  });
}
