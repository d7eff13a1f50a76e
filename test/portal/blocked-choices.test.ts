import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelSubscription } from '../../src/modules/subscriptions/cancel.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { endUser, simulate, subscriptionOf } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { formFields, openPortal } from './support/portal-client.ts';

/**
 * Only what can be done is offered: while a cancellation is scheduled, the plans page offers
 * no downgrade (it would describe a renewal that will not happen) but says why next to the
 * plan, with the Resume that unblocks it; a paid upgrade, which supersedes the
 * cancellation, stays on offer.
 */
let t: TestApp;
let project: TestProject;
beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t?.close());

describe('while a cancellation is scheduled', () => {
  it('replaces downgrades with the reason and Resume, keeps the upgrade, and offers them again once resumed', async () => {
    const eu = await endUser(t, project, 'leaving');
    const r = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
    if (r.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(t, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    await cancelSubscription(t.deps, { projectId: project.id, endUserId: eu, source: 'portal' });

    const { client } = await openPortal(t, project, 'leaving');
    const plans = await client.get('/portal/plans');
    expect(plans.text).not.toContain(`href="/portal/plans/${project.plans.free!.id}"`);
    expect(plans.text).toContain('Your subscription is set to end. Resume it to change to this plan.');
    expect(plans.text).toContain(`href="/portal/plans/${project.plans.business!.id}"`);

    const resumed = await client.post('/portal/resume', formFields(plans.text, '/portal/resume'));
    expect([resumed.status, resumed.location]).toEqual([303, '/portal?notice=resumed']);
    expect((await subscriptionOf(t, eu))!.cancel_at_period_end).toBe(false);
    const after = await client.get('/portal/plans');
    expect(after.text).toContain(`href="/portal/plans/${project.plans.free!.id}"`);
    expect(after.text).not.toContain('Resume it to change to this plan');
  });
});
