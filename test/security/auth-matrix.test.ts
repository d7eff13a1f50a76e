import type { RouteOptions } from 'fastify';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { TEST_ADMIN_KEY, startTestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http, type HttpResult } from '../support/http.ts';

/**
 * The auth matrix, derived from the routes the application registers (an `onRoute`
 * collector), not from a hand-written list: a route added tomorrow is in it tomorrow.
 *
 * Every registered route is classified by its path: `/api/admin/*` needs the admin key,
 * `/api/platform/*` client credentials (HTTP Basic; the session endpoint takes them in
 * its body), and anything else must be on the commented PUBLIC list below — or this test
 * fails. For every method of every guarded route: no credentials and a range of wrong
 * ones answer 401 and change nothing; for platform routes, another project's valid
 * credentials never see or change this project's data.
 */

interface CollectedRoute {
  method: string;
  url: string;
  bodyExample: unknown;
  /** The statuses its response schema documents (OpenAPI shows these). */
  documented: string[];
}

function routeCollector() {
  const routes: CollectedRoute[] = [];
  const onRoute = (route: RouteOptions) => {
    const body = route.schema?.body as { examples?: unknown[] } | undefined;
    const documented = Object.keys((route.schema?.response as object | undefined) ?? {});
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, bodyExample: body?.examples?.[0], documented });
  };
  return { routes, onRoute };
}

/** Routes outside the client/admin credentials on purpose; each has its own authentication and tests. */
const PUBLIC: Array<[RegExp, string]> = [
  [/^\/(docs|openapi\.json)(\/|$)/, 'the API documentation and the /docs playground: public by design'],
  [/^\/(healthz|readyz)$/, 'load-balancer probes; they answer no data'],
  [/^\/api\/webhooks\/midtrans$/, "Midtrans notifications: authenticated by Midtrans' signature (test/billing/webhook-security.test.ts)"],
  [/^\/portal(\/|$)/, "the end user's portal: authenticated by its session cookie (test/portal/portal-http.test.ts)"],
  [/^\/dashboard(\/|$)/, 'the dashboard: its own session cookie and roles (test/dashboard/dashboard-http.test.ts)'],
  [/^\/fonts\/[\w-]+\.woff2$/, 'self-hosted theme fonts: public static files, immutable (test/dashboard/branding.test.ts)'],
  [/^\/logos\/:id$/, "project logos: shown on the portal's pages to signed-out customers too; ids are content hashes (test/dashboard/branding.test.ts)"],
  [/^\/metrics$/, 'Prometheus metrics: registered only with METRICS_TOKEN, its own bearer token (test/metrics/metrics.test.ts)'],
];

type Guard = 'admin' | 'client-basic' | 'client-body' | 'public';

function guardOf(url: string): Guard | undefined {
  if (url === '/api/admin' || url.startsWith('/api/admin/')) return 'admin';
  // The one platform route whose credentials are body fields (the seed's documented call).
  if (url === '/api/platform/portal/sessions') return 'client-body';
  if (url === '/api/platform' || url.startsWith('/api/platform/')) return 'client-basic';
  if (PUBLIC.some(([pattern]) => pattern.test(url))) return 'public';
  return undefined;
}

const collected = routeCollector();
// This file fails authentication hundreds of times on purpose; the limit on failures has
// its own tests (auth-failure-limits.test.ts).
// METRICS_TOKEN registers /metrics, so the matrix sees every route an operator can turn on.
const t = await startTestApp({
  env: { RATE_LIMIT_AUTH_FAILURES_PER_IP: '1000000', RATE_LIMIT_AUTH_FAILURES_PER_IP_AND_CLIENT: '1000000', METRICS_TOKEN: 'metrics_matrix_token_0123456789abcdefgh' },
  appOptions: { onRoute: collected.onRoute },
});
afterAll(() => t.close());

const routesGuardedBy = (guard: Guard) => collected.routes.filter((r) => guardOf(r.url) === guard);
const nameOf = (r: CollectedRoute) => `${r.method} ${r.url}`;

let a: TestProject;
let b: TestProject;
let endpointId: string;
let deliveryId: string;

/** Plausible values for path parameters: project A's own, so only the credentials are wrong. */
const PARAMS: Record<string, () => string> = {
  id: () => a.id,
  planId: () => a.plans.pro!.id,
  endpointId: () => endpointId,
  deliveryId: () => deliveryId,
  end_user_id: () => 'a-user',
};

beforeAll(async () => {
  a = await createProject(t.url, { name: 'Matrix A' });
  b = await createProject(t.url, { name: 'Matrix B' });
  // A has data of every kind the routes reach: a webhook endpoint (before the events, so
  // they are delivered to it), end users, a pending payment, events and a delivery.
  const endpoint = await http(t.url, 'POST', `/api/admin/projects/${a.id}/webhooks`, { admin: true, body: { url: 'https://hooks.example.com/a' } });
  expect(endpoint.status, endpoint.text).toBe(201);
  endpointId = endpoint.body.id;
  for (const user of ['a-user', 'a-other']) expect((await createSession(t.url, a, user)).status).toBe(200);
  const change = await http(t.url, 'POST', '/api/platform/end-users/a-user/subscription/change', { basic: a.creds, body: { plan_code: 'pro' } });
  expect(change.status, change.text).toBe(200);
  expect((await createSession(t.url, b, 'b-user')).status).toBe(200);
  await publishEvents(t.deps);
  const delivery = await t.database.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', endpointId).executeTakeFirstOrThrow();
  deliveryId = delivery.id;
  expect(await t.database.db.selectFrom('payments').select('id').where('project_id', '=', a.id).execute()).toHaveLength(1);
});

// ---------------------------------------------------------------------------------------------
// Requests and snapshots
// ---------------------------------------------------------------------------------------------

function pathOf(route: CollectedRoute): string {
  return route.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`no plausible value for :${name} in ${route.url}: add one to PARAMS`);
    return encodeURIComponent(value());
  });
}

function send(base: string, route: CollectedRoute, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
  const withBody = body !== undefined && route.method !== 'GET' && route.method !== 'HEAD';
  return http(base, route.method, pathOf(route), { headers, ...(withBody && { body }) });
}

const basic = (clientId: string, clientSecret: string) => `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

/** Every table's rows (optionally only project A's), as text: equal snapshots mean nothing changed. */
async function dump(onlyProject?: string): Promise<Record<string, string>> {
  const db = t.database.db;
  const tables = await sql<{ table_name: string; scoped: boolean }>`
    select t.table_name, exists (
      select 1 from information_schema.columns c
      where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'project_id') as scoped
    from information_schema.tables t
    where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by t.table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { table_name: name, scoped } of tables.rows) {
    const where =
      onlyProject === undefined ? sql`` : scoped ? sql`where x.project_id = ${onlyProject}` : name === 'projects' ? sql`where x.id = ${onlyProject}` : sql``;
    const result = await sql<{ rows: string | null }>`select string_agg(x::text, E'\n' order by x::text) as rows from ${sql.table(name)} x ${where}`.execute(db);
    out[name] = result.rows[0]?.rows ?? '';
  }
  expect(Object.keys(out).length).toBeGreaterThan(10);
  return out;
}

/** The generated ids (`prefix_` + 22 characters) found anywhere in project A's rows. */
async function idsOfA(): Promise<string[]> {
  const ids = new Set<string>();
  for (const rows of Object.values(await dump(a.id))) for (const id of rows.match(/\b[a-z]+_[A-Za-z0-9_-]{22}\b/g) ?? []) ids.add(id);
  ids.add(a.clientId);
  return [...ids];
}

// ---------------------------------------------------------------------------------------------
// The checks: each returns its problems, so the canary test can show they would catch one
// ---------------------------------------------------------------------------------------------

const WRONG_KEY = 'adm_wrong_key_0123456789abcdefghijklm';
const adminAttempts = (): Array<[string, Record<string, string>]> => [
  ['no Authorization header', {}],
  ['an empty Authorization header', { authorization: '' }],
  ['Bearer with no key', { authorization: 'Bearer' }],
  ['Bearer and a space only', { authorization: 'Bearer ' }],
  ['the right key without a scheme', { authorization: TEST_ADMIN_KEY }],
  ['the right key as Basic', { authorization: `Basic ${Buffer.from(TEST_ADMIN_KEY).toString('base64')}` }],
  ['the right key as Basic user:key', { authorization: basic('admin', TEST_ADMIN_KEY) }],
  ['the right key under Token scheme', { authorization: `Token ${TEST_ADMIN_KEY}` }],
  ['the right key with an extra token', { authorization: `Bearer ${TEST_ADMIN_KEY} extra` }],
  ['the right key in X-API-Key', { 'x-api-key': TEST_ADMIN_KEY }],
  ["project A's client credentials as Basic", { authorization: basic(a.clientId, a.clientSecret) }],
  ["project A's client_secret as Bearer", { authorization: `Bearer ${a.clientSecret}` }],
  ['a wrong key', { authorization: `Bearer ${WRONG_KEY}` }],
  ['the key with one character dropped', { authorization: `Bearer ${TEST_ADMIN_KEY.slice(0, -1)}` }],
  ['the key with one character added', { authorization: `Bearer ${TEST_ADMIN_KEY}x` }],
  ['the key in upper case', { authorization: `Bearer ${TEST_ADMIN_KEY.toUpperCase()}` }],
  ['the key prefix only', { authorization: `Bearer ${TEST_ADMIN_KEY.slice(0, 8)}` }],
];

const basicAttempts = (): Array<[string, Record<string, string>]> => [
  ['no Authorization header', {}],
  ['malformed Basic', { authorization: 'Basic !!!' }],
  ['Basic without a colon', { authorization: `Basic ${Buffer.from(a.clientId).toString('base64')}` }],
  ["A's client_id with a wrong secret", { authorization: basic(a.clientId, `${a.clientSecret}x`) }],
  ["A's client_id with B's secret", { authorization: basic(a.clientId, b.clientSecret) }],
  ['an unknown client_id', { authorization: basic('cli_AAAAAAAAAAAAAAAAAAAAAA', a.clientSecret) }],
  ["A's secret as Bearer", { authorization: `Bearer ${a.clientSecret}` }],
  ['the admin key as Bearer', { authorization: `Bearer ${TEST_ADMIN_KEY}` }],
];

const bodyAttempts = (): Array<[string, Record<string, string>]> => [
  ["A's client_id with a wrong secret", { client_id: a.clientId, client_secret: `${a.clientSecret}x` }],
  ["A's client_id with B's secret", { client_id: a.clientId, client_secret: b.clientSecret }],
  ["B's client_id with A's secret", { client_id: b.clientId, client_secret: a.clientSecret }],
  ['an unknown client_id', { client_id: 'cli_AAAAAAAAAAAAAAAAAAAAAA', client_secret: a.clientSecret }],
];

/**
 * Problems with one refused answer: not a 401 `{"error"}` with one of `codes`, internals
 * shown, or anything it guards (or the presented credential) in it.
 */
function refusalProblems(what: string, route: CollectedRoute, res: HttpResult, codes: string[], presented = ''): string[] {
  const problems: string[] = [];
  if (res.status !== 401) problems.push(`${what}: answered ${res.status}, not 401`);
  else if (route.method !== 'HEAD' && (!codes.includes(res.body?.error?.code) || Object.keys(res.body).join() !== 'error')) {
    problems.push(`${what}: answered ${res.text}`);
  }
  if (/\n\s+at |node_modules|FST_ERR|"stack"/.test(res.text)) problems.push(`${what}: the answer shows internals`);
  const guarded = [TEST_ADMIN_KEY, a.clientSecret, a.id, 'Matrix A', ...(presented.length > 10 ? [presented] : [])];
  for (const secret of guarded) if (res.text.includes(secret)) problems.push(`${what}: the answer contains ${secret}`);
  return problems;
}

/** No credentials or wrong ones on a route that needs `guard`: every answer 401, nothing changed. */
async function credentialProblems(base: string, route: CollectedRoute, guard: 'admin' | 'client-basic'): Promise<string[]> {
  const before = await dump();
  const problems: string[] = [];
  const attempts = guard === 'admin' ? adminAttempts() : basicAttempts();
  for (const [what, headers] of attempts) {
    // A body the schema would refuse: 401 must come before validation.
    const res = await send(base, route, headers, route.bodyExample === undefined ? undefined : { unexpected_field: true });
    problems.push(...refusalProblems(what, route, res, ['unauthorized', 'invalid_credentials'], headers.authorization));
  }
  if (JSON.stringify(await dump()) !== JSON.stringify(before)) problems.push('a refused request changed the database');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

describe('the routes under test are the registered ones', () => {
  it('classifies every registered route: guarded by the admin key or client credentials, or explicitly public', () => {
    const unclassified = collected.routes.filter((r) => guardOf(r.url) === undefined).map(nameOf);
    expect(unclassified, 'add these to a guarded scope, or to PUBLIC with the reason').toEqual([]);
  });

  it('covers every admin and platform route, the nine webhook admin routes among them (so it cannot pass vacuously)', () => {
    const notHead = (r: CollectedRoute) => r.method !== 'HEAD';
    expect(routesGuardedBy('admin').filter(notHead).length).toBeGreaterThanOrEqual(18);
    expect([...routesGuardedBy('client-basic'), ...routesGuardedBy('client-body')].filter(notHead).length).toBeGreaterThanOrEqual(10);
    expect(routesGuardedBy('admin').filter((r) => notHead(r) && r.url.includes('/webhooks')).length).toBe(9);
    expect(routesGuardedBy('admin').some((r) => r.method === 'HEAD')).toBe(true);
  });

  it('documents 401 and 429 (the failure limit) on every guarded route', () => {
    const guarded = collected.routes.filter((r) => !['public', undefined].includes(guardOf(r.url)));
    const undocumented = guarded.filter((r) => !r.documented.includes('401') || !r.documented.includes('429')).map(nameOf);
    expect(undocumented).toEqual([]);
  });
});

describe('admin routes: no key or a wrong key → 401, nothing changes', () => {
  for (const route of routesGuardedBy('admin')) {
    it(nameOf(route), async () => {
      expect(await credentialProblems(t.url, route, 'admin')).toEqual([]);
    });
  }
});

describe('platform routes (HTTP Basic): no credentials or wrong ones → 401, nothing changes', () => {
  for (const route of routesGuardedBy('client-basic')) {
    it(nameOf(route), async () => {
      expect(await credentialProblems(t.url, route, 'client-basic')).toEqual([]);
    });
  }
});

describe('the session endpoint (credentials in the body)', () => {
  for (const route of routesGuardedBy('client-body')) {
    it(`${nameOf(route)}: wrong credentials → 401 invalid_credentials; none → 400 naming them; nothing changes`, async () => {
      const before = await dump();
      for (const [what, creds] of bodyAttempts()) {
        // A correct Basic header does not rescue wrong body credentials: only the body is read.
        const res = await send(t.url, route, { authorization: basic(a.clientId, a.clientSecret) }, { ...creds, end_user_id: 'a-user' });
        expect(refusalProblems(what, route, res, ['invalid_credentials'])).toEqual([]);
      }
      // The documented body requires both fields: their absence is a validation error before any work.
      const none = await send(t.url, route, {}, { end_user_id: 'a-user' });
      expect(none.status, none.text).toBe(400);
      expect(none.body.error.message).toMatch(/client_id|client_secret/);
      expect(await dump()).toEqual(before);
    });
  }
});

describe("platform routes: project B's valid credentials never see or change project A's data", () => {
  for (const route of [...routesGuardedBy('client-body'), ...routesGuardedBy('client-basic')]) {
    it(nameOf(route), async () => {
      const aIds = await idsOfA();
      const before = await dump(a.id);
      const example = structuredClone(route.bodyExample);
      const res =
        guardOf(route.url) === 'client-body'
          ? // A's other end user's id, from B: B gets an end user of its own by that name.
            await send(t.url, route, {}, { ...(example as object), client_id: b.clientId, client_secret: b.clientSecret, end_user_id: 'a-other' })
          : await send(t.url, route, { authorization: basic(b.clientId, b.clientSecret) }, example);
      if (route.url.includes(':end_user_id')) {
        // 404 as for any id B never made; HEAD answers carry no body to name the code.
        expect(res.status, res.text).toBe(404);
        if (route.method !== 'HEAD') expect(res.body.error.code).toBe('end_user_not_found');
      } else {
        expect(res.status, res.text).toBeGreaterThanOrEqual(200);
        expect(res.status, res.text).toBeLessThan(300);
      }
      expect(aIds.filter((id) => res.text.includes(id)), "A's ids in B's answer").toEqual([]);
      expect(await dump(a.id)).toEqual(before);
    });
  }
});

describe('the matrix would catch an unguarded route', () => {
  it('fails a route registered under /api/admin or /api/platform without its guard, and an unclassified one', async () => {
    const canary = routeCollector();
    const app = await buildApp(t.deps, { onRoute: canary.onRoute });
    // Registered beside the guarded scopes, not inside them: the mistake the matrix exists for.
    await app.register(async (rogue) => {
      rogue.get('/api/admin/rogue-export', async () => ({ data: 'everything' }));
      rogue.post('/api/platform/rogue-action', async () => ({ ok: true }));
      rogue.get('/api/rogue-report', async () => ({ data: 'everything' }));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const rogues = canary.routes.filter((r) => r.url.includes('rogue'));
      expect(rogues.map(nameOf)).toEqual(['GET /api/admin/rogue-export', 'HEAD /api/admin/rogue-export', 'POST /api/platform/rogue-action', 'GET /api/rogue-report', 'HEAD /api/rogue-report']);
      for (const route of rogues.filter((r) => guardOf(r.url) === 'admin')) expect(await credentialProblems(base, route, 'admin')).not.toEqual([]);
      expect(await credentialProblems(base, rogues[2]!, 'client-basic')).not.toEqual([]);
      expect(rogues.filter((r) => guardOf(r.url) === undefined).map(nameOf)).toEqual(['GET /api/rogue-report', 'HEAD /api/rogue-report']);
      // The same checks pass for the real routes of this second app: the difference is the guard.
      const real = canary.routes.find((r) => r.url === '/api/admin/projects/:id/webhooks' && r.method === 'GET')!;
      expect(await credentialProblems(base, real, 'admin')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
