import { randomToken } from '../lib/crypto.ts';

/** A fresh id for one rendered form; the server runs each id once per session. */
export function newActionId(): string {
  return randomToken(16);
}

/**
 * Where an app keeps its once-only actions, already scoped to one session (the portal's is
 * `portal_actions`). `claim` must be decided by the database (a primary key), so that of
 * concurrent duplicates exactly one gets `true`.
 */
export interface OnceStore {
  claim(actionId: string): Promise<boolean>;
  release(actionId: string): Promise<void>;
  recordOutcome(actionId: string, location: string): Promise<void>;
  find(actionId: string): Promise<{ outcome: string | null } | undefined>;
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
export async function once(store: OnceStore, actionId: string, run: () => Promise<string>, current: () => Promise<string>): Promise<string> {
  if (await store.claim(actionId)) {
    let location: string;
    try {
      location = await run();
    } catch (err) {
      await store.release(actionId);
      throw err;
    }
    await store.recordOutcome(actionId, location);
    return location;
  }
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const first = await store.find(actionId);
    if (first?.outcome) return first.outcome;
    if (!first || Date.now() >= deadline) return current();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
