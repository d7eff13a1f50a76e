import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { urlProblem } from './address-policy.ts';
import { publishEvents } from './publish.ts';
import { nextAttemptAt } from './retry-policy.ts';
import { send, type Resolver, type SendOutcome } from './sender.ts';
import { signatureHeader } from './signing.ts';
import * as repo from './webhooks.repository.ts';

export interface DeliveryOptions {
  /** DNS resolver (tests inject one); the system resolver by default. */
  resolve?: Resolver;
  /** Source of jitter in [0, 1) (tests make it deterministic). */
  random?: () => number;
  /** Deliveries claimed and sent concurrently per round. */
  batchSize?: number;
  /** Stop starting new rounds after this much real time; the next run continues. */
  budgetMs?: number;
}

export interface DeliveryRunSummary {
  published: number;
  attempted: number;
  succeeded: number;
}

/** A claim outlives the longest possible attempt by this much before others may retry. */
const LEASE_MARGIN_MS = 60_000;
const USER_AGENT = 'Langgan-Webhooks/1';

/**
 * The `deliver-webhooks` job: publish new events (fan-out to endpoints), then send every
 * delivery that is due, round after round, until none is left or the time budget is spent.
 * Safe to run on any number of instances at once (see the claim in webhooks.repository.ts).
 */
export async function deliverWebhooks(deps: Deps, options: DeliveryOptions = {}): Promise<DeliveryRunSummary> {
  const batchSize = options.batchSize ?? 16;
  const budgetMs = options.budgetMs ?? 25_000;
  const startedAt = Date.now();
  const summary: DeliveryRunSummary = { published: 0, attempted: 0, succeeded: 0 };
  try {
    summary.published = await publishEvents(deps);
  } catch (err) {
    // Deliveries already queued still go out; publication is retried at the next run.
    deps.logger.error({ err }, 'publishing events failed');
  }

  for (;;) {
    const now = deps.clock.now();
    const claimed = await repo.claimDueDeliveries(deps.db, {
      now,
      leaseUntil: new Date(now.getTime() + deps.config.webhooks.timeoutMs + LEASE_MARGIN_MS),
      limit: batchSize,
      token: randomUUID(),
    });
    if (claimed.length === 0) break;
    const results = await Promise.all(claimed.map((delivery) => attempt(deps, delivery, options)));
    summary.attempted += results.length;
    summary.succeeded += results.filter(Boolean).length;
    if (claimed.length < batchSize || Date.now() - startedAt > budgetMs) break;
  }
  return summary;
}

/** Sends one claimed delivery and records the outcome. Returns whether it was delivered. */
async function attempt(deps: Deps, d: repo.ClaimedDelivery, options: DeliveryOptions): Promise<boolean> {
  const attemptedAt = deps.clock.now();
  let outcome: SendOutcome;
  // Checked again at every attempt: the project may have left development mode since. A
  // production instance ignores development mode altogether: no http://, no private address.
  const developmentMode = d.development_mode && deps.config.env !== 'production';
  const problem = urlProblem(d.url, developmentMode);
  if (problem) {
    outcome = { statusCode: null, error: `refused: the endpoint URL ${problem}`, durationMs: 0 };
  } else {
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const secrets = [d.secret];
    if (d.previous_secret && d.previous_secret_expires_at && d.previous_secret_expires_at > attemptedAt) secrets.push(d.previous_secret);
    outcome = await send({
      url: d.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        // The event id: the same for every attempt and replay, so receivers can deduplicate.
        'webhook-id': d.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, d.event_id, timestamp, d.payload),
      },
      body: d.payload,
      timeoutMs: deps.config.webhooks.timeoutMs,
      allowPrivate: developmentMode,
      ...(options.resolve && { resolve: options.resolve }),
    });
  }

  const succeeded = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const now = deps.clock.now();
  const next = succeeded ? null : nextAttemptAt(now, d.window_started_at, d.attempts_in_window, deps.config.webhooks.retryWindowMs, options.random);
  try {
    await deps.db.transaction().execute((trx) =>
      repo.recordAttempt(trx, {
        deliveryId: d.id,
        claimToken: d.claim_token,
        attemptedAt,
        statusCode: outcome.statusCode,
        durationMs: outcome.durationMs,
        error: outcome.error,
        responseExcerpt: outcome.responseExcerpt ?? null,
        succeeded,
        nextAttemptAt: next,
        now,
      }),
    );
  } catch (err) {
    // The endpoint was deleted meanwhile (its deliveries went with it), or the database
    // is unreachable: the lease runs out and the delivery is retried.
    deps.logger.warn({ err, delivery_id: d.id }, 'could not record a webhook attempt');
  }
  if (!succeeded) {
    deps.metrics.webhookAttemptFailures.inc();
    deps.logger.info({ delivery_id: d.id, status: outcome.statusCode, error: outcome.error, next_attempt_at: next }, 'webhook delivery attempt failed');
  }
  return succeeded;
}
