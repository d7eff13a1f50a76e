import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import { createSession, type TestProject } from './factories.ts';

/** The internal id of an end user, created the integrator's way (a portal session). */
export async function endUser(t: TestApp, project: TestProject, externalId: string): Promise<string> {
  const res = await createSession(t.url, project, externalId);
  expect(res.status, res.text).toBe(200);
  const row = await t.database.db
    .selectFrom('end_users')
    .select('id')
    .where('project_id', '=', project.id)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Drives a simulator transaction (what a person does on the payment page) and waits for notifications. */
export async function simulate(
  t: TestApp,
  orderId: string,
  body: { transaction_status: string; payment_type?: string; bank?: string; fraud_status?: string; notify?: boolean },
) {
  const res = await fetch(`${t.simulator.url}/__simulator/transactions/${orderId}/transition`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.simulator.controlHeaders },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await t.simulator.deliveriesSettled();
  return res.json();
}

/** Sends the simulator's current notification again (duplicate), or a stale one signed correctly. */
export async function renotify(t: TestApp, orderId: string, staleStatus?: string) {
  const res = await fetch(`${t.simulator.url}/__simulator/transactions/${orderId}/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...t.simulator.controlHeaders },
    body: JSON.stringify(staleStatus ? { transaction_status: staleStatus } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  await t.simulator.deliveriesSettled();
}

export async function simulatorTransactions(t: TestApp): Promise<Array<{ order_id: string; gross_amount: number; item_details?: unknown[] } & Record<string, unknown>>> {
  const res = await fetch(`${t.simulator.url}/__simulator/transactions`, { headers: t.simulator.controlHeaders });
  return ((await res.json()) as { transactions: never[] }).transactions;
}

export async function subscriptionOf(t: TestApp, endUserId: string) {
  return t.database.db.selectFrom('subscriptions').selectAll().where('end_user_id', '=', endUserId).executeTakeFirst();
}

export async function paymentById(t: TestApp, id: string) {
  return t.database.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function eventsOf(t: TestApp, subjectId: string) {
  return t.database.db.selectFrom('events').selectAll().where('subject_id', '=', subjectId).orderBy('seq').execute();
}

/** An end user on the free default plan who asked for `plan` through the portal: the pending payment. */
export async function pendingUpgrade(t: TestApp, project: TestProject, externalId: string, plan = 'pro') {
  const { changePlan } = await import('../../src/modules/subscriptions/change-plan.ts');
  const eu = await endUser(t, project, externalId);
  const result = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans[plan]!.id, source: 'portal' });
  if (result.outcome !== 'payment_required') throw new Error(`expected a payment, got ${result.outcome}`);
  return { eu, payment: result.payment };
}

const EVENT_FOR_STATUS: Record<string, string[]> = {
  pending: [],
  failed: ['payment.failed'],
  expired: ['payment.expired'],
  paid: ['payment.succeeded', 'payment.refund_due'],
  refunded: ['payment.refunded'],
};

/**
 * The outbox rule over a whole test file's ledger: every payment has its `payment.created`,
 * and one event for the status it is in now. A path that changes a payment without its
 * event fails here, whichever test took it.
 */
export async function expectEveryPaymentHasItsEvents(t: TestApp): Promise<void> {
  const payments = await t.database.db.selectFrom('payments').select(['id', 'status']).execute();
  const events = await t.database.db.selectFrom('events').select(['subject_id', 'type']).where('type', 'like', 'payment.%').execute();
  const typesOf = new Map<string, Set<string>>();
  for (const e of events) typesOf.set(e.subject_id, (typesOf.get(e.subject_id) ?? new Set()).add(e.type));
  const missing = payments.flatMap((p) => {
    const types = typesOf.get(p.id) ?? new Set();
    const problems: string[] = [];
    if (!types.has('payment.created')) problems.push(`${p.id}: no payment.created`);
    const wanted = EVENT_FOR_STATUS[p.status]!;
    if (wanted.length && !wanted.some((w) => types.has(w))) problems.push(`${p.id} (${p.status}): none of ${wanted.join(', ')}`);
    return problems;
  });
  expect(payments.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
}
