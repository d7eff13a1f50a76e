import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import { changePlan } from '../../src/modules/subscriptions/change-plan.ts';
import { createMidtransGateway } from '../../src/payments/midtrans/index.ts';
import { startTestApp, TEST_SERVER_KEY, type TestApp } from '../support/app.ts';
import { endUser, paymentById, subscriptionOf, expectEveryPaymentHasItsEvents } from '../support/billing.ts';
import { createProject, type TestProject } from '../support/factories.ts';
import { freePort } from '../support/ports.ts';

let t: TestApp;
let project: TestProject;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url);
});
afterAll(() => t.close());

it('when the gateway is down, the upgrade fails cleanly (502), the payment is closed, and a retry works', async () => {
  const eu = await endUser(t, project, 'gateway-down');
  const dead = `http://127.0.0.1:${await freePort()}`;
  const down = { ...t.deps, gateway: createMidtransGateway({ serverKey: TEST_SERVER_KEY, snapBaseUrl: `${dead}/snap/v1`, coreBaseUrl: dead, retryDelayMs: 1, maxRetries: 1, timeoutMs: 500 }) };

  const error = await changePlan(down, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect([(error as AppError).code, (error as AppError).status]).toEqual(['payment_gateway_unavailable', 502]);
  expect((error as AppError).message).not.toContain(TEST_SERVER_KEY);

  const [failed] = await t.database.db.selectFrom('payments').selectAll().where('end_user_id', '=', eu).execute();
  expect(failed).toMatchObject({ status: 'failed', failure_reason: 'checkout: gateway_unavailable' });
  expect((await subscriptionOf(t, eu))!.plan_id).toBe(project.plans.free!.id);

  // Compensation freed the subscription: the next attempt, with the gateway back, goes through.
  const retry = await changePlan(t.deps, { projectId: project.id, endUserId: eu, planId: project.plans.pro!.id, source: 'portal' });
  expect(retry.outcome).toBe('payment_required');
  if (retry.outcome === 'payment_required') expect((await paymentById(t, retry.payment.id)).redirect_url).toBeTruthy();
});

describe('the ledger after every case above', () => {
  it('keeps, for every payment, its payment.created and the event of its current status', async () => {
    await expectEveryPaymentHasItsEvents(t);
  });
});
