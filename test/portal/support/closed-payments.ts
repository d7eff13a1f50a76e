import type { PaymentStatusColumn } from '../../../src/db/types.ts';
import type { TestApp } from '../../support/app.ts';
import type { TestProject } from '../../support/factories.ts';

let seq = 0;

/**
 * A past payment of one end user as the gateway left it (e.g. `failed` + `cancel`: the
 * customer canceled on Midtrans' page), `daysAgo` days before the test clock's now. Written
 * straight to the table: the pages under test only read it.
 */
export async function insertClosedPayment(
  t: TestApp,
  project: TestProject,
  owner: { endUserId: string; subscriptionId: string },
  p: { status: PaymentStatusColumn; gatewayStatus: string | null; daysAgo: number; amount: number; method?: string; plan?: string },
): Promise<string> {
  const now = t.clock.now().getTime();
  const id = `pay_closed_${process.pid}_${++seq}`;
  await t.database.db
    .insertInto('payments')
    .values({
      id,
      project_id: project.id,
      subscription_id: owner.subscriptionId,
      end_user_id: owner.endUserId,
      purpose: 'upgrade',
      plan_id: project.plans[p.plan ?? 'pro']!.id,
      description: 'Pro',
      amount: p.amount,
      currency: 'IDR',
      item_details: '[]',
      status: p.status,
      gateway_status: p.gatewayStatus,
      payment_method: p.method ?? null,
      order_id: id,
      gateway: 'midtrans',
      expires_at: new Date(now - p.daysAgo * 86_400_000 + 3_600_000),
      created_at: new Date(now - p.daysAgo * 86_400_000),
      updated_at: new Date(now),
    })
    .execute();
  return id;
}
