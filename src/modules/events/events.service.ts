import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { PublicEvent } from './public-events.ts';
import * as repo from './public-events.repository.ts';
import type { EventListQuery } from './events.schemas.ts';

/**
 * The calling project's published events, oldest first, after the event the caller last
 * processed: reconciliation without webhooks, or catching up after a receiver outage.
 * Items are the stored webhook bodies, so both channels say exactly the same thing.
 */
export async function listEvents(db: Db, projectId: string, q: EventListQuery): Promise<{ data: PublicEvent[]; has_more: boolean }> {
  let afterSeq = 0;
  if (q.after !== undefined) {
    const seq = await repo.findPublishedSeq(db, projectId, q.after);
    if (seq === undefined) {
      throw new AppError('invalid_request', `after must be the id of an event this endpoint returned; ${q.after} is not one of this project's events`);
    }
    afterSeq = seq;
  }
  const limit = q.limit ?? 50;
  const rows = await repo.listPublishedEvents(db, { projectId, afterSeq, type: q.type, limit: limit + 1 });
  return {
    data: rows.slice(0, limit).map((r) => JSON.parse(r.payload!) as PublicEvent),
    has_more: rows.length > limit,
  };
}
