import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/lib/ids.ts';
import { recordEvent } from '../../src/modules/events/events.repository.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { publishEvents } from '../../src/modules/webhooks/publish.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, simulate } from '../support/billing.ts';
import { onPostgres } from '../support/database.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http, rawRequest } from '../support/http.ts';

let t: TestApp;
let a: TestProject;
let b: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  a = await createProject(t.url, { name: 'A' });
  b = await createProject(t.url, { name: 'B' });
});
afterAll(() => t.close());

const EVENT_KEYS = ['created_at', 'data', 'id', 'source', 'type'];
const PAYMENT_KEYS = [
  'amount', 'created_at', 'currency', 'description', 'end_user_id', 'id', 'method', 'order_id', 'paid_at', 'plan_code', 'plan_id',
  'purpose', 'refund_due', 'refunded_amount', 'status', 'subscription_id',
];

async function events(project: TestProject, query = '') {
  const res = await http(t.url, 'GET', `/api/platform/events${query}`, { basic: project.creds });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(['data', 'has_more']);
  return res.body as { data: any[]; has_more: boolean };
}

async function allEvents(project: TestProject, extra = '', limit = 2): Promise<any[]> {
  const seen: any[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await events(project, `?limit=${limit}${after ? `&after=${after}` : ''}${extra}`);
    seen.push(...page.data);
    if (!page.has_more) return seen;
    after = page.data.at(-1).id;
  }
}

describe('GET /api/platform/events', () => {
  it('lists published public events oldest first, in the webhook shape, with the integrator\'s ids', async () => {
    const p = await createProject(t.url);
    expect(await events(p)).toEqual({ data: [], has_more: false });

    const eu = await endUser(t, p, 'ev-user');
    expect((await events(p)).data).toEqual([]); // written, not yet published
    const r = await changePlan(t.deps, { projectId: p.id, endUserId: eu, planId: p.plans.pro!.id, source: 'api' });
    if (r.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'gopay' });
    await publishEvents(t.deps);

    const list = await events(p);
    expect(list.has_more).toBe(false);
    expect(list.data.map((e) => e.type)).toEqual(['subscription.created', 'payment.succeeded', 'subscription.updated']);
    for (const e of list.data) {
      expect(Object.keys(e).sort()).toEqual(EVENT_KEYS);
      expect(e.id).toMatch(/^evt_/);
      expect(JSON.stringify(e)).not.toMatch(/"eu_/);
    }
    expect(list.data[0]).toMatchObject({ source: 'api', data: { subscription: { end_user_id: 'ev-user', plan_code: 'free', version: 1, status: 'active' } } });
    expect(list.data[1]).toMatchObject({ source: 'gateway', data: { payment: { end_user_id: 'ev-user', status: 'paid', method: 'gopay', amount: r.payment.amount } } });
    expect(list.data[2]).toMatchObject({ data: { subscription: { plan_code: 'pro', version: 2 }, previous_attributes: { plan_code: 'free' }, payment_id: r.payment.id } });

    // The compact subscription.created of the hot path carries the row's real period.
    const sub = await t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', eu).executeTakeFirstOrThrow();
    expect(list.data[0].data.subscription.id).toBe(sub.id);
    expect(list.data[0].data.subscription.current_period_start).toBe(list.data[0].created_at);
    expect(list.data[2].data.subscription.current_period_end).toBe(sub.current_period_end!.toISOString());
  });

  it('pages with after (no repeats, no gaps) and filters by type', async () => {
    const p = await createProject(t.url);
    for (let i = 0; i < 5; i++) await endUser(t, p, `page-${i}`);
    await publishEvents(t.deps);
    const everything = (await events(p, '?limit=100')).data;
    expect(everything).toHaveLength(5);
    const paged = await allEvents(p);
    expect(paged).toEqual(everything);

    const first = await events(p, '?limit=2');
    expect(first.has_more).toBe(true);
    const rest = await events(p, `?after=${first.data[1].id}`);
    expect(rest.data.map((e) => e.id)).toEqual(everything.slice(2).map((e) => e.id));
    expect(rest.has_more).toBe(false);
    expect((await events(p, `?after=${everything.at(-1).id}`)).data).toEqual([]);

    expect((await events(p, '?type=subscription.created&limit=100')).data).toHaveLength(5);
    expect((await events(p, '?type=payment.succeeded')).data).toEqual([]);
  });

  it('shows each project only its own events', async () => {
    await endUser(t, a, 'shared-id');
    await endUser(t, b, 'shared-id');
    await publishEvents(t.deps);
    const ofA = await allEvents(a, '', 100);
    const ofB = await allEvents(b, '', 100);
    expect(ofA.length).toBeGreaterThan(0);
    const idsB = new Set(ofB.map((e) => e.id));
    expect(ofA.some((e) => idsB.has(e.id))).toBe(false);
    const subsOfA = await t.database.db.selectFrom('subscriptions').select('id').where('project_id', '=', a.id).execute();
    for (const e of ofA) expect(subsOfA.map((s) => s.id)).toContain(e.data.subscription.id);

    // B cannot page from one of A's events either.
    const res = await http(t.url, 'GET', `/api/platform/events?after=${ofA[0].id}`, { basic: b.creds });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^after must be the id of an event/);
  });

  it('refuses bad queries with 400 naming the parameter, and unauthenticated or browser calls', async () => {
    const bad: Array<[string, RegExp]> = [
      ['?limit=0', /^limit must be >= 1$/],
      ['?limit=101', /^limit must be <= 100$/],
      ['?limit=ten', /^limit must be an integer$/],
      ['?type=project.created', /^type must be one of subscription\.created/],
      ['?after=nope', /^after must be an event id/],
      ['?after=evt_AAAAAAAAAAAAAAAAAAAAAA', /^after must be the id of an event this endpoint returned/],
      ['?cursor=x', /^cursor is not a recognised field$/],
    ];
    for (const [query, message] of bad) {
      const res = await http(t.url, 'GET', `/api/platform/events${query}`, { basic: a.creds });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message, query).toMatch(message);
    }
    expect((await http(t.url, 'GET', '/api/platform/events')).status).toBe(401);
    expect((await http(t.url, 'GET', '/api/platform/events', { basic: { ...a.creds, clientSecret: 'wrong' } })).status).toBe(401);
    const auth = `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64')}`;
    const browser = await rawRequest(t.url, 'GET', '/api/platform/events', { authorization: auth, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(browser.status).toBe(403);
  });

  it.runIf(onPostgres)('never skips an event that commits after a later one was published (no gaps)', async () => {
    const p = await createProject(t.url);
    const other = await openDatabase({ url: t.database.url });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      // A slow transaction writes its event (lower seq) and stays open…
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const slow = other.db.transaction().execute(async (trx) => {
        await recordEvent(trx, { projectId: p.id, type: 'portal_session.created', subjectId: newId('ps'), source: 'portal', data: { portal_session: { id: 'ps_slow', end_user_id: 'slow', expires_at: t.clock.now().toISOString() } }, now: t.clock.now() });
        written();
        await held;
      });
      await wrote;
      // …while a later event commits and is published and read by the integrator.
      await recordEvent(t.database.db, { projectId: p.id, type: 'portal_session.created', subjectId: newId('ps'), source: 'portal', data: { portal_session: { id: 'ps_fast', end_user_id: 'fast', expires_at: t.clock.now().toISOString() } }, now: t.clock.now() });
      await publishEvents(t.deps);
      const seen = await events(p);
      expect(seen.data.map((e) => e.data.portal_session.id)).toEqual(['ps_fast']);

      release();
      await slow;
      await publishEvents(t.deps);
      const next = await events(p, `?after=${seen.data[0].id}`);
      expect(next.data.map((e) => e.data.portal_session.id)).toEqual(['ps_slow']);
      const seqs = await t.database.db.selectFrom('events').select(['seq', 'published_seq']).where('project_id', '=', p.id).where('type', '=', 'portal_session.created').orderBy('seq').execute();
      expect(seqs[0]!.published_seq!).toBeGreaterThan(seqs[1]!.published_seq!); // published in commit order
    } finally {
      release();
      await other.close();
    }
  });
});

describe('GET /api/platform/end-users/{end_user_id}/payments', () => {
  const payments = (project: TestProject, externalId: string, query = '') =>
    http(t.url, 'GET', `/api/platform/end-users/${encodeURIComponent(externalId)}/payments${query}`, { basic: project.creds });

  it('lists an end user\'s payments newest first with amount, status, method and order_id', async () => {
    const eu = await endUser(t, a, 'payer');
    expect((await payments(a, 'payer')).body).toEqual({ data: [], has_more: false });

    const first = await changePlan(t.deps, { projectId: a.id, endUserId: eu, planId: a.plans.pro!.id, source: 'portal' });
    if (first.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, first.payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bni' });
    t.clock.advance(60_000);
    const second = await changePlan(t.deps, { projectId: a.id, endUserId: eu, planId: a.plans.business!.id, source: 'portal' });
    if (second.outcome !== 'payment_required') throw new Error('expected a payment');

    const res = await payments(a, 'payer');
    expect(res.status, res.text).toBe(200);
    expect(res.body.has_more).toBe(false);
    expect(res.body.data.map((p: any) => p.id)).toEqual([second.payment.id, first.payment.id]);
    for (const p of res.body.data) expect(Object.keys(p).sort()).toEqual(PAYMENT_KEYS);
    expect(res.body.data[0]).toMatchObject({ status: 'pending', paid_at: null, plan_code: 'business', purpose: 'upgrade', end_user_id: 'payer' });
    expect(res.body.data[1]).toMatchObject({
      id: first.payment.id,
      order_id: first.payment.order_id,
      amount: 150_000,
      currency: 'IDR',
      status: 'paid',
      method: 'bank_transfer',
      description: first.payment.description,
      plan_code: 'pro',
      purpose: 'new',
      created_at: first.payment.created_at.toISOString(),
      paid_at: expect.any(String),
    });

    const page1 = await payments(a, 'payer', '?limit=1');
    expect(page1.body.has_more).toBe(true);
    expect(page1.body.data.map((p: any) => p.id)).toEqual([second.payment.id]);
    const page2 = await payments(a, 'payer', `?limit=1&before=${page1.body.data[0].id}`);
    expect(page2.body.data.map((p: any) => p.id)).toEqual([first.payment.id]);
    expect(page2.body.has_more).toBe(false);

    // Another project's end user with the same id sees none of it, nor can it page from it.
    await endUser(t, b, 'payer');
    expect((await payments(b, 'payer')).body).toEqual({ data: [], has_more: false });
    const foreign = await payments(b, 'payer', `?before=${first.payment.id}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toMatch(/^before must be the id of one of this end user's payments/);
  });

  it('answers 404 for an end user unknown to the project, 400 for bad queries, 401 without credentials', async () => {
    const unknown = await payments(a, 'nobody-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('end_user_not_found');
    await endUser(t, b, 'only-in-b');
    expect((await payments(a, 'only-in-b')).status).toBe(404);
    for (const [query, message] of [
      ['?limit=0', /^limit must be >= 1$/],
      ['?before=evt_x', /^before must be a payment id/],
      ['?page=2', /^page is not a recognised field$/],
    ] as const) {
      const res = await payments(b, 'only-in-b', query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await http(t.url, 'GET', '/api/platform/end-users/only-in-b/payments')).status).toBe(401);
  });
});
