import type { Deps } from '../../../deps.ts';
import { formActionStore } from '../../../db/form-actions.ts';
import { once as runOnce } from '../../../web/once.ts';
import type { PortalContext } from './session.ts';

/** A portal form's action, run once per (session, action_id), kept in portal_actions; see web/once.ts. */
export function once(deps: Deps, ctx: PortalContext, actionId: string, run: () => Promise<string>, current: () => Promise<string>): Promise<string> {
  return runOnce(formActionStore(deps.db, 'portal_actions', ctx.session.id, () => deps.clock.now()), actionId, run, current);
}
