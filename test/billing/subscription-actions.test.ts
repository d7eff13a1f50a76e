import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelSubscription, resumeSubscription, withdrawScheduledChange } from '../../src/modules/subscriptions/cancel.ts';
import { changePlan, previewPlanChange } from '../../src/modules/subscriptions/change-plan.ts';
import { AppError } from '../../src/lib/errors.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, paymentById, simulate, simulatorTransactions, subscriptionOf, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
let project: TestProject;
let other: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
  other = await createProject(t.url);
});
afterAll(() => t.close());

const req = (eu: string, planId: string) => ({ projectId: project.id, endUserId: eu, planId, source: 'portal' as const });

async function onPaidPlan(externalId: string, plan: 'pro' | 'business' = 'business') {
  const eu = await endUser(t, project, externalId);
  const r = await changePlan(t.deps, req(eu, project.plans[plan]!.id));
  if (r.outcome !== 'payment_required') throw new Error('expected a payment');
  await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
  return eu;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('refused changes', () => {
  it('refuses the current plan, an archived plan and another project\'s plan with clear errors', async () => {
    const eu = await endUser(t, project, 'refusals');
    expect((await refusal(changePlan(t.deps, req(eu, project.plans.free!.id)))).message).toBe('You are already on the Free plan');
    const archived = await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans`, { admin: true, body: { code: 'legacy', name: 'Legacy', price: 99_000, interval: 'month' } });
    await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans/${archived.body.id}/archive`, { admin: true });
    const e1 = await refusal(changePlan(t.deps, req(eu, archived.body.id)));
    expect([e1.code, e1.status]).toEqual(['plan_change_not_allowed', 422]);
    const e2 = await refusal(changePlan(t.deps, req(eu, other.plans.pro!.id)));
    expect([e2.code, e2.status]).toEqual(['plan_not_found', 404]);
  });

  it('returns the open payment for a repeated request, and refuses a different paid change meanwhile', async () => {
    const eu = await endUser(t, project, 'one-open');
    const first = await changePlan(t.deps, req(eu, project.plans.pro!.id));
    const again = await changePlan(t.deps, req(eu, project.plans.pro!.id));
    expect(first.outcome === 'payment_required' && again.outcome === 'payment_required').toBe(true);
    if (first.outcome !== 'payment_required' || again.outcome !== 'payment_required') return;
    expect(again.payment.id).toBe(first.payment.id);
    expect(again.reused).toBe(true);
    const e = await refusal(changePlan(t.deps, req(eu, project.plans.business!.id)));
    expect([e.code, e.status]).toEqual(['payment_in_progress', 409]);
  });

  it('two concurrent upgrade requests create exactly one Snap transaction', async () => {
    const eu = await endUser(t, project, 'concurrent');
    const results = await Promise.all(Array.from({ length: 5 }, () => changePlan(t.deps, req(eu, project.plans.pro!.id))));
    const ids = new Set(results.map((r) => (r.outcome === 'payment_required' ? r.payment.id : 'none')));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect((await simulatorTransactions(t)).filter((x) => x.order_id === id)).toHaveLength(1);
    const rows = await t.database.db.selectFrom('payments').select('id').where('end_user_id', '=', eu).execute();
    expect(rows).toHaveLength(1);
    expect(results.every((r) => r.outcome === 'payment_required' && r.payment.redirect_url)).toBe(true);
  });
});

describe('downgrades', () => {
  it('schedules a downgrade for the period end, shows it, and can withdraw it', async () => {
    const eu = await onPaidPlan('downgrader');
    const before = (await subscriptionOf(t, eu))!;
    const preview = await previewPlanChange(t.deps, req(eu, project.plans.pro!.id));
    expect(preview).toMatchObject({ kind: 'scheduled_at_period_end', amount: 0, effectiveAt: before.current_period_end });

    const result = await changePlan(t.deps, req(eu, project.plans.pro!.id));
    expect(result.outcome).toBe('scheduled');
    const scheduled = (await subscriptionOf(t, eu))!;
    const again = await changePlan(t.deps, req(eu, project.plans.pro!.id));
    expect(again.outcome === 'scheduled' && again.subscription.version).toBe(scheduled.version);
    expect(scheduled).toMatchObject({ plan_id: project.plans.business!.id, scheduled_plan_id: project.plans.pro!.id });
    const api = await http(t.url, 'GET', '/api/platform/end-users/downgrader/subscription', { basic: project.creds });
    expect(api.body.scheduled_change).toEqual({
      plan: expect.objectContaining({ code: 'pro', price: 150_000 }),
      effective_at: before.current_period_end!.toISOString(),
    });

    await withdrawScheduledChange(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' });
    expect((await subscriptionOf(t, eu))!.scheduled_plan_id).toBeNull();
    // No money moved.
    expect(await t.database.db.selectFrom('payments').select('id').where('end_user_id', '=', eu).execute()).toHaveLength(1);
  });

  it('a downgrade to free is scheduled too, never immediate on a paid period', async () => {
    const eu = await onPaidPlan('to-free', 'pro');
    const result = await changePlan(t.deps, req(eu, project.plans.free!.id));
    expect(result.outcome).toBe('scheduled');
    expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.pro!.id);
  });
});

describe('cancel and resume', () => {
  it('cancels at period end with a reason, can be resumed before then, and cancelling twice is one change', async () => {
    const eu = await onPaidPlan('canceller', 'pro');
    const a = await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal', reason: 'Too expensive' });
    const b = await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal', reason: 'again' });
    expect(a).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_reason: 'Too expensive' });
    expect(b.version).toBe(a.version);
    const api = await http(t.url, 'GET', '/api/platform/end-users/canceller/subscription', { basic: project.creds });
    expect(api.body).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_reason: 'Too expensive' });

    const e = await refusal(changePlan(t.deps, req(eu, project.plans.free!.id)));
    expect(e.code).toBe('plan_change_not_allowed');

    const resumed = await resumeSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' });
    expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_reason: null, status: 'active' });
  });

  it("refuses to cancel the project's free default plan (it would leave the customer with no plan) and changes nothing", async () => {
    const eu = await endUser(t, project, 'free-default-cancel');
    const before = await subscriptionOf(t, eu);
    const e = await refusal(cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' }));
    expect(e.code).toBe('plan_change_not_allowed');
    expect(e.details).toEqual({ reason: 'free_default_plan' });
    expect(e.message).toMatch(/free default plan cannot be cancelled/);
    expect(await subscriptionOf(t, eu)).toEqual(before);
    const events = await t.database.db.selectFrom('events').select('type').where('subject_id', '=', before!.id).execute();
    expect(events.map((x) => x.type)).not.toContain('subscription.canceled');
  });

  it('cancels a free plan that is not the default at once', async () => {
    const created = await http(t.url, 'POST', `/api/admin/projects/${project.id}/plans`, { admin: true, body: { code: 'community', name: 'Community', price: 0, interval: 'month' } });
    expect(created.status).toBe(201);
    const eu = await endUser(t, project, 'free-cancel');
    const moved = await changePlan(t.deps, req(eu, created.body.id));
    expect(moved.outcome).not.toBe('payment_required');
    const canceled = await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' });
    expect(canceled.status).toBe('canceled');
    const events = await t.database.db.selectFrom('events').select('type').where('subject_id', '=', canceled.id).execute();
    expect(events.map((e) => e.type)).toContain('subscription.canceled');
  });

  it('an upgrade paid while a cancellation is scheduled supersedes the cancellation', async () => {
    const eu = await onPaidPlan('cancel-then-upgrade', 'pro');
    await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' });
    const r = await changePlan(t.deps, req(eu, project.plans.business!.id));
    if (r.outcome !== 'payment_required') throw new Error('expected payment');
    await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    expect((await paymentById(t, r.payment.id)).status).toBe('paid');
    expect(await subscriptionOf(t, eu)).toMatchObject({ plan_id: project.plans.business!.id, cancel_at_period_end: false });
  });
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
