import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS as REDIS_COMMAND_TIMEOUT_MS } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http, type HttpResult } from '../support/http.ts';
import { startTwoInstances, type TwoInstances } from '../support/instances.ts';
import { freePort } from '../support/ports.ts';
import { connectTestRedis, deleteKeys, startPrivateRedis, TEST_REDIS_URL, uniqueKeyPrefix } from '../support/redis.ts';

/**
 * With REDIS_URL set, every limit counts in Redis, so N instances enforce one limit; when
 * Redis is unreachable or hangs, requests are still served (limits fail open), the failures
 * are counted in /metrics and logged once, not once per request. Addresses are told apart
 * with X-Forwarded-For (TRUST_PROXY), so each test has counters of its own.
 */
const METRICS_TOKEN = 'metrics_test_token_0123456789abcdefghij';
const prefix = uniqueKeyPrefix();
const LIMITS = { RATE_LIMIT_SESSIONS_PER_IP: '5', RATE_LIMIT_AUTH_FAILURES_PER_IP: '3', TRUST_PROXY: 'true', METRICS_TOKEN };

let redis: Redis;
let instances: TwoInstances;
let a: TestApp;
let b: TestApp;
let project: TestProject;

beforeAll(async () => {
  redis = await connectTestRedis();
  // These two instances are about sharing, not timeouts: on PGlite they run in this process
  // beside the database, whose queries can hold the event loop past the default 200 ms, and
  // an answer read after its timeout has fired fails open (served, uncounted).
  instances = await startTwoInstances({ env: { ...LIMITS, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' } });
  ({ a, b } = instances);
  project = await createProject(a.url);
});

afterAll(async () => {
  await instances?.close();
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

function session(base: string, ip: string): Promise<HttpResult> {
  return http(base, 'POST', '/api/platform/portal/sessions', {
    headers: { 'x-forwarded-for': ip },
    body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'shared-limits' },
  });
}

function adminCall(base: string, ip: string, key: string): Promise<HttpResult> {
  return http(base, 'GET', '/api/admin/projects', { headers: { 'x-forwarded-for': ip, authorization: `Bearer ${key}` } });
}

async function metricsOf(t: TestApp): Promise<string> {
  const res = await http(t.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text;
}

function counterValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('limits shared through Redis', () => {
  it('holds the per-IP session limit across two instances: 3 on A and 3 on B, the sixth is 429', async () => {
    const ip = '198.51.100.1';
    const statuses: number[] = [];
    for (const base of [a.url, a.url, a.url, b.url, b.url]) statuses.push((await session(base, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await session(b.url, ip);
    expect(sixth.status, sixth.text).toBe(429);
    expect(sixth.body.error.code).toBe('rate_limited');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another address is counted on its own, on either instance.
    expect((await session(a.url, '198.51.100.2')).status).toBe(200);
    expect(await redis.get(`${prefix}sessions-ip:${ip}`)).toBe('6');
  });

  it('holds the failed-authentication limit across instances: failures on A and on B block the address on both', async () => {
    const ip = '198.51.100.3';
    expect((await adminCall(a.url, ip, 'adm_wrong_key_0123456789abcdefghij')).status).toBe(401);
    expect((await adminCall(b.url, ip, 'adm_wrong_key_0123456789abcdefghij')).status).toBe(401);
    expect((await adminCall(a.url, ip, TEST_ADMIN_KEY)).status).toBe(200);  // 2 of 3 failures: still allowed
    expect((await adminCall(b.url, ip, 'adm_wrong_key_0123456789abcdefghij')).status).toBe(401);
    for (const base of [a.url, b.url]) expect((await adminCall(base, ip, TEST_ADMIN_KEY)).status).toBe(429);
  });

  it('counts no store errors while Redis answers', async () => {
    const text = await metricsOf(a);
    expect(counterValue(text, 'langgan_rate_limit_store_errors_total{operation="hit"}')).toBe(0);
    expect(counterValue(text, 'langgan_rate_limit_store_errors_total{operation="peek"}')).toBe(0);
  });
});

describe('when Redis fails, requests are served (limits fail open)', () => {
  it('serves every request while Redis is unreachable, counts the failures in /metrics and logs them once', async () => {
    const lines: Array<{ msg: string; level: number }> = [];
    const logger = createLogger({ logLevel: 'warn' }, new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const closedPort = await freePort();
    const t = await startTestApp({
      database: instances.shared,
      env: { ...LIMITS, RATE_LIMIT_SESSIONS_PER_IP: '2', REDIS_URL: `redis://127.0.0.1:${closedPort}`, REDIS_KEY_PREFIX: prefix },
      logger,
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const startedAt = performance.now();
        const res = await http(t.url, 'POST', '/api/platform/portal/sessions', {
          body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'no-redis' },
        });
        statuses.push(res.status);
        expect(performance.now() - startedAt).toBeLessThan(1000);  // no queueing, no waiting for a reconnect
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);  // a limit of 2, not enforced without its store

      const text = await metricsOf(t);
      // Per session request: the per-IP and per-client limiters hit; the failure limits peek.
      expect(counterValue(text, 'langgan_rate_limit_store_errors_total{operation="hit"}')).toBeGreaterThanOrEqual(12);
      expect(counterValue(text, 'langgan_rate_limit_store_errors_total{operation="peek"}')).toBeGreaterThanOrEqual(12);
      const warnings = lines.filter((l) => l.msg.startsWith('rate-limit store: Redis is failing'));
      expect(warnings).toHaveLength(1);  // the clock is frozen: one line per 30 s however many failures
    } finally {
      await t.close();
    }
  });

  it('answers within a few command timeouts when Redis accepts connections but stops answering', async () => {
    const server = await startPrivateRedis();
    const t = await startTestApp({ database: instances.shared, env: { ...LIMITS, REDIS_URL: server.url, REDIS_KEY_PREFIX: prefix } });
    try {
      const call = () =>
        http(t.url, 'POST', '/api/platform/portal/sessions', {
          headers: { 'x-forwarded-for': '198.51.100.9' },
          body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'hung-redis' },
        });
      // Counted from the first request: the app started only once its Redis client was ready
      // (until then operations fail open at once, and freezing Redis would test nothing).
      expect((await call()).status).toBe(200);
      const probe = new Redis(server.url, { maxRetriesPerRequest: 0 });
      expect(await probe.get(`${prefix}sessions-ip:198.51.100.9`)).toBe('1');
      probe.disconnect();
      server.process.kill('SIGSTOP');
      const startedAt = performance.now();
      const res = await call();
      const elapsed = performance.now() - startedAt;
      expect(res.status, res.text).toBe(200);
      // Three sequential store steps (IP limiter, failure-limit peeks, client limiter), each cut off.
      expect(elapsed).toBeGreaterThanOrEqual(REDIS_COMMAND_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(4 * REDIS_COMMAND_TIMEOUT_MS + 1000);
      const text = await metricsOf(t);
      expect(counterValue(text, 'langgan_rate_limit_store_errors_total{operation="hit"}')).toBeGreaterThanOrEqual(2);
    } finally {
      await t.close();
      await server.stop();
    }
  });

  it('waits at start for a Redis that is slow to answer, so the first request is counted', async () => {
    const server = await startPrivateRedis();
    const probe = new Redis(server.url, { maxRetriesPerRequest: 0 });
    server.process.kill('SIGSTOP');
    const resume = setTimeout(() => server.process.kill('SIGCONT'), 1000);
    let t: TestApp | undefined;
    try {
      t = await startTestApp({ database: instances.shared, env: { ...LIMITS, REDIS_URL: server.url, REDIS_KEY_PREFIX: prefix } });
      const res = await http(t.url, 'POST', '/api/platform/portal/sessions', {
        headers: { 'x-forwarded-for': '198.51.100.10' },
        body: { client_id: project.clientId, client_secret: project.clientSecret, end_user_id: 'slow-redis' },
      });
      expect(res.status, res.text).toBe(200);
      expect(await probe.get(`${prefix}sessions-ip:198.51.100.10`)).toBe('1');
      expect(counterValue(await metricsOf(t), 'langgan_rate_limit_store_errors_total{operation="hit"}')).toBe(0);
    } finally {
      clearTimeout(resume);
      probe.disconnect();
      await t?.close();
      await server.stop();
    }
  });
});
