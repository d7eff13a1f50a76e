import type { Deps } from '../../../deps.ts';
import { randomToken } from '../../../lib/crypto.ts';
import * as sessions from '../../../modules/portal-sessions/portal-sessions.repository.ts';
import type { PortalContext } from './session.ts';

/** A fresh id for one rendered form; the server runs each id once per session. */
export function newActionId(): string {
  return randomToken(16);
}

/** How long a duplicate waits for the first submission of its form to finish. */
const WAIT_FOR_FIRST_MS = 10_000;

/**
 * Runs a form's action at most once and answers every submission of that form alike, the
 * way an idempotency key does. The (session, action_id) pair is claimed first — a primary
 * key decides between concurrent duplicates — and the location the action led to is
 * stored with it. A duplicate waits for that location (the first may still be talking to
 * the payment gateway) and redirects there too. If the action fails, the claim is given
 * back so the same form can be sent again; a duplicate that sees this, or waits too long,
 * falls back to `current()`: the page showing the state as it now is.
 */
export async function once(
  deps: Deps,
  ctx: PortalContext,
  actionId: string,
  run: () => Promise<string>,
  current: () => Promise<string>,
): Promise<string> {
  const { id: sessionId } = ctx.session;
  if (await sessions.claimPortalAction(deps.db, sessionId, actionId, deps.clock.now())) {
    let location: string;
    try {
      location = await run();
    } catch (err) {
      await sessions.releasePortalAction(deps.db, sessionId, actionId);
      throw err;
    }
    await sessions.recordPortalActionOutcome(deps.db, sessionId, actionId, location);
    return location;
  }
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const first = await sessions.findPortalAction(deps.db, sessionId, actionId);
    if (first?.outcome) return first.outcome;
    if (!first || Date.now() >= deadline) return current();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
