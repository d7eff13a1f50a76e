import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exchangePortalToken } from '../../src/modules/portal-sessions/portal-sessions.service.ts';
import { cancelSubscription } from '../../src/modules/subscriptions/cancel.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import { deliverWebhooks, type DeliveryOptions } from '../../src/modules/webhooks/deliver.ts';
import type { Resolver } from '../../src/modules/webhooks/sender.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, simulate } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';
import {
  addEndpoint,
  advanceToNextAttempt,
  deliveriesOf,
  devProject,
  setDevelopmentMode,
  startReceiver,
  webhooksPath,
  type Receiver,
} from './support.ts';

let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // A one-second timeout keeps the timeout test short; receivers here answer at once.
  t = await startTestApp({ env: { WEBHOOK_TIMEOUT_SECONDS: '1' } });
});
afterAll(() => t.close());
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** Real time on the frozen clock: standardwebhooks checks the timestamp against Date.now(). */
function clockToRealTime() {
  t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
}

async function receiver(options?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

const run = (options?: DeliveryOptions) => deliverWebhooks(t.deps, options);

const PLANS = [
  { code: 'free', price: 0, is_default: true },
  { code: 'starter', price: 0 },
  { code: 'pro', price: 150_000 },
];

async function sessionToken(project: TestProject, externalId: string): Promise<string> {
  const res = await createSession(t.url, project, externalId);
  expect(res.status, res.text).toBe(200);
  return res.body.session_token;
}

async function deliveryLog(projectId: string, endpointId: string) {
  const res = await http(t.url, 'GET', `${webhooksPath(projectId, endpointId)}/deliveries`, { admin: true });
  expect(res.status, res.text).toBe(200);
  return res.body as { data: any[]; has_more: boolean };
}

describe('signed deliveries', () => {
  it('sends every public event type, signed so that the standardwebhooks library verifies it', async () => {
    clockToRealTime();
    const hooks = await receiver();
    const project = await devProject(t, PLANS);
    const endpoint = await addEndpoint(t, project.id, { url: `${hooks.url}/langgan` });

    const alice = await endUser(t, project, 'alice'); // subscription.created (api)
    const opened = await exchangePortalToken(t.deps, await sessionToken(project, 'alice'), null); // portal_session.created
    expect(opened.ok).toBe(true);
    await changePlan(t.deps, { projectId: project.id, endUserId: alice, planId: project.plans.starter!.id, source: 'portal' }); // subscription.updated
    const upgrade = await changePlan(t.deps, { projectId: project.id, endUserId: alice, planId: project.plans.pro!.id, source: 'api' });
    if (upgrade.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, upgrade.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' }); // payment.succeeded + subscription.updated
    const bob = await endUser(t, project, 'bob');
    const denied = await changePlan(t.deps, { projectId: project.id, endUserId: bob, planId: project.plans.pro!.id, source: 'portal' });
    if (denied.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, denied.payment.order_id, { transaction_status: 'deny', payment_type: 'credit_card' }); // payment.failed
    // The free default plan cannot be cancelled: bob moves to the other free plan first.
    await changePlan(t.deps, { projectId: project.id, endUserId: bob, planId: project.plans.starter!.id, source: 'portal' }); // subscription.updated
    await cancelSubscription(t.deps, { projectId: project.id, endUserId: bob, source: 'portal', reason: 'too expensive' }); // subscription.canceled

    const summary = await run();
    expect(summary.attempted).toBe(9);
    expect(summary.succeeded).toBe(9);
    expect(hooks.requests).toHaveLength(9);

    const verifier = new Webhook(endpoint.secret);
    for (const req of hooks.requests) {
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/langgan');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['webhook-id']).toBe(req.json.id);
      expect(Number(req.headers['webhook-timestamp'])).toBe(Math.floor(t.clock.now().getTime() / 1000));
      expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifier.verify(req.body, req.headers as Record<string, string>)).toEqual(req.json);
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req.body, req.headers as Record<string, string>)).toThrow();
      expect(Object.keys(req.json)).toEqual(['id', 'type', 'created_at', 'source', 'data']);
      // Integrators see their own end user ids, never Langgan's internal ones.
      expect(req.body).not.toMatch(/"eu_/);
    }

    const byType = (type: string) => hooks.requests.filter((r) => r.json.type === type).map((r) => r.json);
    const sorted = [...hooks.requests.map((r) => r.json.type)].sort();
    expect(sorted).toEqual([
      'payment.failed',
      'payment.succeeded',
      'portal_session.created',
      'subscription.canceled',
      'subscription.created',
      'subscription.created',
      'subscription.updated',
      'subscription.updated',
      'subscription.updated',
    ]);

    const created = byType('subscription.created').find((e) => e.data.subscription.end_user_id === 'alice');
    expect(created).toMatchObject({ source: 'api', data: { subscription: { end_user_id: 'alice', status: 'active', plan_code: 'free', version: 1, cancel_at_period_end: false } } });
    expect(created.data.previous_attributes).toBeUndefined();
    expect(created.data.subscription.current_period_end).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const [toStarter, toPro] = byType('subscription.updated').filter((e) => e.data.subscription.end_user_id === 'alice').sort((a, b) => a.data.subscription.version - b.data.subscription.version);
    expect(toStarter).toMatchObject({
      source: 'portal',
      data: {
        subscription: { end_user_id: 'alice', plan_id: project.plans.starter!.id, plan_code: 'starter', version: 2 },
        previous_attributes: { plan_id: project.plans.free!.id, plan_code: 'free' },
      },
    });
    expect(toPro).toMatchObject({
      source: 'api',
      data: {
        subscription: { plan_code: 'pro', version: 3 },
        previous_attributes: { plan_code: 'starter' },
        payment_id: upgrade.payment.id,
      },
    });

    expect(byType('payment.succeeded')[0]).toMatchObject({
      source: 'gateway',
      data: {
        payment: {
          id: upgrade.payment.id,
          order_id: upgrade.payment.order_id,
          end_user_id: 'alice',
          plan_code: 'pro',
          amount: upgrade.payment.amount,
          currency: 'IDR',
          status: 'paid',
          method: 'qris',
          paid_at: expect.any(String),
        },
      },
    });
    expect(byType('payment.failed')[0]).toMatchObject({ data: { payment: { id: denied.payment.id, end_user_id: 'bob', status: 'failed', paid_at: null } } });
    expect(byType('subscription.canceled')[0]).toMatchObject({
      source: 'portal',
      data: { subscription: { end_user_id: 'bob', status: 'canceled', cancel_reason: 'too expensive' }, previous_attributes: { status: 'active' } },
    });
    expect(byType('portal_session.created')[0]).toMatchObject({
      source: 'portal',
      data: { portal_session: { id: opened.ok && opened.session.id, end_user_id: 'alice', redirect_uri: null, expires_at: expect.any(String) } },
    });

    // Internal events (project.*, plan.*, payment.created…) were published but never sent.
    const internal = await t.database.db.selectFrom('events').select(['type', 'published_seq', 'payload']).where('project_id', '=', project.id).where('type', 'like', 'p%.created').execute();
    expect(internal.filter((e) => e.type !== 'portal_session.created').every((e) => e.published_seq !== null && e.payload === null)).toBe(true);

    // The platform events API returns the very same objects.
    const api = await http(t.url, 'GET', '/api/platform/events?limit=100', { basic: project.creds });
    expect(api.status, api.text).toBe(200);
    const delivered = new Map(hooks.requests.map((r) => [r.json.id, r.json]));
    expect(api.body.data).toHaveLength(9);
    for (const event of api.body.data) expect(event).toEqual(delivered.get(event.id));

    const log = await deliveryLog(project.id, endpoint.id);
    expect(log.data).toHaveLength(9);
    for (const d of log.data) {
      expect(d).toMatchObject({ status: 'succeeded', attempt_count: 1, next_attempt_at: null, last_status_code: 200, last_error: null });
      expect(d.attempts).toEqual([{ attempted_at: t.clock.now().toISOString(), status_code: 200, duration_ms: expect.any(Number), error: null, next_attempt_at: null }]);
    }
    // Nothing is sent twice.
    await run();
    expect(hooks.requests).toHaveLength(9);
  });
});

describe('period-end events', () => {
  it('sends subscription.past_due and subscription.renewed from the scheduler, each with a higher version', async () => {
    const hooks = await receiver();
    const project = await devProject(t, PLANS);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url, event_types: ['subscription.past_due', 'subscription.renewed'] });
    const eu = await endUser(t, project, 'ivan');
    const bought = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    if (bought.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, bought.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });

    const sub = await t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', eu).executeTakeFirstOrThrow();
    t.clock.set(new Date(sub.current_period_end!.getTime() + 1000));
    await processPeriodEnds(t.deps);
    const renewal = await t.database.db.selectFrom('payments').selectAll().where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').executeTakeFirstOrThrow();
    await simulate(t, renewal.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    await run();

    expect(hooks.requests.map((r) => r.json.type)).toEqual(['subscription.past_due', 'subscription.renewed']);
    const [pastDue, renewed] = hooks.requests.map((r) => r.json);
    expect(pastDue).toMatchObject({
      source: 'scheduler',
      data: { subscription: { end_user_id: 'ivan', status: 'past_due', grace_ends_at: expect.any(String) }, previous_attributes: { status: 'active' }, payment_id: renewal.id },
    });
    expect(renewed).toMatchObject({
      source: 'scheduler',
      data: {
        subscription: { status: 'active', current_period_start: sub.current_period_end!.toISOString(), grace_ends_at: null },
        previous_attributes: { status: 'past_due' },
        payment_id: renewal.id,
      },
    });
    expect(renewed.data.subscription.version).toBeGreaterThan(pastDue.data.subscription.version);

    // Signed like any other (standardwebhooks checks the timestamp against Date.now()).
    const now = vi.spyOn(Date, 'now').mockReturnValue(t.clock.now().getTime());
    try {
      for (const r of hooks.requests) expect(new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>)).toEqual(r.json);
    } finally {
      now.mockRestore();
    }
  });
});

describe('retries', () => {
  it('retries after 500s and a timeout with the same webhook-id and body, on an exponential schedule', async () => {
    const hooks = await receiver({ replies: [500, 'hang', 503, 200] });
    const project = await devProject(t);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url });
    await endUser(t, project, 'carol');

    const firstAt = t.clock.now();
    await run({ random: () => 0.5 });
    expect(hooks.requests).toHaveLength(1);
    const [delivery] = await deliveriesOf(t, endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', last_status_code: 500, attempts_in_window: 1 });
    // Half of the first ceiling (1 minute), from full jitter with random() = 0.5.
    expect(delivery!.next_attempt_at!.getTime() - firstAt.getTime()).toBe(30_000);

    // Not due yet: a run now sends nothing.
    t.clock.advance(29_000);
    await run();
    expect(hooks.requests).toHaveLength(1);

    await advanceToNextAttempt(t, delivery!.id);
    const started = Date.now();
    await run({ random: () => 0.5 }); // the receiver hangs: the 1-second timeout ends the attempt
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(hooks.requests).toHaveLength(2);

    await advanceToNextAttempt(t, delivery!.id);
    await run({ random: () => 0.5 });
    await advanceToNextAttempt(t, delivery!.id);
    await run({ random: () => 0.5 });
    expect(hooks.requests).toHaveLength(4);

    const ids = new Set(hooks.requests.map((r) => r.headers['webhook-id']));
    const bodies = new Set(hooks.requests.map((r) => r.body));
    expect(ids.size).toBe(1);
    expect(bodies.size).toBe(1);
    expect([...ids][0]).toBe(hooks.requests[0]!.json.id);
    expect(new Set(hooks.requests.map((r) => r.headers['webhook-timestamp'])).size).toBe(4);

    const log = await deliveryLog(project.id, endpoint.id);
    const [entry] = log.data;
    expect(entry).toMatchObject({ status: 'succeeded', attempt_count: 4, next_attempt_at: null, last_status_code: 200, delivered_at: t.clock.now().toISOString() });
    expect(entry.attempts.map((a: any) => [a.status_code, a.error])).toEqual([
      [500, null],
      [null, 'timed out after 1 s'],
      [503, null],
      [200, null],
    ]);
    expect(entry.attempts[1].duration_ms).toBeGreaterThanOrEqual(900);
    // Ceilings 1, 2, 4 minutes; random() = 0.5 → 30 s, 60 s, 120 s after each attempt.
    const gaps = entry.attempts.slice(0, 3).map((a: any) => Date.parse(a.next_attempt_at) - Date.parse(a.attempted_at));
    expect(gaps).toEqual([30_000, 60_000, 120_000]);
  });

  it('keeps retrying for at least 24 hours, then marks the delivery failed; a replay sends it again', async () => {
    const hooks = await receiver({ fallback: 500 });
    const project = await devProject(t);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url });
    await endUser(t, project, 'dave');
    const firstAt = t.clock.now();

    await run({ random: () => 0.999 });
    const [delivery] = await deliveriesOf(t, endpoint.id);
    for (let i = 0; i < 50; i++) {
      const row = (await deliveriesOf(t, endpoint.id))[0]!;
      if (row.status !== 'pending') break;
      await advanceToNextAttempt(t, delivery!.id);
      await run({ random: () => 0.999 });
    }
    const failed = (await deliveriesOf(t, endpoint.id))[0]!;
    expect(failed.status).toBe('failed');
    expect(failed.next_attempt_at).toBeNull();
    const attempts = hooks.requests.length;
    // 1 + 8 doubling ceilings (1 min … 128 min) + 4-hour ceilings + the last one at 24 h.
    expect(attempts).toBeGreaterThanOrEqual(14);
    expect(attempts).toBeLessThanOrEqual(16);
    expect(failed.last_attempt_at!.getTime() - firstAt.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);

    // Nothing more happens on its own.
    t.clock.advance(7 * 24 * 3_600_000);
    await run();
    expect(hooks.requests).toHaveLength(attempts);

    // Replay: due at once, same webhook-id and body, with a fresh retry window.
    hooks.fallback = 200;
    const replayPath = `${webhooksPath(project.id, endpoint.id)}/deliveries/${delivery!.id}/replay`;
    const replayed = await http(t.url, 'POST', replayPath, { admin: true });
    expect(replayed.status, replayed.text).toBe(200);
    expect(replayed.body).toMatchObject({ id: delivery!.id, status: 'pending', next_attempt_at: t.clock.now().toISOString(), attempt_count: attempts });
    expect(replayed.body.event.id).toBe(hooks.requests[0]!.json.id);

    const conflict = await http(t.url, 'POST', replayPath, { admin: true });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('delivery_in_progress');

    await run();
    expect(hooks.requests).toHaveLength(attempts + 1);
    const last = hooks.requests.at(-1)!;
    expect(last.headers['webhook-id']).toBe(hooks.requests[0]!.headers['webhook-id']);
    expect(last.body).toBe(hooks.requests[0]!.body);
    expect((await deliveriesOf(t, endpoint.id))[0]!.status).toBe('succeeded');

    // A succeeded delivery can be replayed too (the receiver lost what it processed).
    expect((await http(t.url, 'POST', replayPath, { admin: true })).status).toBe(200);
    await run();
    expect(hooks.requests).toHaveLength(attempts + 2);

    const unknown = await http(t.url, 'POST', `${webhooksPath(project.id, endpoint.id)}/deliveries/dlv_AAAAAAAAAAAAAAAAAAAAAA/replay`, { admin: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('webhook_delivery_not_found');
    const withBody = await http(t.url, 'POST', replayPath, { admin: true, body: { now: true } });
    expect(withBody.status).toBe(400);
  });
});

describe('which endpoint gets what', () => {
  it('sends only the event types an endpoint asked for', async () => {
    const [payments, everything, created] = [await receiver(), await receiver(), await receiver()];
    const project = await devProject(t);
    const ePayments = await addEndpoint(t, project.id, { url: payments.url, event_types: ['payment.succeeded', 'payment.failed'] });
    await addEndpoint(t, project.id, { url: everything.url });
    await addEndpoint(t, project.id, { url: created.url, event_types: ['subscription.created'] });

    const eu = await endUser(t, project, 'erin');
    const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    if (r.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
    await run();

    expect(payments.requests.map((q) => q.json.type)).toEqual(['payment.succeeded']);
    expect(created.requests.map((q) => q.json.type)).toEqual(['subscription.created']);
    expect(everything.requests.map((q) => q.json.type).sort()).toEqual(['payment.succeeded', 'subscription.created', 'subscription.updated']);

    // Widening the filter applies to events from then on.
    await http(t.url, 'PATCH', webhooksPath(project.id, ePayments.id), { admin: true, body: { event_types: null } });
    await endUser(t, project, 'erin-2');
    await run();
    expect(payments.requests.map((q) => q.json.type)).toEqual(['payment.succeeded', 'subscription.created']);
  });

  it("delivers a project's events only to that project's endpoints", async () => {
    const [hooksA, hooksB] = [await receiver(), await receiver()];
    const a = await devProject(t);
    const b = await devProject(t);
    await addEndpoint(t, a.id, { url: hooksA.url });
    await addEndpoint(t, b.id, { url: hooksB.url });
    await endUser(t, a, 'same-id');
    await endUser(t, b, 'same-id');
    await endUser(t, b, 'only-b');
    await run();
    expect(hooksA.requests).toHaveLength(1);
    expect(hooksB.requests).toHaveLength(2);
    const subscriptionIdsA = hooksA.requests.map((r) => r.json.data.subscription.id);
    const subscriptionIdsB = hooksB.requests.map((r) => r.json.data.subscription.id);
    expect(subscriptionIdsB).not.toContain(subscriptionIdsA[0]);
  });

  it('sends an endpoint the events from its creation on; a deleted endpoint gets nothing more', async () => {
    const hooks = await receiver();
    const project = await devProject(t);
    await endUser(t, project, 'before');
    t.clock.advance(1000);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url });
    t.clock.advance(1000);
    await endUser(t, project, 'after');
    await run();
    expect(hooks.requests.map((r) => r.json.data.subscription.end_user_id)).toEqual(['after']);

    expect((await http(t.url, 'DELETE', webhooksPath(project.id, endpoint.id), { admin: true })).status).toBe(200);
    await endUser(t, project, 'after-delete');
    await run();
    expect(hooks.requests).toHaveLength(1);
  });
});

describe('production', () => {
  it('ignores a project\'s development mode: nothing is sent to http:// or a private address', async () => {
    clockToRealTime();
    const hooks = await receiver();
    const project = await devProject(t);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url }); // http://127.0.0.1:… (allowed in development mode)
    await endUser(t, project, 'prod-user');
    const production = { ...t.deps, config: { ...t.deps.config, env: 'production' as const } };
    await deliverWebhooks(production);
    expect(hooks.requests).toHaveLength(0);
    const [delivery] = (await deliveryLog(project.id, endpoint.id)).data;
    expect(JSON.stringify(delivery.attempts)).toMatch(/refused: the endpoint URL/);
    // The same delivery, attempted by a development instance, goes out.
    await advanceToNextAttempt(t, delivery.id);
    await run();
    expect(hooks.requests).toHaveLength(1);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets during the grace period, then with the new one only', async () => {
    clockToRealTime();
    const hooks = await receiver();
    const project = await devProject(t);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url });
    const rotate = (body?: unknown) =>
      http(t.url, 'POST', `${webhooksPath(project.id, endpoint.id)}/rotate-secret`, { admin: true, ...(body !== undefined && { body }) });
    const verifies = (secret: string, req: (typeof hooks.requests)[number]) => {
      try {
        new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };

    const rotated = await rotate({ previous_secret_expires_in: 60 });
    expect(rotated.status, rotated.text).toBe(200);
    const second: string = rotated.body.secret;
    await endUser(t, project, 'rot-1');
    await run();
    const during = hooks.requests[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(endpoint.secret, during)).toBe(true);
    expect(verifies(second, during)).toBe(true);

    t.clock.advance(61_000); // the grace period is over (and the timestamp is still within tolerance)
    await endUser(t, project, 'rot-2');
    await run();
    const afterGrace = hooks.requests[1]!;
    expect(String(afterGrace.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(second, afterGrace)).toBe(true);
    expect(verifies(endpoint.secret, afterGrace)).toBe(false);

    const third: string = (await rotate({ previous_secret_expires_in: 0 })).body.secret;
    await endUser(t, project, 'rot-3');
    await run();
    const immediate = hooks.requests[2]!;
    expect(verifies(third, immediate)).toBe(true);
    expect(verifies(second, immediate)).toBe(false);
  });
});

describe('private and loopback destinations', () => {
  it('refuses loopback at delivery time once the project leaves development mode, and sends again when it returns', async () => {
    const hooks = await receiver();
    const project = await devProject(t);
    const endpoint = await addEndpoint(t, project.id, { url: hooks.url });
    await setDevelopmentMode(t, project.id, false);
    await endUser(t, project, 'frank');
    await run();
    expect(hooks.requests).toHaveLength(0);
    const [refused] = await deliveriesOf(t, endpoint.id);
    expect(refused).toMatchObject({ status: 'pending', last_status_code: null });
    expect(refused!.last_error).toMatch(/^refused: the endpoint URL must be an https URL \(http is allowed only while the project is in development mode\)$/);

    await setDevelopmentMode(t, project.id, true);
    await advanceToNextAttempt(t, refused!.id);
    await run();
    expect(hooks.requests).toHaveLength(1);
  });

  it('resolves the host at delivery time and refuses a name that resolves to a private address', async () => {
    const project = await createProject(t.url, { plans: [{ code: 'free', price: 0, is_default: true }] });
    const endpoint = await addEndpoint(t, project.id, { url: 'https://hooks.example.test/langgan' });
    const answers: Record<string, string[]> = { 'hooks.example.test': ['127.0.0.1'] };
    const resolve: Resolver = async (host) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

    await endUser(t, project, 'grace');
    await run({ resolve });
    const [delivery] = await deliveriesOf(t, endpoint.id);
    expect(delivery!.last_error).toMatch(/^refused: hooks\.example\.test resolves to 127\.0\.0\.1, which is not a public address/);

    for (const bad of [['::1'], ['::ffff:127.0.0.1'], ['127.0.0.2', '::1']]) {
      answers['hooks.example.test'] = bad;
      await advanceToNextAttempt(t, delivery!.id);
      await run({ resolve });
      const row = (await deliveriesOf(t, endpoint.id))[0]!;
      expect(row.last_error, bad.join(',')).toMatch(/^refused: hooks\.example\.test resolves to/);
    }
    expect((await deliveriesOf(t, endpoint.id))[0]!.status).toBe('pending');
  });

  it('lets a development-mode project deliver to a name that resolves to loopback', async () => {
    const hooks = await receiver();
    const project = await devProject(t);
    const port = new URL(hooks.url).port;
    await addEndpoint(t, project.id, { url: `http://receiver.test:${port}/in` });
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await endUser(t, project, 'heidi');
    await run({ resolve });
    expect(hooks.requests).toHaveLength(1);
    expect(hooks.requests[0]!.headers.host).toBe(`receiver.test:${port}`);
  });
});
