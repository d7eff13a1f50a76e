import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';
import { observeJobRuns } from '../../src/metrics/metrics.ts';
import { purgeExpired } from '../../src/modules/retention/purge-expired.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { pendingUpgrade } from '../support/billing.ts';
import { onPostgres } from '../support/database.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { freePort } from '../support/ports.ts';

/**
 * GET /metrics: Prometheus text from the app's own registry. Served on the main listener
 * only with METRICS_TOKEN (bearer, 401 otherwise, failures count toward the auth-failure
 * limit), on a loopback-only listener with METRICS_PORT, and not at all (404) without either.
 */
const TOKEN = 'metrics_test_token_0123456789abcdefghij';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_AUTH_FAILURES_PER_IP: '3' } });
  project = await createProject(t.url);
});
afterAll(() => t?.close());

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => http(t.url, 'GET', '/metrics', { headers });

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics with METRICS_TOKEN', () => {
  it('reports request durations by route pattern, scheduler runs, backlog, payments and store errors, and nothing about customers', async () => {
    const { eu, payment } = await pendingUpgrade(t, project, 'metrics-user');
    expect((await createSession(t.url, project, 'metrics-user')).status).toBe(200);
    expect((await http(t.url, 'GET', '/api/platform/end-users/metrics-user/subscription', { basic: project.creds })).status).toBe(200);
    expect((await http(t.url, 'GET', `/no/such/page?session=${payment.order_id}`)).status).toBe(404);
    const failing = { name: 'always-fails', run: async () => Promise.reject(new Error('boom')) };
    const scheduler = new Scheduler([{ name: 'retention', run: () => purgeExpired(t.deps) }, failing], 60_000, t.deps.logger, observeJobRuns(t.deps.metrics));
    await scheduler.tick();
    await scheduler.stop();

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = res.text;

    const route = '/api/platform/end-users/:end_user_id/subscription';
    expect(sample(text, `langgan_http_request_duration_seconds_count{method="GET",route="${route}",status_code="200"}`)).toBe(1);
    // Two: pendingUpgrade's end user came through the session endpoint too.
    expect(sample(text, 'langgan_http_request_duration_seconds_count{method="POST",route="/api/platform/portal/sessions",status_code="200"}')).toBe(2);
    expect(sample(text, 'langgan_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(sample(text, 'langgan_scheduler_job_runs_total{job="retention"}')).toBe(1);
    expect(sample(text, 'langgan_scheduler_job_failures_total{job="always-fails"}')).toBe(1);
    expect(sample(text, 'langgan_scheduler_job_failures_total{job="retention"}')).toBeUndefined();
    expect(sample(text, 'langgan_scheduler_job_duration_seconds_count{job="retention"}')).toBe(1);
    expect(sample(text, 'langgan_scheduler_lag_seconds')).toBe(0);
    expect(sample(text, 'langgan_webhook_deliveries{status="pending"}')).toBe(0);
    expect(sample(text, 'langgan_webhook_deliveries{status="failed"}')).toBe(0);
    expect(text).toContain('# TYPE langgan_webhook_attempt_failures_total counter');
    expect(sample(text, 'langgan_payments{status="pending"}')).toBe(1);
    expect(sample(text, 'langgan_payments{status="paid"}')).toBe(0);
    expect(text).toContain('# TYPE langgan_rate_limit_store_errors_total counter');
    if (onPostgres) expect(sample(text, 'langgan_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    else expect(text).not.toContain('langgan_db_pool_connections');

    // No ids, secrets or URLs of customers: only patterns and fixed words.
    for (const secret of [project.id, project.clientId, project.clientSecret, eu, 'metrics-user', payment.id, payment.order_id, '/no/such/page']) {
      expect(text).not.toContain(secret);
    }
  });

  it('follows the backlog: a delivery due and unsent shows as pending and as scheduler lag', async () => {
    const endpoint = await http(t.url, 'POST', `/api/admin/projects/${project.id}/webhooks`, { admin: true, body: { url: 'https://hooks.example.com/m' } });
    expect(endpoint.status, endpoint.text).toBe(201);
    await pendingUpgrade(t, project, 'metrics-backlog');
    const { publishEvents } = await import('../../src/modules/webhooks/publish.ts');
    expect(await publishEvents(t.deps)).toBeGreaterThan(0);
    t.clock.advance(120_000);
    const text = (await scrape()).text;
    expect(sample(text, 'langgan_webhook_deliveries{status="pending"}')).toBeGreaterThan(0);
    expect(sample(text, 'langgan_scheduler_lag_seconds')).toBeGreaterThanOrEqual(120);
  });

  it('answers 401 without the token or with a wrong one, and counts wrong tokens toward the failure limit', async () => {
    const missing = await scrape({});
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expect(missing.text).not.toContain('langgan_');
    expect((await scrape({ authorization: 'Basic abc' })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await scrape({ authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    // Three failures from this address: now even the right token waits for the window.
    const blocked = await scrape();
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
  });
});

describe('without METRICS_TOKEN', () => {
  it('is not registered at all (404) when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const plain = await startTestApp({ database: t.database });
    try {
      expect((await http(plain.url, 'GET', '/metrics')).status).toBe(404);
      expect((await http(plain.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('with METRICS_PORT, serves /metrics without authentication on its own listener, bound to 127.0.0.1 only', async () => {
    const port = await freePort();
    const local = await startTestApp({ database: t.database, env: { METRICS_PORT: String(port) } });
    const server = await startMetricsServer(local.deps.metrics, local.deps.config.metrics.port!, createLogger({ logLevel: 'silent' }));
    try {
      expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
      expect((await http(local.url, 'GET', '/healthz')).status).toBe(200);
      const res = await http(`http://127.0.0.1:${port}`, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('langgan_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz",status_code="200"}');
      expect((await http(local.url, 'GET', '/metrics')).status).toBe(404);  // not on the main listener
    } finally {
      await server.close();
      await local.close();
    }
  });
});
