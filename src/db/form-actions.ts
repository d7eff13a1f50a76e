import type { Db } from './database.ts';

/** The tables of once-only form actions: one per app, the same columns, rows go with their session. */
export type FormActionTable = 'portal_actions' | 'dashboard_actions';

/**
 * The once-only actions of one session (web/once.ts's store): `claim` is decided by the
 * (session_id, action_id) primary key, so of concurrent duplicates exactly one wins.
 */
export function formActionStore(db: Db, table: FormActionTable, sessionId: string, now: () => Date) {
  return {
    async claim(actionId: string): Promise<boolean> {
      const rows = await db
        .insertInto(table)
        .values({ session_id: sessionId, action_id: actionId, outcome: null, created_at: now() })
        .onConflict((oc) => oc.columns(['session_id', 'action_id']).doNothing())
        .returning('action_id')
        .execute();
      return rows.length === 1;
    },
    /** Gives a claim back when its action failed, so the same form may be sent again. */
    async release(actionId: string): Promise<void> {
      await db.deleteFrom(table).where('session_id', '=', sessionId).where('action_id', '=', actionId).execute();
    },
    /** Remembers where a claimed submission led, for its duplicates. */
    async recordOutcome(actionId: string, outcome: string): Promise<void> {
      await db.updateTable(table).set({ outcome }).where('session_id', '=', sessionId).where('action_id', '=', actionId).execute();
    },
    /** `outcome` null while it still runs; undefined if it was given back. */
    find(actionId: string): Promise<{ outcome: string | null } | undefined> {
      return db.selectFrom(table).select('outcome').where('session_id', '=', sessionId).where('action_id', '=', actionId).executeTakeFirst();
    },
  };
}
