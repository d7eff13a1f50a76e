import { Gauge } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { PoolStats } from '../db/pg-pool.ts';
import type { Clock } from '../lib/clock.ts';
import { withDeadline } from '../lib/deadline.ts';
import type { Logger } from '../lib/logger.ts';
import { countOpenEmails } from '../modules/email/email.repository.ts';
import { countPaymentsByStatus } from '../modules/payments/payments.repository.ts';
import { countOpenDeliveries } from '../modules/webhooks/webhooks.repository.ts';
import { schedulerLagSeconds } from '../scheduler/lag.ts';
import type { Metrics } from './metrics.ts';

/** A scrape waits this long for each database reading, then answers without it. */
export const SCRAPE_QUERY_TIMEOUT_MS = 2000;

const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'expired', 'refunded'] as const;

/**
 * Gauges read at scrape time, so every instance reports the same database-wide figures
 * (Prometheus queries should use `max`, not `sum`, across instances). Each reading is one
 * small query with a deadline: while the database is away a scrape still answers
 * promptly, without the readings it could not get (rather than stale ones).
 */
export function registerDatabaseGauges(
  metrics: Metrics,
  deps: { db: Db; clock: Clock; logger: Logger; poolStats?: (() => PoolStats) | undefined },
): void {
  const registers = [metrics.registry];
  const read = async <T>(gauge: Gauge<string>, what: string, query: () => Promise<T>, apply: (value: T) => void) => {
    gauge.reset();
    try {
      apply(await withDeadline(query(), SCRAPE_QUERY_TIMEOUT_MS));
    } catch (err) {
      deps.logger.warn({ err, metric: what }, 'metrics: could not read from the database');
    }
  };

  new Gauge({
    name: 'langgan_scheduler_lag_seconds',
    help: 'Age of the oldest overdue scheduled work (period ends, grace ends, payment checks, webhook deliveries); 0 when none',
    registers,
    async collect() {
      await read(this, 'scheduler lag', () => schedulerLagSeconds(deps.db, deps.clock.now()), (lag) => this.set(lag));
    },
  });

  new Gauge({
    name: 'langgan_webhook_deliveries',
    help: 'Webhook deliveries still to send (pending: the backlog) and given up on (failed, until retention removes them)',
    labelNames: ['status'],
    registers,
    async collect() {
      await read(this, 'webhook deliveries', () => countOpenDeliveries(deps.db), (counts) => {
        this.set({ status: 'pending' }, counts.pending);
        this.set({ status: 'failed' }, counts.failed);
      });
    },
  });

  new Gauge({
    name: 'langgan_email_outbox',
    help: 'Customer email still to send (pending, including claimed ones: the backlog) and given up on (failed)',
    labelNames: ['status'],
    registers,
    async collect() {
      await read(this, 'email outbox', () => countOpenEmails(deps.db), (counts) => {
        this.set({ status: 'pending' }, counts.pending);
        this.set({ status: 'failed' }, counts.failed);
      });
    },
  });

  new Gauge({
    name: 'langgan_payments',
    help: 'Payments by status (database-wide)',
    labelNames: ['status'],
    registers,
    async collect() {
      await read(this, 'payments', () => countPaymentsByStatus(deps.db), (rows) => {
        for (const status of PAYMENT_STATUSES) this.set({ status }, rows.find((r) => r.status === status)?.count ?? 0);
      });
    },
  });

  const poolStats = deps.poolStats;
  if (poolStats) {
    new Gauge({
      name: 'langgan_db_pool_connections',
      help: "This instance's PostgreSQL pool: open connections (total), idle ones, and callers waiting for one",
      labelNames: ['state'],
      registers,
      collect() {
        const stats = poolStats();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }
}
