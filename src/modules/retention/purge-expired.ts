import type { Deps } from '../../deps.ts';
import { purgeEmailBodies } from '../email/email.repository.ts';
import * as repo from './retention.repository.ts';

const DAY_MS = 86_400_000;
/** Rows per statement (one short transaction each). */
const BATCH = 500;
/** Statements per rule per run: a backlog is worked off over several runs, never in one long one. */
const MAX_BATCHES = 20;

export type PurgeSummary = Record<'portalTokens' | 'loginCodes' | 'portalSessions' | 'dashboardSessions' | 'deliveredWebhooks' | 'failedWebhooks' | 'events' | 'emailBodies', number>;

/**
 * The `retention` job: deletes what has no further use, by the RETENTION_* settings —
 * expired portal tokens, ended portal and dashboard sessions (with their once-only action
 * records), finished webhook deliveries (with their attempts; failed ones are kept longer),
 * the bodies of sent or given-up emails (their record stays), and, only when
 * RETENTION_EVENTS_DAYS is set, old published events nothing refers to.
 * Payments are the ledger and are never deleted; events are, by default, kept as well.
 *
 * Safe on any number of instances at once (see retention.repository.ts); each run does a
 * bounded amount of work and the next run continues.
 */
export async function purgeExpired(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'logger'>): Promise<PurgeSummary> {
  const { retention, dashboard } = deps.config;
  const now = deps.clock.now().getTime();
  const daysAgo = (days: number) => new Date(now - days * DAY_MS);
  const db = deps.db;
  const eventsDays = retention.eventsDays;

  const summary: PurgeSummary = {
    portalTokens: await inBatches((n) => repo.deletePortalTokens(db, daysAgo(retention.portalTokensDays), n)),
    loginCodes: await inBatches((n) => repo.deleteLoginCodes(db, daysAgo(retention.portalTokensDays), n)),
    portalSessions: await inBatches((n) => repo.deletePortalSessions(db, daysAgo(retention.sessionsDays), n)),
    dashboardSessions: await inBatches((n) => repo.deleteDashboardSessions(db, daysAgo(retention.sessionsDays), dashboard.sessionIdleMs, n)),
    deliveredWebhooks: await inBatches((n) => repo.deleteFinishedDeliveries(db, 'succeeded', daysAgo(retention.webhookDeliveredDays), n)),
    failedWebhooks: await inBatches((n) => repo.deleteFinishedDeliveries(db, 'failed', daysAgo(retention.webhookFailedDays), n)),
    // After the deliveries: an event goes only once no delivery refers to it.
    events: eventsDays === undefined ? 0 : await inBatches((n) => repo.deleteArchivedEvents(db, daysAgo(eventsDays), n)),
    // Sent or given-up emails keep their record (to, subject, status, when), not their bodies.
    emailBodies: await inBatches((n) => purgeEmailBodies(db, daysAgo(retention.emailBodiesDays), new Date(now), n)),
  };
  if (Object.values(summary).some((count) => count > 0)) deps.logger.info({ deleted: summary }, 'retention: deleted rows past their retention');
  return summary;
}

async function inBatches(deleteUpTo: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const deleted = await deleteUpTo(BATCH);
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}
