import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The instruments code updates as things happen, in a registry of this app's own (never
 * prom-client's global one: tests build many apps in one process). Gauges read from the
 * database at scrape time are added by `database-gauges.ts`.
 *
 * Labels are bounded and carry no customer data: route patterns (never raw URLs), status
 * codes, job names, fixed outcome words.
 */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  schedulerJobRuns: Counter<'job'>;
  schedulerJobFailures: Counter<'job'>;
  schedulerJobDuration: Histogram<'job'>;
  webhookAttemptFailures: Counter;
  rateLimitStoreErrors: Counter<'operation'>;
}

/** The scheduler's `RunObserver`, feeding the three scheduler instruments. */
export function observeJobRuns(metrics: Metrics) {
  return (job: string, outcome: 'succeeded' | 'failed', seconds: number): void => {
    metrics.schedulerJobRuns.inc({ job });
    if (outcome === 'failed') metrics.schedulerJobFailures.inc({ job });
    metrics.schedulerJobDuration.observe({ job }, seconds);
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'langgan_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    schedulerJobRuns: new Counter({ name: 'langgan_scheduler_job_runs_total', help: 'Runs of a scheduled job in this instance', labelNames: ['job'], registers }),
    schedulerJobFailures: new Counter({
      name: 'langgan_scheduler_job_failures_total',
      help: 'Runs of a scheduled job that threw (the job runs again at the next tick)',
      labelNames: ['job'],
      registers,
    }),
    schedulerJobDuration: new Histogram({
      name: 'langgan_scheduler_job_duration_seconds',
      help: 'Duration of one run of a scheduled job',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
      registers,
    }),
    webhookAttemptFailures: new Counter({
      name: 'langgan_webhook_attempt_failures_total',
      help: 'Webhook delivery attempts that were refused, timed out or answered non-2xx (by this instance)',
      registers,
    }),
    rateLimitStoreErrors: new Counter({
      name: 'langgan_rate_limit_store_errors_total',
      help: 'Rate-limit store operations that failed (Redis unreachable or slow); the request was let through',
      labelNames: ['operation'],
      registers,
    }),
  };
}
