import type { Db } from '../../db/database.ts';
import type { EventSource } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';

export interface EventInput {
  projectId: string;
  type: string;
  subjectId: string;
  source: EventSource;
  data?: Record<string, unknown>;
  now: Date;
}

/**
 * Appends to the audit/event log. Always called with the same transaction handle as
 * the change it describes, so a change and its event commit together or not at all.
 */
export async function recordEvent(db: Db, e: EventInput): Promise<string> {
  const id = newId('evt');
  await db
    .insertInto('events')
    .values({
      id,
      project_id: e.projectId,
      type: e.type,
      subject_id: e.subjectId,
      source: e.source,
      data: JSON.stringify(e.data ?? {}),
      created_at: e.now,
    })
    .execute();
  return id;
}
