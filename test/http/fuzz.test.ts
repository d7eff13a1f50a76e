import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import { PortalClient } from '../portal/support/portal-client.ts';

/**
 * Hostile input against every operation of the OpenAPI document (with valid credentials
 * where it needs them) and every portal route: wrong types, missing and extra fields, huge
 * strings, nesting 10, 1,000 and 50,000 deep, NUL, lone surrogates, odd Unicode. Whatever
 * comes in, the answer is a 4xx or a success — never a 5xx, never a stack trace.
 */
let t: TestApp;
let project: TestProject;
let doc: any;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
  doc = (await http(t.url, 'GET', '/openapi.json')).body;
});
afterAll(() => t.close());

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const HUGE = 'x'.repeat(60_000);
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** Raw JSON texts: nesting at 10, 1,000 and 50,000 levels (the last just inside 100 KB). */
const DEEP = [nestedArrays(10), nestedArrays(1_000), nestedArrays(50_000), nestedObjects(10), nestedObjects(1_000), nestedObjects(15_000)];
const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', ' ', HUGE, 'a\u0000b', '\ud800', '\udfff x', 'ü😀\u202e\u200b', '<script>', '__proto__', 'constructor', [], ['x'], {}, { __proto__: 1 }];
/** Path and query values, already percent-encoded: NUL, a UTF-8-encoded lone surrogate, junk. */
const ODD_SEGMENTS = ['x', '%00', 'a%00b', '%ED%A0%80', '%FF', '%C3%BC%F0%9F%98%80', 'constructor', '__proto__', encodeURIComponent(HUGE.slice(0, 3000)), '..%2F..', '-1', '1e308'];

function resolve(schema: any): any {
  return schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
}

function exampleOf(media: any): Record<string, unknown> | undefined {
  if (!media) return undefined;
  const found = media.example ?? (media.examples && (Object.values(media.examples)[0] as any)?.value) ?? resolve(media.schema)?.examples?.[0];
  return found && typeof found === 'object' ? structuredClone(found) : undefined;
}

function authFor(op: any): Record<string, string> {
  const schemes = (op.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s));
  if (schemes.includes('adminKey')) return { authorization: `Bearer ${TEST_ADMIN_KEY}` };
  if (schemes.includes('clientBasic')) return { authorization: `Basic ${Buffer.from(`${project.clientId}:${project.clientSecret}`).toString('base64')}` };
  return {};
}

/** The probes of one operation: odd path segments, odd query values, odd bodies. */
function probesOf(path: string, method: string, op: any): Probe[] {
  const headers = authFor(op);
  const params: any[] = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name as string);
  const queryParams = params.filter((p) => p.in === 'query').map((p) => p.name as string);
  const fill = (segment: string) => pathParams.reduce((p, name) => p.replace(`{${name}}`, segment), path);
  const media = op.requestBody?.content?.['application/json'];
  const base = exampleOf(media) ?? {};
  if ('client_id' in base) Object.assign(base, { client_id: project.clientId, client_secret: project.clientSecret });
  const json = (value: unknown) => JSON.stringify(value);
  const baseBody = media ? json(base) : undefined;
  const probes: Probe[] = [];
  const add = (p: string, body?: string, extra: Record<string, string> = {}) =>
    probes.push({ method: method.toUpperCase(), path: p, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }), ...extra }, ...(body !== undefined && { body }) });

  for (const segment of pathParams.length ? ODD_SEGMENTS : []) add(fill(segment), baseBody);
  const here = fill('x_fuzz_0123456789');
  for (const name of [...queryParams, 'extra']) for (const value of ODD_SEGMENTS) add(`${here}?${name}=${value}`, baseBody);
  add(`${here}?${queryParams.map((n) => `${n}[]=1&${n}[a]=2`).join('&')}`, baseBody);
  if (!media) return probes;

  const schema = resolve(media.schema);
  const fields = Object.keys(schema?.properties ?? {});
  for (const field of fields) {
    for (const value of ODD_VALUES) add(here, json({ ...base, [field]: value }));
    const without = { ...base };
    delete without[field];
    add(here, json(without));
    // The field last, its value replaced by the raw nested text.
    for (const deep of DEEP) add(here, `${json({ ...without, [field]: 0 }).slice(0, -2)}${deep}}`);
  }
  for (const raw of ['', 'null', '[]', '"x"', '1', '{', json({ ...base, extra_field: 1 }), json({ ...base, ['\u0000']: 1 }), json({ ...base, ['\ud800']: 1 }), ...DEEP]) add(here, raw);
  add(here, baseBody, { 'content-type': 'application/json; charset=utf-16' });
  add(here, baseBody, { 'content-type': 'text/plain' });
  add(here, baseBody, { 'content-type': 'application/x-www-form-urlencoded' });
  return probes;
}

/** Runs probes a few at a time; returns every 5xx (or leaked stack) as a line. */
/** Answers by status, to check the probes got past authentication to the validation layer. */
const statuses = new Map<number, number>();

async function run(probes: Probe[], send: (p: Probe) => Promise<{ status: number; text: string }>): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const probe = probes[next++]!;
      const res = await send(probe);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || /\bat [\w.<>]+ \(|node_modules|\.ts:\d+/.test(res.text)) {
        failures.push(`${probe.method} ${probe.path.slice(0, 120)} ${probe.body?.slice(0, 80) ?? ''} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return failures;
}

it('no operation of the OpenAPI document answers a 5xx to hostile input', { timeout: 120_000 }, async () => {
  const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
  expect(operations.length).toBeGreaterThan(20);
  const probes = operations.flatMap(({ path, method, op }) => probesOf(path, method, op));
  expect(probes.length).toBeGreaterThan(1_000);
  expect(probes.length).toBeLessThan(6_000);
  const failures = await run(probes, async (p) => {
    const res = await fetch(t.url + p.path, { method: p.method, headers: p.headers, body: p.body, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  });
  expect(failures).toEqual([]);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(probes.length / 2);
});

it('no portal route answers a 5xx to junk params, NUL in path and query, or junk forms', { timeout: 120_000 }, async () => {
  const minted = await createSession(t.url, project, 'fuzz-user');
  const client = new PortalClient(t.url, t.deps.config.publicUrl);
  expect((await client.get(minted.body.portal_url)).status).toBe(303);
  const gets = ['/portal', '/portal/plans', '/portal/plans/{id}', '/portal/payments', '/portal/payments/return', '/portal/payments/{id}', '/portal/payments/{id}/status', '/portal/cancel'];
  const posts = ['/portal/plans/{id}', '/portal/cancel', '/portal/resume', '/portal/scheduled-change/withdraw', '/portal/back', '/portal/switch'];
  const probes: Probe[] = [];
  for (const route of gets) {
    for (const segment of ODD_SEGMENTS) {
      probes.push({ method: 'GET', path: route.replace('{id}', segment), headers: {} });
      for (const name of ['session', 'notice', 'page', 'order_id', 'redirect_uri']) probes.push({ method: 'GET', path: `${route.replace('{id}', 'x')}?${name}=${segment}`, headers: {} });
    }
    probes.push({ method: 'HEAD', path: `${route.replace('{id}', 'x')}?session=${'a'.repeat(40)}`, headers: {} });
  }
  const forms = ['', 'csrf=x', 'csrf=%00&action_id=%00', `csrf=${'a'.repeat(5000)}`, 'csrf[]=1&csrf[]=2', 'csrf[a]=1', 'reason=constructor&comment=%ED%A0%80', 'session=%00&csrf=x', 'a=1&'.repeat(500)];
  for (const route of posts) {
    for (const form of forms) {
      for (const segment of ['x', '%00']) {
        probes.push({
          method: 'POST',
          path: route.replace('{id}', segment),
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.deps.config.publicUrl).origin, 'sec-fetch-site': 'same-origin' },
          body: form,
        });
      }
    }
    probes.push({ method: 'POST', path: route.replace('{id}', 'x'), headers: { 'content-type': 'application/json', origin: new URL(t.deps.config.publicUrl).origin }, body: nestedArrays(50_000) });
  }
  const failures = await run(probes, (p) => client.send(p.method, p.path, p.headers, p.body));
  expect(failures).toEqual([]);
});
