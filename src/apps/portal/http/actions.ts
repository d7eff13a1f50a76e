import type { Deps } from '../../../deps.ts';
import * as sessions from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import { once as runOnce, type OnceStore } from '../../../web/once.ts';
import type { PortalContext } from './session.ts';

/** The session's once-only actions, kept in portal_actions. */
function portalActions(deps: Deps, sessionId: string): OnceStore {
  return {
    claim: (actionId) => sessions.claimPortalAction(deps.db, sessionId, actionId, deps.clock.now()),
    release: (actionId) => sessions.releasePortalAction(deps.db, sessionId, actionId),
    recordOutcome: (actionId, location) => sessions.recordPortalActionOutcome(deps.db, sessionId, actionId, location),
    find: (actionId) => sessions.findPortalAction(deps.db, sessionId, actionId),
  };
}

/** A portal form's action, run once per (session, action_id); see web/once.ts. */
export function once(deps: Deps, ctx: PortalContext, actionId: string, run: () => Promise<string>, current: () => Promise<string>): Promise<string> {
  return runOnce(portalActions(deps, ctx.session.id), actionId, run, current);
}
