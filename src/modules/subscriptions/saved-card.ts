import type { Deps } from '../../deps.ts';
import type { SubscriptionActionRequest } from './cancel.ts';
import * as repo from './subscriptions.repository.ts';

/**
 * The customer removes the card their renewals were charged to: the gateway token and the
 * digits are forgotten, and the next renewal falls back to a payment link they pay
 * themselves (period-end.ts opens a checkout when there is no saved card). Answers whether
 * there was a card to remove.
 */
export async function removeSavedCard(deps: Deps, r: Omit<SubscriptionActionRequest, 'source'>): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sub = await repo.lockSubscriptionOfEndUser(trx, r.projectId, r.endUserId);
    if (!sub?.saved_card_token) return false;
    return repo.forgetSavedCard(trx, r.projectId, sub.id, now);
  });
}
