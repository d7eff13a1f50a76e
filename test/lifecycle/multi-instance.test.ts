import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/payments/reconcile.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { processPeriodEnds } from '../../src/modules/subscriptions/period-end.ts';
import type { TestApp } from '../support/app.ts';
import { endUser, simulate, subscriptionOf } from '../support/billing.ts';
import { startTwoInstances, type TwoInstances } from '../support/instances.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let instances: TwoInstances;
let a: TestApp;
let b: TestApp;
let project: TestProject;

beforeAll(async () => {
  instances = await startTwoInstances();
  ({ a, b } = instances);
  project = await createProject(a.url);
});

afterAll(async () => {
  await instances?.close();
});

it('two instances racing on the same due subscriptions process each period end exactly once', async () => {
  const users: string[] = [];
  for (let i = 0; i < 12; i++) {
    const eu = await endUser(a, project, `racer-${i}`);
    const r = await changePlan(a.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'api' });
    if (r.outcome !== 'payment_required') throw new Error('expected a payment');
    await simulate(a, r.payment.order_id, { transaction_status: 'settlement', payment_type: 'qris' });
    users.push(eu);
  }
  const latest = Math.max(...(await Promise.all(users.map(async (u) => (await subscriptionOf(a, u))!.current_period_end!.getTime()))));
  a.clock.set(new Date(latest + 1000));
  b.clock.set(new Date(latest + 1000));

  // Overdue work shows as scheduler lag until it is processed.
  a.clock.advance(60_000);
  b.clock.advance(60_000);
  const ready = await fetch(`${a.url}/readyz`).then((r) => r.json() as Promise<{ scheduler_lag_seconds: number }>);
  expect(ready.scheduler_lag_seconds).toBeGreaterThanOrEqual(60);

  const [ra, rb] = await Promise.all([processPeriodEnds(a.deps), processPeriodEnds(b.deps)]);
  expect(ra.processed + rb.processed).toBe(12);

  for (const eu of users) {
    const sub = (await subscriptionOf(a, eu))!;
    expect(sub.status).toBe('past_due');
    const renewals = await a.database.db.selectFrom('payments').select('id').where('subscription_id', '=', sub.id).where('purpose', '=', 'renewal').execute();
    expect(renewals).toHaveLength(1);
    const pastDue = await a.database.db.selectFrom('events').select('id').where('subject_id', '=', sub.id).where('type', '=', 'subscription.past_due').execute();
    expect(pastDue).toHaveLength(1);
  }

  // Both reconcilers on the same pending renewals: each payment is checked by one of them.
  a.clock.advance(6 * 60_000);
  b.clock.advance(6 * 60_000);
  const [ca, cb] = await Promise.all([reconcilePendingPayments(a.deps), reconcilePendingPayments(b.deps)]);
  expect(ca.checked + cb.checked).toBe(12);
});
