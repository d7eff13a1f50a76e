import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http, type HttpResult } from '../support/http.ts';

/**
 * Failed authentication is limited per IP on every authenticated surface (admin key, HTTP
 * Basic, the session endpoint's body credentials) and per (IP, client_id): defaults 30 and
 * 10 per 60 s window. Addresses are told apart with X-Forwarded-For (TRUST_PROXY is on), so
 * each test uses addresses of its own.
 */
let t: TestApp;
let p: TestProject;
let q: TestProject;

beforeAll(async () => {
  t = await startTestApp({ env: { TRUST_PROXY: 'true' } });
  p = await createProject(t.url, { name: 'Target' });
  q = await createProject(t.url, { name: 'Neighbour' });
});
afterAll(() => t.close());

const basic = (clientId: string, clientSecret: string) => `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

function admin(ip: string, key = TEST_ADMIN_KEY): Promise<HttpResult> {
  return http(t.url, 'GET', '/api/admin/projects', { headers: { 'x-forwarded-for': ip, authorization: `Bearer ${key}` } });
}

function plans(ip: string, authorization: string): Promise<HttpResult> {
  return http(t.url, 'GET', '/api/platform/plans', { headers: { 'x-forwarded-for': ip, authorization } });
}

function session(ip: string, project: TestProject, clientSecret = project.clientSecret): Promise<HttpResult> {
  return http(t.url, 'POST', '/api/platform/portal/sessions', {
    headers: { 'x-forwarded-for': ip },
    body: { client_id: project.clientId, client_secret: clientSecret, end_user_id: 'limits-user' },
  });
}

/** Sends `count` requests one after another; returns their statuses and the last 429. */
async function repeat(count: number, send: (i: number) => Promise<HttpResult>): Promise<{ statuses: number[]; limited?: HttpResult }> {
  const statuses: number[] = [];
  let limited: HttpResult | undefined;
  for (let i = 0; i < count; i++) {
    const res = await send(i);
    statuses.push(res.status);
    if (res.status === 429) limited = res;
  }
  return { statuses, ...(limited && { limited }) };
}

function expectLimited(res: HttpResult | undefined, message: RegExp, retryAfter: string): void {
  expect(res?.status).toBe(429);
  expect(res!.body.error.code).toBe('rate_limited');
  expect(res!.body.error.message).toMatch(message);
  expect(res!.headers.get('retry-after')).toBe(retryAfter);
}

describe('failed authentication is limited per IP', () => {
  it('300 wrong admin keys: 30 answered 401, then 429 with the time left in the window; then the right key is refused from there too', async () => {
    const ip = '203.0.113.10';
    const first = await admin(ip, 'adm_wrong_0000000000000000000000');
    expect(first.status).toBe(401);
    t.clock.advance(15_000); // Retry-After counts down from the first failure's window
    const rest = await repeat(299, (i) => admin(ip, `adm_wrong_${String(i).padStart(22, '0')}`));
    expect(rest.statuses).toEqual([...Array(29).fill(401), ...Array(270).fill(429)]);
    expectLimited(rest.limited, /failed authentication attempts from this IP address: at most 30 per 60 seconds; retry after 45 seconds/, '45');
    expectLimited(await admin(ip), /from this IP address/, '45');
    // Another address is not affected, and the blocked one may try again after the window.
    expect((await admin('203.0.113.11')).status).toBe(200);
    t.clock.advance(45_000);
    expect((await admin(ip)).status).toBe(200);
  });

  it('300 wrong Basic credentials on GET /api/platform/plans (a new client_id each time): the same', async () => {
    const ip = '203.0.113.20';
    const guesses = await repeat(300, (i) => plans(ip, basic(`cli_guess_${i}`, 'secret')));
    expect(guesses.statuses).toEqual([...Array(30).fill(401), ...Array(270).fill(429)]);
    expectLimited(guesses.limited, /failed authentication attempts from this IP address/, '60');
    expectLimited(await plans(ip, basic(p.clientId, p.clientSecret)), /from this IP address/, '60');
    expect((await plans('203.0.113.21', basic(p.clientId, p.clientSecret))).status).toBe(200);
  });

  it('failures on one surface count on all: admin and Basic failures block the session endpoint', async () => {
    const ip = '203.0.113.30';
    await repeat(20, (i) => admin(ip, `adm_wrong_${String(i).padStart(22, '0')}`));
    await repeat(10, (i) => plans(ip, basic(`cli_other_${i}`, 'secret')));
    expectLimited(await session(ip, p), /from this IP address/, '60');
    expect((await session('203.0.113.31', p)).status).toBe(200);
  });

  it('successful requests never count toward the limit', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 50; i++) {
      expect((await admin(ip)).status).toBe(200);
      expect((await plans(ip, basic(p.clientId, p.clientSecret))).status).toBe(200);
    }
    const wrong = await repeat(30, (i) => admin(ip, `adm_wrong_${String(i).padStart(22, '0')}`));
    expect(wrong.statuses).toEqual(Array(30).fill(401));
    expect((await admin(ip)).status).toBe(429);
  });

  it('missing and malformed credentials (which can never succeed) are refused with 401 without counting', async () => {
    const ip = '203.0.113.50';
    const refused = await repeat(120, (i) => {
      const headers: Record<string, string> = { 'x-forwarded-for': ip };
      const kind = i % 4;
      if (kind === 1) headers.authorization = 'Bearer two tokens';
      if (kind === 2) headers.authorization = 'Token abc';
      const path = kind === 3 ? '/api/platform/plans' : '/api/admin/projects';
      if (kind === 3) headers.authorization = 'Basic !!!';
      return http(t.url, 'GET', path, { headers });
    });
    expect(refused.statuses).toEqual(Array(120).fill(401));
    expect((await admin(ip)).status).toBe(200);
    expect((await plans(ip, basic(p.clientId, p.clientSecret))).status).toBe(200);
  });
});

describe('failed authentication is limited per (IP, client_id), below the IP limit', () => {
  it("wrong secrets for one client from one address: 10 answered 401, then 429 for that client only — the address's other clients still work", async () => {
    const ip = '203.0.113.60';
    const guesses = await repeat(40, (i) => (i % 2 === 0 ? plans(ip, basic(p.clientId, `guess-${i}`)) : session(ip, p, `guess-${i}`)));
    expect(guesses.statuses).toEqual([...Array(10).fill(401), ...Array(30).fill(429)]);
    expectLimited(guesses.limited, /failed authentication attempts for this client from this IP address: at most 10 per 60 seconds/, '60');
    // The right secret for that client from that address waits for the window…
    expectLimited(await plans(ip, basic(p.clientId, p.clientSecret)), /for this client/, '60');
    expectLimited(await session(ip, p), /for this client/, '60');
    // …while another client behind the same address, and the same client elsewhere, carry on.
    expect((await plans(ip, basic(q.clientId, q.clientSecret))).status).toBe(200);
    expect((await session(ip, q)).status).toBe(200);
    expect((await session('203.0.113.61', p)).status).toBe(200);
  });
});
