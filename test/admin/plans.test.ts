import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from '../support/app.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http, rawRequest, type HttpResult } from '../support/http.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PLAN_KEYS = ['archived', 'code', 'created_at', 'currency', 'description', 'features', 'id', 'interval', 'is_default', 'name', 'price', 'sort_order', 'translations'];
const UNKNOWN_PROJECT = 'prj_AAAAAAAAAAAAAAAAAAAAAA';
const UNKNOWN_PLAN = 'plan_AAAAAAAAAAAAAAAAAAAAAA';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface PlanBody {
  id: string;
  code: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  interval: string;
  features: string[];
  sort_order: number;
  is_default: boolean;
  archived: boolean;
  created_at: string;
}

const plansPath = (projectId: string) => `/api/admin/projects/${projectId}/plans`;
const planPath = (projectId: string, planId: string) => `/api/admin/projects/${projectId}/plans/${planId}`;

function validPlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { code: 'pro', name: 'Pro', price: 150_000, interval: 'month', ...overrides };
}

function createPlan(projectId: string, body: unknown) {
  return http<PlanBody>(t.url, 'POST', plansPath(projectId), { admin: true, body });
}

function patchPlan(projectId: string, planId: string, body: unknown) {
  return http<PlanBody>(t.url, 'PATCH', planPath(projectId, planId), { admin: true, body });
}

function archivePlan(projectId: string, planId: string) {
  return http<PlanBody>(t.url, 'POST', `${planPath(projectId, planId)}/archive`, { admin: true });
}

async function listPlans(projectId: string, query = ''): Promise<PlanBody[]> {
  const res = await http<{ data: PlanBody[] }>(t.url, 'GET', `${plansPath(projectId)}${query}`, { admin: true });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data']);
  return res.body.data;
}

async function platformPlans(project: TestProject): Promise<PlanBody[]> {
  const res = await http<{ data: PlanBody[] }>(t.url, 'GET', '/api/platform/plans', { basic: project.creds });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** A project with no plans. */
function emptyProject(): Promise<TestProject> {
  return createProject(t.url, { plans: [] });
}

/** Asserts the `{"error":{"code","message"}}` shape, status and code; returns the message. */
function expectError(res: HttpResult, status: number, code: string, message?: string | RegExp): string {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  if (typeof message === 'string') expect(res.body.error.message).toBe(message);
  else if (message) expect(res.body.error.message).toMatch(message);
  expectNoInternals(res.text);
  return res.body.error.message;
}

/** No stack frames, source paths or library internals in an answer. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(/);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\.(ts|js|mjs|cjs):\d+/);
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/FST_ERR|SyntaxError|Unexpected token/);
}

async function planRows(projectId: string) {
  return t.database.db.selectFrom('plans').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
}

async function planRow(planId: string) {
  return t.database.db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirstOrThrow();
}

async function eventsOf(subjectId: string) {
  return t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subjectId).orderBy('seq').execute();
}

/** Every plan row and event of a project, for "nothing changed" assertions. */
async function snapshot(projectId: string): Promise<string> {
  const plans = await planRows(projectId);
  const events = await t.database.db.selectFrom('events').select(['id', 'type', 'subject_id']).where('project_id', '=', projectId).orderBy('seq').execute();
  return JSON.stringify({ plans, events });
}

const defaults = (plans: PlanBody[]) => plans.filter((p) => p.is_default).map((p) => p.code);

// =============================================================================================
// Happy paths
// =============================================================================================

describe('admin plans — happy', () => {
  it('creates a plan: 201 with plan_ id, not default, not archived, IDR, defaults for optional fields', async () => {
    const p = await emptyProject();
    const res = await createPlan(p.id, validPlan());
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(PLAN_KEYS);
    expect(res.body.id).toMatch(/^plan_[A-Za-z0-9_-]{22}$/);
    expect(res.body).toMatchObject({
      code: 'pro',
      name: 'Pro',
      description: '',
      price: 150_000,
      currency: 'IDR',
      interval: 'month',
      features: [],
      sort_order: 0,
      is_default: false,
      archived: false,
      created_at: t.clock.now().toISOString(),
    });
    expect(typeof res.body.price).toBe('number');
    const row = await planRow(res.body.id);
    expect(row.project_id).toBe(p.id);
    expect(row.price).toBe(150_000);
    expect(row.archived_at).toBeNull();
  });

  it('creates a plan with every optional field', async () => {
    const p = await emptyProject();
    const body = validPlan({
      code: 'team_yearly-2',
      name: 'Team (yearly)',
      price: 1_500_000,
      interval: 'year',
      currency: 'IDR',
      description: 'For growing teams',
      features: ['Unlimited notes', 'Priority support'],
      sort_order: -5,
      is_default: false,
    });
    const res = await createPlan(p.id, body);
    expect(res.status, res.text).toBe(201);
    const { is_default: _d, ...expected } = body;
    expect(res.body).toMatchObject({ ...expected, is_default: false, archived: false });
    expect((await listPlans(p.id))[0]).toEqual(res.body);
  });

  it('creates a free default plan', async () => {
    const p = await emptyProject();
    const res = await createPlan(p.id, validPlan({ code: 'free', name: 'Free', price: 0, is_default: true }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.is_default).toBe(true);
    expect(res.body.price).toBe(0);
    expect(defaults(await listPlans(p.id))).toEqual(['free']);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a one-character code', { code: 'a' }],
    ['a 40-character code', { code: `a${'b'.repeat(39)}` }],
    ['a code starting with a digit, with hyphens and underscores', { code: '1st_plan-x' }],
    ['price 0', { price: 0 }],
    ['the maximum price 1e12', { price: 1_000_000_000_000 }],
    ['a yearly interval', { interval: 'year' }],
    ['a 60-character name', { name: 'n'.repeat(60) }],
    ['a 500-character description', { description: 'd'.repeat(500) }],
    ['30 features of 120 characters', { features: Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(120, 'f')) }],
    ['sort_order bounds -1000', { sort_order: -1000 }],
    ['sort_order bounds 1000', { sort_order: 1000 }],
  ])('accepts %s', async (_case, overrides) => {
    const p = await emptyProject();
    const res = await createPlan(p.id, validPlan(overrides));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject(overrides);
  });

  it('allows the same code in another project', async () => {
    const a = await emptyProject();
    const b = await emptyProject();
    const first = await createPlan(a.id, validPlan({ code: 'shared-code' }));
    const second = await createPlan(b.id, validPlan({ code: 'shared-code' }));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.id).not.toBe(second.body.id);
  });

  it('writes a plan.created event (source admin, with the code)', async () => {
    const p = await emptyProject();
    const res = await createPlan(p.id, validPlan({ code: 'evented' }));
    const events = await eventsOf(res.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'plan.created', project_id: p.id, source: 'admin', data: { code: 'evented' } });
    expect(events[0]!.created_at.toISOString()).toBe(t.clock.now().toISOString());
  });

  it('lists plans ordered by sort_order, then price', async () => {
    const p = await emptyProject();
    const specs = [
      { code: 'c', price: 300, sort_order: 1 },
      { code: 'a', price: 500, sort_order: 0 },
      { code: 'b', price: 100, sort_order: 0 },
      { code: 'neg', price: 999, sort_order: -1 },
      { code: 'd', price: 0, sort_order: 2 },
      { code: 'e', price: 50, sort_order: 1 },
    ];
    for (const s of specs) expect((await createPlan(p.id, validPlan({ ...s, name: s.code }))).status).toBe(201);
    expect((await listPlans(p.id)).map((x) => x.code)).toEqual(['neg', 'b', 'a', 'e', 'c', 'd']);
    // The platform list for end users uses the same order.
    expect((await platformPlans(p)).map((x) => x.code)).toEqual(['neg', 'b', 'a', 'e', 'c', 'd']);
  });

  it('lists an empty array for a project without plans', async () => {
    const p = await emptyProject();
    expect(await listPlans(p.id)).toEqual([]);
    expect(await listPlans(p.id, '?include_archived=true')).toEqual([]);
  });

  it('setting another free plan default (PATCH) unsets the previous default: exactly one default', async () => {
    const p = await createProject(t.url);
    const starter = await createPlan(p.id, validPlan({ code: 'starter', name: 'Starter', price: 0 }));
    expect(starter.body.is_default).toBe(false);
    t.clock.advance(1_000);
    const res = await patchPlan(p.id, starter.body.id, { is_default: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.is_default).toBe(true);
    const plans = await listPlans(p.id);
    expect(defaults(plans)).toEqual(['starter']);
    expect(plans.find((x) => x.code === 'free')!.is_default).toBe(false);
    // The previous default's row moved with the clock too.
    expect((await planRow(p.plans.free!.id)).updated_at.toISOString()).toBe(t.clock.now().toISOString());
    // New end users now start on the new default.
    expect((await createSession(t.url, p, 'after-default-switch')).status).toBe(200);
    const user = await t.database.db.selectFrom('end_users').select('id').where('project_id', '=', p.id).where('external_id', '=', 'after-default-switch').executeTakeFirstOrThrow();
    const sub = await t.database.db.selectFrom('subscriptions').select('plan_id').where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(sub.plan_id).toBe(starter.body.id);
  });

  it('creating a new free plan with is_default unsets the previous default', async () => {
    const p = await createProject(t.url);
    const res = await createPlan(p.id, validPlan({ code: 'free2', name: 'Free 2', price: 0, is_default: true }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.is_default).toBe(true);
    expect(defaults(await listPlans(p.id, '?include_archived=true'))).toEqual(['free2']);
  });

  it('PATCH is_default true on the current default is a no-op that keeps it default', async () => {
    const p = await createProject(t.url);
    const res = await patchPlan(p.id, p.plans.free!.id, { is_default: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.is_default).toBe(true);
    expect(defaults(await listPlans(p.id))).toEqual(['free']);
  });

  it('PATCH is_default false leaves the project without a default plan', async () => {
    const p = await createProject(t.url);
    const res = await patchPlan(p.id, p.plans.free!.id, { is_default: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body.is_default).toBe(false);
    expect(defaults(await listPlans(p.id))).toEqual([]);
  });

  it('PATCH changes only the display fields sent; price, interval and code stay', async () => {
    const p = await emptyProject();
    const created = await createPlan(p.id, validPlan({ description: 'Old', features: ['A'], sort_order: 3 }));
    t.clock.advance(30_000);
    const res = await patchPlan(p.id, created.body.id, { name: 'Pro+', features: ['A', 'B'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ...created.body, name: 'Pro+', features: ['A', 'B'] });
    const row = await planRow(created.body.id);
    expect(row.updated_at.toISOString()).toBe(t.clock.now().toISOString());
    expect(row.created_at.toISOString()).toBe(created.body.created_at);
    const again = await patchPlan(p.id, created.body.id, { description: '', sort_order: -7 });
    expect(again.body).toEqual({ ...created.body, name: 'Pro+', features: ['A', 'B'], description: '', sort_order: -7 });
    const cleared = await patchPlan(p.id, created.body.id, { features: [] });
    expect(cleared.body.features).toEqual([]);
    const events = await eventsOf(created.body.id);
    expect(events.map((e) => e.type)).toEqual(['plan.created', 'plan.updated', 'plan.updated', 'plan.updated']);
    expect((events[1]!.data as { fields: string[] }).fields.sort()).toEqual(['features', 'name']);
  });

  describe('archiving', () => {
    for (const how of ['PATCH {archived: true}', 'POST …/archive'] as const) {
      it(`archives via ${how}: hidden from the admin and platform lists, shown with include_archived=true`, async () => {
        const p = await createProject(t.url);
        const pro = p.plans.pro!.id;
        t.clock.advance(10_000);
        const res = how === 'POST …/archive' ? await archivePlan(p.id, pro) : await patchPlan(p.id, pro, { archived: true });
        expect(res.status, res.text).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(PLAN_KEYS);
        expect(res.body.archived).toBe(true);
        expect(res.body.id).toBe(pro);
        expect(res.body.price).toBe(150_000);

        expect((await listPlans(p.id)).map((x) => x.code)).toEqual(['free', 'business']);
        expect((await listPlans(p.id, '?include_archived=false')).map((x) => x.code)).toEqual(['free', 'business']);
        const all = await listPlans(p.id, '?include_archived=true');
        expect(all.map((x) => x.code)).toEqual(['free', 'pro', 'business']);
        expect(all.find((x) => x.id === pro)!.archived).toBe(true);
        expect((await platformPlans(p)).map((x) => x.code)).toEqual(['free', 'business']);

        const row = await planRow(pro);
        expect(row.archived_at!.toISOString()).toBe(t.clock.now().toISOString());
        const events = await eventsOf(pro);
        expect(events.map((e) => e.type)).toEqual(['plan.created', 'plan.archived']);
        expect(events[1]).toMatchObject({ source: 'admin', project_id: p.id });
      });
    }

    it('archiving the default plan clears its default flag; new end users get no hidden plan', async () => {
      const p = await createProject(t.url);
      const res = await archivePlan(p.id, p.plans.free!.id);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ archived: true, is_default: false });
      expect(defaults(await listPlans(p.id, '?include_archived=true'))).toEqual([]);
      expect((await planRow(p.plans.free!.id)).is_default).toBe(false);
      // The PATCH route behaves the same.
      const q = await createProject(t.url);
      const patched = await patchPlan(q.id, q.plans.free!.id, { archived: true });
      expect(patched.body).toMatchObject({ archived: true, is_default: false });
      // A new end user is not put on the archived plan.
      expect((await createSession(t.url, p, 'after-archive')).status).toBe(200);
      const sub = await http(t.url, 'GET', '/api/platform/end-users/after-archive/subscription', { basic: p.creds });
      expect(sub.status).toBe(200);
      expect(sub.body.plan).toBeNull();
    });

    it('archiving twice is idempotent: archived_at is kept and no second plan.archived event is written', async () => {
      const p = await createProject(t.url);
      const pro = p.plans.pro!.id;
      await archivePlan(p.id, pro);
      const firstArchivedAt = (await planRow(pro)).archived_at!.toISOString();
      t.clock.advance(60_000);
      const again = await archivePlan(p.id, pro);
      expect(again.status).toBe(200);
      expect(again.body.archived).toBe(true);
      const viaPatch = await patchPlan(p.id, pro, { archived: true });
      expect(viaPatch.status).toBe(200);
      expect((await planRow(pro)).archived_at!.toISOString()).toBe(firstArchivedAt);
      expect((await eventsOf(pro)).filter((e) => e.type === 'plan.archived')).toHaveLength(1);
    });

    it('unarchives via PATCH {archived: false}: visible again, still not default', async () => {
      const p = await createProject(t.url);
      await archivePlan(p.id, p.plans.free!.id);
      await archivePlan(p.id, p.plans.pro!.id);
      const res = await patchPlan(p.id, p.plans.pro!.id, { archived: false });
      expect(res.status, res.text).toBe(200);
      expect(res.body.archived).toBe(false);
      expect((await planRow(p.plans.pro!.id)).archived_at).toBeNull();
      expect((await listPlans(p.id)).map((x) => x.code)).toEqual(['pro', 'business']);
      expect((await platformPlans(p)).map((x) => x.code)).toEqual(['pro', 'business']);
      const free = await patchPlan(p.id, p.plans.free!.id, { archived: false });
      expect(free.body).toMatchObject({ archived: false, is_default: false });
    });

    it('unarchives and makes default in one PATCH', async () => {
      const p = await createProject(t.url);
      const lite = await createPlan(p.id, validPlan({ code: 'lite', name: 'Lite', price: 0 }));
      await archivePlan(p.id, lite.body.id);
      const res = await patchPlan(p.id, lite.body.id, { archived: false, is_default: true });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ archived: false, is_default: true });
      expect(defaults(await listPlans(p.id))).toEqual(['lite']);
    });

    it('display fields of an archived plan can still be edited', async () => {
      const p = await createProject(t.url);
      await archivePlan(p.id, p.plans.pro!.id);
      const res = await patchPlan(p.id, p.plans.pro!.id, { name: 'Pro (legacy)' });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ name: 'Pro (legacy)', archived: true });
    });
  });
});

// =============================================================================================
// Errors
// =============================================================================================

describe('admin plans — errors', () => {
  let p: TestProject;
  beforeAll(async () => {
    p = await createProject(t.url, { name: 'Plan errors' });
  });

  it('refuses a duplicate code in the same project with 409 plan_code_taken and inserts nothing', async () => {
    const before = await snapshot(p.id);
    const res = await createPlan(p.id, validPlan({ code: 'pro', name: 'Another Pro', price: 1 }));
    expectError(res, 409, 'plan_code_taken', /"pro"/);
    expect(await snapshot(p.id)).toBe(before);
  });

  it('a duplicate code is refused even when the existing plan is archived', async () => {
    const q = await createProject(t.url);
    await archivePlan(q.id, q.plans.business!.id);
    expectError(await createPlan(q.id, validPlan({ code: 'business' })), 409, 'plan_code_taken');
  });

  const CODE = 'must be 1-40 lowercase letters, digits, hyphens or underscores, starting with a letter or digit';
  describe('code', () => {
    it.each<[string, unknown, string]>([
      ['uppercase', 'Pro', `code ${CODE}`],
      ['all uppercase', 'PRO', `code ${CODE}`],
      ['with a space', 'pro plan', `code ${CODE}`],
      ['41 characters', `a${'b'.repeat(40)}`, `code ${CODE}`],
      ['empty', '', `code ${CODE}`],
      ['starting with a hyphen', '-pro', `code ${CODE}`],
      ['starting with an underscore', '_pro', `code ${CODE}`],
      ['with punctuation', 'pro!', `code ${CODE}`],
      ['with a dot', 'pro.monthly', `code ${CODE}`],
      ['with a slash', 'pro/../x', `code ${CODE}`],
      ['non-ASCII', 'über', `code ${CODE}`],
      ['with a trailing newline', 'pro\n', `code ${CODE}`],
      ['a number', 5, 'code must be a string'],
    ])('refuses a code %s', async (_case, code, message) => {
      const before = await snapshot(p.id);
      expectError(await createPlan(p.id, validPlan({ code })), 400, 'invalid_request', message);
      expect(await snapshot(p.id)).toBe(before);
    });

    it('refuses a missing code', async () => {
      const { code: _c, ...body } = validPlan();
      expectError(await createPlan(p.id, body), 400, 'invalid_request', 'code is required');
    });
  });

  describe('price', () => {
    it.each<[string, unknown, string | RegExp]>([
      ['negative', -1, /^price must be >= 0/],
      ['a fraction 1.5', 1.5, 'price must be an integer'],
      ['a string "100"', '100', 'price must be an integer'],
      ['null', null, 'price must be an integer'],
      ['a boolean', true, 'price must be an integer'],
      ['above the maximum', 1_000_000_000_001, /^price must be <= 1000000000000/],
    ])('refuses a price that is %s', async (_case, price, message) => {
      const before = await snapshot(p.id);
      expectError(await createPlan(p.id, validPlan({ code: 'priced', price })), 400, 'invalid_request', message);
      expect(await snapshot(p.id)).toBe(before);
    });

    it('refuses a missing price', async () => {
      const { price: _p, ...body } = validPlan({ code: 'no-price' });
      expectError(await createPlan(p.id, body), 400, 'invalid_request', 'price is required');
    });

    it('refuses a price written as a JSON float string in raw JSON (1.50)', async () => {
      const res = await http(t.url, 'POST', plansPath(p.id), { admin: true, raw: '{"code":"floaty","name":"F","price":1.50,"interval":"month"}' });
      expectError(res, 400, 'invalid_request', 'price must be an integer');
    });
  });

  describe('interval, currency, name, description, features, sort_order, is_default', () => {
    it.each<[string, Record<string, unknown>, string | RegExp]>([
      ['interval week', { interval: 'week' }, 'interval must be one of month, year'],
      ['interval monthly', { interval: 'monthly' }, 'interval must be one of month, year'],
      ['interval Month', { interval: 'Month' }, 'interval must be one of month, year'],
      ['interval day', { interval: 'day' }, 'interval must be one of month, year'],
      ['interval 1', { interval: 1 }, /^interval must be/],
      ['currency USD', { currency: 'USD' }, 'currency must be one of IDR'],
      ['currency idr', { currency: 'idr' }, 'currency must be one of IDR'],
      ['name empty', { name: '' }, /^name must NOT have fewer than 1 characters/],
      ['name 61 characters', { name: 'n'.repeat(61) }, /^name must NOT have more than 60 characters/],
      ['name a number', { name: 5 }, 'name must be a string'],
      ['description 501 characters', { description: 'd'.repeat(501) }, /^description must NOT have more than 500 characters/],
      ['features a string', { features: 'Unlimited notes' }, 'features must be an array'],
      ['features an object', { features: { a: 'b' } }, 'features must be an array'],
      ['a feature of 121 characters', { features: ['ok', 'f'.repeat(121)] }, /^features\.1 must NOT have more than 120 characters/],
      ['an empty feature', { features: [''] }, /^features\.0 must NOT have fewer than 1 characters/],
      ['a non-string feature', { features: [1] }, 'features.0 must be a string'],
      ['31 features', { features: Array.from({ length: 31 }, (_, i) => `f${i}`) }, /^features must NOT have more than 30 items/],
      ['sort_order 1.5', { sort_order: 1.5 }, 'sort_order must be an integer'],
      ['sort_order 1001', { sort_order: 1001 }, /^sort_order must be <= 1000/],
      ['sort_order "1"', { sort_order: '1' }, 'sort_order must be an integer'],
      ['is_default "true"', { is_default: 'true' }, 'is_default must be true or false'],
      ['an unknown field zzz', { zzz: 1 }, 'zzz is not a recognised field'],
      ['archived on create', { archived: true }, 'archived is not a recognised field'],
      ['an id chosen by the caller', { id: 'plan_mine' }, 'id is not a recognised field'],
      ['a project_id', { project_id: 'prj_other' }, 'project_id is not a recognised field'],
    ])('refuses %s', async (_case, overrides, message) => {
      const before = await snapshot(p.id);
      expectError(await createPlan(p.id, validPlan({ code: 'validation', ...overrides })), 400, 'invalid_request', message);
      expect(await snapshot(p.id)).toBe(before);
    });

    it.each(['name', 'interval'])('refuses a missing %s', async (field) => {
      const body = validPlan({ code: 'missing' });
      delete body[field];
      expectError(await createPlan(p.id, body), 400, 'invalid_request', `${field} is required`);
    });

    it('refuses a body that is not an object', async () => {
      for (const body of [[], 'pro', 1, null]) {
        expectError(await createPlan(p.id, body), 400, 'invalid_request', /must be a JSON object/);
      }
    });
  });

  describe('strings PostgreSQL cannot store are refused as 400, never a 500', () => {
    it.each<[string, Record<string, unknown>, RegExp]>([
      ['name', { name: 'Pro\u0000' }, /^name /],
      ['description', { description: 'For\u0000teams' }, /^description /],
      ['features (jsonb)', { features: ['ok', 'Unlimited\u0000notes'] }, /^features/],
    ])('refuses a NUL character (U+0000) in %s on create, naming the field', async (_field, overrides, message) => {
      const before = await snapshot(p.id);
      expectError(await createPlan(p.id, validPlan({ code: 'nul-char', ...overrides })), 400, 'invalid_request', message);
      expect(await snapshot(p.id)).toBe(before);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['name', { name: '\u0000' }, /^name /],
      ['description', { description: '\u0000' }, /^description /],
      ['features (jsonb)', { features: ['\u0000'] }, /^features/],
    ])('refuses a NUL character (U+0000) in %s on PATCH, naming the field, and changes nothing', async (_field, body, message) => {
      const before = await snapshot(p.id);
      expectError(await patchPlan(p.id, p.plans.pro!.id, body), 400, 'invalid_request', message);
      expect(await snapshot(p.id)).toBe(before);
    });
  });

  it('refuses is_default on a priced plan with 422 default_plan_must_be_free; the old default stays', async () => {
    const before = await snapshot(p.id);
    const res = await createPlan(p.id, validPlan({ code: 'paid-default', price: 1, is_default: true }));
    expectError(res, 422, 'default_plan_must_be_free', /free plan/);
    expect(await snapshot(p.id)).toBe(before);
    expect(defaults(await listPlans(p.id))).toEqual(['free']);
  });

  it('refuses PATCH is_default on a priced plan with 422 and keeps the old default', async () => {
    const before = await snapshot(p.id);
    expectError(await patchPlan(p.id, p.plans.pro!.id, { is_default: true }), 422, 'default_plan_must_be_free');
    expect(await snapshot(p.id)).toBe(before);
    expect(defaults(await listPlans(p.id))).toEqual(['free']);
  });

  it('refuses making an archived plan the default (400), in one PATCH or on an already archived plan', async () => {
    const q = await createProject(t.url);
    const lite = await createPlan(q.id, validPlan({ code: 'lite', name: 'Lite', price: 0 }));
    expectError(await patchPlan(q.id, lite.body.id, { archived: true, is_default: true }), 400, 'invalid_request', /archived/);
    await archivePlan(q.id, lite.body.id);
    const before = await snapshot(q.id);
    expectError(await patchPlan(q.id, lite.body.id, { is_default: true }), 400, 'invalid_request', /archived/);
    expect(await snapshot(q.id)).toBe(before);
    expect(defaults(await listPlans(q.id, '?include_archived=true'))).toEqual(['free']);
  });

  describe('PATCH refuses immutable and unknown fields, naming the field', () => {
    it.each<[string, Record<string, unknown>]>([
      ['price', { price: 1 }],
      ['interval', { interval: 'year' }],
      ['code', { code: 'renamed' }],
      ['currency', { currency: 'IDR' }],
      ['id', { id: 'plan_x' }],
      ['project_id', { project_id: 'prj_x' }],
      ['created_at', { created_at: '2020-01-01T00:00:00Z' }],
      ['zzz', { zzz: true }],
    ])('%s', async (field, body) => {
      const before = await snapshot(p.id);
      expectError(await patchPlan(p.id, p.plans.pro!.id, { name: 'Fine', ...body }), 400, 'invalid_request', `${field} is not a recognised field`);
      expect(await snapshot(p.id)).toBe(before);
    });
  });

  it.each<[string, unknown, string | RegExp]>([
    ['an empty object (at least one field)', {}, /fewer than 1 propert|at least one/i],
    ['an empty name', { name: '' }, /^name must NOT have fewer than 1 characters/],
    ['archived "true"', { archived: 'true' }, 'archived must be true or false'],
    ['archived null', { archived: null }, 'archived must be true or false'],
    ['is_default 1', { is_default: 1 }, 'is_default must be true or false'],
    ['features not an array', { features: 'x' }, 'features must be an array'],
    ['a feature too long', { features: ['f'.repeat(121)] }, /^features\.0 must NOT have more than 120 characters/],
    ['sort_order 2000', { sort_order: 2000 }, /^sort_order must be <= 1000/],
    ['a JSON array', [], /must be a JSON object/],
  ])('PATCH refuses %s and changes nothing', async (_case, body, message) => {
    const before = await snapshot(p.id);
    expectError(await patchPlan(p.id, p.plans.pro!.id, body), 400, 'invalid_request', message);
    expect(await snapshot(p.id)).toBe(before);
  });

  it('POST …/archive refuses a request body', async () => {
    const before = await snapshot(p.id);
    const res = await http(t.url, 'POST', `${planPath(p.id, p.plans.pro!.id)}/archive`, { admin: true, body: { archived: false } });
    expectError(res, 400, 'invalid_request', 'This endpoint takes no request body');
    expect(await snapshot(p.id)).toBe(before);
  });

  it('answers 404 project_not_found for every plan route of an unknown project', async () => {
    const responses = [
      await createPlan(UNKNOWN_PROJECT, validPlan()),
      await http(t.url, 'GET', plansPath(UNKNOWN_PROJECT), { admin: true }),
      await http(t.url, 'GET', `${plansPath(UNKNOWN_PROJECT)}?include_archived=true`, { admin: true }),
      await patchPlan(UNKNOWN_PROJECT, p.plans.pro!.id, { name: 'x' }),
      await archivePlan(UNKNOWN_PROJECT, p.plans.pro!.id),
    ];
    for (const res of responses) expectError(res, 404, 'project_not_found', `No project with id ${UNKNOWN_PROJECT}`);
    expect((await planRow(p.plans.pro!.id)).name).toBe('Pro');
    expect(await t.database.db.selectFrom('plans').select('id').where('project_id', '=', UNKNOWN_PROJECT).execute()).toEqual([]);
  });

  it('answers 404 plan_not_found for an unknown plan id of an existing project', async () => {
    expectError(await patchPlan(p.id, UNKNOWN_PLAN, { name: 'x' }), 404, 'plan_not_found', /No plan with id plan_AAAA/);
    expectError(await archivePlan(p.id, UNKNOWN_PLAN), 404, 'plan_not_found');
  });

  describe('malformed ids and query strings answer 400', () => {
    it.each(['abc', 'prj_', 'plan_abc', 'prj_a%20b', `prj_${'x'.repeat(65)}`])('project id %s', async (id) => {
      for (const res of [
        await createPlan(id, validPlan()),
        await http(t.url, 'GET', plansPath(id), { admin: true }),
        await patchPlan(id, p.plans.pro!.id, { name: 'x' }),
        await archivePlan(id, p.plans.pro!.id),
      ]) {
        expectError(res, 400, 'invalid_request', 'id must be a project id (prj_…)');
      }
    });

    it.each(['abc', 'plan_', 'prj_abc', 'PLAN_abc', 'plan_a%20b', `plan_${'x'.repeat(65)}`])('plan id %s', async (planId) => {
      for (const res of [await patchPlan(p.id, planId, { name: 'x' }), await archivePlan(p.id, planId)]) {
        expectError(res, 400, 'invalid_request', 'planId must be a plan id (plan_…)');
      }
    });

    it('refuses include_archived values that are not booleans, and unknown query parameters', async () => {
      expectError(await http(t.url, 'GET', `${plansPath(p.id)}?include_archived=maybe`, { admin: true }), 400, 'invalid_request', /^include_archived must be true or false/);
      expectError(await http(t.url, 'GET', `${plansPath(p.id)}?zzz=1`, { admin: true }), 400, 'invalid_request', 'zzz is not a recognised field');
    });
  });
});

// =============================================================================================
// Security
// =============================================================================================

describe('admin plans — security', () => {
  it("tenant isolation: another project's plan id answers 404 plan_not_found and is left untouched", async () => {
    const a = await createProject(t.url, { name: 'Tenant A' });
    const b = await createProject(t.url, { name: 'Tenant B' });
    const bPlan = b.plans.pro!.id;
    const bFree = b.plans.free!.id;
    const before = await snapshot(b.id);
    for (const res of [
      await patchPlan(a.id, bPlan, { name: 'Hijacked' }),
      await patchPlan(a.id, bPlan, { archived: true }),
      await archivePlan(a.id, bPlan),
      await patchPlan(a.id, bFree, { is_default: false }),
    ]) {
      expectError(res, 404, 'plan_not_found');
      expect(res.text).not.toContain('Tenant B');
    }
    expect(await snapshot(b.id)).toBe(before);
    // A's own default is untouched as well.
    expect(defaults(await listPlans(a.id))).toEqual(['free']);
    // A making its own plan default never clears B's default.
    const aLite = await createPlan(a.id, validPlan({ code: 'lite', name: 'Lite', price: 0, is_default: true }));
    expect(aLite.status).toBe(201);
    expect(defaults(await listPlans(b.id))).toEqual(['free']);
  });

  it("tenant isolation: each project's lists contain only its own plans", async () => {
    const a = await createProject(t.url);
    const b = await createProject(t.url, { plans: [{ code: 'only-b', price: 5 }] });
    await archivePlan(b.id, b.plans['only-b']!.id);
    const aIds = Object.values(a.plans).map((x) => x.id).sort();
    expect((await listPlans(a.id, '?include_archived=true')).map((x) => x.id).sort()).toEqual(aIds);
    expect((await platformPlans(a)).map((x) => x.id).sort()).toEqual(aIds);
    expect((await listPlans(b.id, '?include_archived=true')).map((x) => x.code)).toEqual(['only-b']);
    expect(await platformPlans(b)).toEqual([]);
  });

  it('concurrent default switches leave exactly one default and never a 500', async () => {
    const p = await createProject(t.url);
    const free: string[] = [];
    for (let i = 0; i < 5; i++) free.push((await createPlan(p.id, validPlan({ code: `free-${i}`, name: `Free ${i}`, price: 0 }))).body.id);
    const results = await Promise.all(free.map((id) => patchPlan(p.id, id, { is_default: true })));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    const plans = await listPlans(p.id);
    expect(plans.filter((x) => x.is_default)).toHaveLength(1);
    const creates = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createPlan(p.id, validPlan({ code: `racing-default-${i}`, name: 'R', price: 0, is_default: true }))),
    );
    expect(creates.map((r) => r.status)).toEqual(Array(5).fill(201));
    expect((await listPlans(p.id)).filter((x) => x.is_default)).toHaveLength(1);
  });

  it('concurrent creates of one code give exactly one 201 and 409 for the rest', async () => {
    const p = await emptyProject();
    const results = await Promise.all(Array.from({ length: 6 }, () => createPlan(p.id, validPlan({ code: 'race' }))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect((r.body as unknown as { error: { code: string } }).error.code).toBe('plan_code_taken');
    expect(await planRows(p.id)).toHaveLength(1);
  });

  describe('HTTP edge cases on body-taking plan routes', () => {
    let p: TestProject;
    beforeAll(async () => {
      p = await createProject(t.url, { name: 'Edge cases' });
    });
    const routes = (): Array<[string, string]> => [
      ['POST', plansPath(p.id)],
      ['PATCH', planPath(p.id, p.plans.pro!.id)],
      ['POST', `${planPath(p.id, p.plans.pro!.id)}/archive`],
    ];

    it('answers 400 invalid_json to a body that is not JSON, without a stack trace', async () => {
      const before = await snapshot(p.id);
      for (const [method, path] of routes()) {
        for (const raw of ['{not json', '{"code":"x",}', "{'code':'x'}", '{"price":01}', '{"code":"x"', 'code=x&price=1']) {
          expectError(await http(t.url, method, path, { admin: true, raw }), 400, 'invalid_json', 'The request body is not valid JSON');
        }
      }
      expect(await snapshot(p.id)).toBe(before);
    });

    it('answers 415 unsupported_media_type to text/plain and form bodies', async () => {
      const before = await snapshot(p.id);
      for (const [method, path] of routes()) {
        for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'text/html']) {
          const res = await http(t.url, method, path, { admin: true, raw: JSON.stringify(validPlan({ code: 'media' })), contentType });
          expectError(res, 415, 'unsupported_media_type', 'Send the request body as application/json');
        }
      }
      expect(await snapshot(p.id)).toBe(before);
    });

    it('answers 413 payload_too_large to a body over 100 KB (with and without Content-Length)', async () => {
      const before = await snapshot(p.id);
      const big = JSON.stringify(validPlan({ code: 'big', description: 'd'.repeat(101 * 1024) }));
      for (const [method, path] of routes()) {
        expectError(await http(t.url, method, path, { admin: true, raw: big }), 413, 'payload_too_large', 'The request body is larger than the 100 KB limit');
        const chunked = await rawRequest(
          t.url,
          method,
          path,
          { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          big,
        );
        expect(chunked.status).toBe(413);
        expect(JSON.parse(chunked.text).error.code).toBe('payload_too_large');
        expectNoInternals(chunked.text);
      }
      expect(await snapshot(p.id)).toBe(before);
    });

    it('validation and not-found answers carry no stack trace or internals either', async () => {
      for (const res of [
        await createPlan(p.id, validPlan({ price: '100' })),
        await createPlan(p.id, validPlan({ code: 'pro' })),
        await patchPlan(p.id, UNKNOWN_PLAN, { name: 'x' }),
        await patchPlan(p.id, 'not-a-plan', { name: 'x' }),
        await createPlan(p.id, validPlan({ code: 'pd', is_default: true })),
      ]) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expectNoInternals(res.text);
      }
    });
  });
});
