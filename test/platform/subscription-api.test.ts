import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { eventsOf, simulate } from '../support/billing.ts';
import { createProject, createSession, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
let project: TestProject;
let other: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
  other = await createProject(t.url, { plans: [{ code: 'enterprise', price: 9_000_000 }] });
  for (const id of ['api-user', 'api-downgrader', 'api-canceller', 'api-free']) await createSession(t.url, project, id);
});
afterAll(() => t.close());

const path = (user: string, action = '') => `/api/platform/end-users/${user}/subscription${action}`;
const call = (method: string, user: string, action: string, body?: unknown, creds = project.creds) =>
  http(t.url, method, path(user, action), { basic: creds, ...(body !== undefined && { body }) });

async function payOpenPayment(user: string, plan: string) {
  const res = await call('POST', user, '/change', { plan_code: plan });
  expect(res.body.outcome).toBe('payment_required');
  await simulate(t, res.body.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
}

describe('plan changes through the platform API (the same rules as the portal)', () => {
  it('previews, then answers payment_required with a payment URL, and never opens a second payment', async () => {
    const preview = await call('POST', 'api-user', '/preview', { plan_code: 'pro' });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      kind: 'start_paid',
      amount: 150_000,
      currency: 'IDR',
      items: [{ id: 'plan-pro', name: 'Pro (monthly)', price: 150_000, quantity: 1 }],
      credit: 0,
      effective_at: null,
    });
    const first = await call('POST', 'api-user', '/change', { plan_code: 'pro' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'payment_required', kind: 'start_paid', payment: { amount: 150_000, status: 'pending' } });
    expect(first.body.payment.payment_url).toContain('/snap/v3/redirection/');
    expect(first.body.subscription.status).toBe('active'); // still on Free until paid
    const again = await call('POST', 'api-user', '/change', { plan_code: 'pro' });
    expect(again.body.payment.id).toBe(first.body.payment.id);

    await simulate(t, first.body.payment.order_id, { transaction_status: 'settlement', payment_type: 'bank_transfer', bank: 'bca' });
    const now = await http(t.url, 'GET', path('api-user'), { basic: project.creds });
    expect(now.body.plan.code).toBe('pro');
    const events = await eventsOf(t, now.body.subscription_id);
    expect(events.at(-1)).toMatchObject({ type: 'subscription.updated', source: 'api' });
  });

  it('schedules a downgrade and withdraws it', async () => {
    await payOpenPayment('api-downgrader', 'business');
    const scheduled = await call('POST', 'api-downgrader', '/change', { plan_code: 'pro' });
    expect(scheduled.body).toMatchObject({ outcome: 'scheduled', payment: null, subscription: { plan: { code: 'business' }, scheduled_change: { plan: { code: 'pro' } } } });
    const withdrawn = await call('DELETE', 'api-downgrader', '/scheduled-change');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.scheduled_change).toBeNull();
  });

  it('cancels with a reason and resumes', async () => {
    await payOpenPayment('api-canceller', 'pro');
    const canceled = await call('POST', 'api-canceller', '/cancel', { reason: 'Switching tools' });
    expect(canceled.body).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_reason: 'Switching tools' });
    const resumed = await call('POST', 'api-canceller', '/resume');
    expect(resumed.body).toMatchObject({ cancel_at_period_end: false, cancel_reason: null });
  });
});

describe('errors and isolation', () => {
  it('answers 422 naming the reason when asked to cancel the free default plan, and keeps the plan', async () => {
    const res = await call('POST', 'api-free', '/cancel', { reason: 'Not needed' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'plan_change_not_allowed', message: expect.stringMatching(/^The free default plan cannot be cancelled/) });
    expect((await http(t.url, 'GET', path('api-free'), { basic: project.creds })).body).toMatchObject({ status: 'active', plan: { code: 'free' }, cancel_at_period_end: false });
  });

  it('refuses unknown end users, unknown or foreign plan codes, and the current plan', async () => {
    expect((await call('POST', 'nobody', '/preview', { plan_code: 'pro' })).body.error.code).toBe('end_user_not_found');
    const foreign = await call('POST', 'api-user', '/change', { plan_code: 'enterprise' });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'plan_not_found']);
    const same = await call('POST', 'api-user', '/change', { plan_code: 'pro' });
    expect([same.status, same.body.error.code]).toEqual([422, 'plan_change_not_allowed']);
  });

  it("never touches another project's end user", async () => {
    const res = await call('POST', 'api-user', '/cancel', {}, other.creds);
    expect(res.status).toBe(404);
    expect((await http(t.url, 'GET', path('api-user'), { basic: project.creds })).body.cancel_at_period_end).toBe(false);
  });

  it('validates bodies strictly', async () => {
    const extra = await call('POST', 'api-user', '/change', { plan_code: 'pro', amount: 1 });
    expect([extra.status, extra.body.error.message]).toEqual([400, 'amount is not a recognised field']);
    const missing = await call('POST', 'api-user', '/change', {});
    expect(missing.body.error.message).toBe('plan_code is required');
    const body = await call('POST', 'api-user', '/resume', { now: true });
    expect(body.status).toBe(400);
    expect((await http(t.url, 'POST', path('api-user', '/change'), { body: { plan_code: 'pro' } })).status).toBe(401);
  });
});
