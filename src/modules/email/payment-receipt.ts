import type { Db } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import { planInLocale } from '../plans/plans.service.ts';
import { queueEmail } from './queue-email.ts';
import { renderReceipt } from './templates/receipt.ts';

/**
 * Queues the receipt for a payment that was just applied as paid, in the same transaction
 * (called from the settlement, whichever path saw it first: notification, reconciliation
 * or the return URL). Once per payment: its id is the cause. Nothing when email is off, the
 * project switched receipts off, or the customer has no address on file.
 */
export async function queuePaymentReceipt(trx: Db, deps: Pick<Deps, 'mail' | 'config'>, paymentId: string, now: Date): Promise<void> {
  if (!deps.mail) return;
  const row = await trx
    .selectFrom('payments')
    .innerJoin('end_users', 'end_users.id', 'payments.end_user_id')
    .innerJoin('projects', 'projects.id', 'payments.project_id')
    .innerJoin('plans', 'plans.id', 'payments.plan_id')
    .innerJoin('subscriptions', 'subscriptions.id', 'payments.subscription_id')
    .select([
      'payments.id',
      'payments.project_id',
      'payments.end_user_id',
      'payments.amount',
      'payments.currency',
      'payments.payment_method',
      'payments.paid_at',
      'payments.period_start',
      'payments.period_end',
      // A first purchase's period starts when it is paid: the subscription has it now.
      'subscriptions.current_period_start',
      'subscriptions.current_period_end',
      'payments.order_id',
      'end_users.email',
      'end_users.name as customer_name',
      'end_users.locale',
      'projects.name as project_name',
      'projects.theme_config',
      'projects.time_zone',
      'projects.default_locale',
      'projects.email_disabled_types',
      'plans.name as plan_name',
      'plans.description as plan_description',
      'plans.features as plan_features',
      'plans.translations as plan_translations',
    ])
    .where('payments.id', '=', paymentId)
    .executeTakeFirst();
  if (!row?.email || row.email_disabled_types.includes('payment_receipt')) return;
  const locale = row.locale ?? row.default_locale;
  const plan = planInLocale({ name: row.plan_name, description: row.plan_description, features: row.plan_features, translations: row.plan_translations }, locale);
  await queueEmail(trx, {
    projectId: row.project_id,
    endUserId: row.end_user_id,
    type: 'payment_receipt',
    cause: row.id,
    to: row.email,
    locale,
    domain: deps.config.mail.from.split('@')[1]!,
    now,
    rendered: renderReceipt({
      locale,
      timeZone: row.time_zone,
      projectName: row.project_name,
      theme: row.theme_config,
      customerName: row.customer_name,
      planName: plan.name,
      amount: row.amount,
      currency: row.currency,
      method: row.payment_method,
      paidAt: row.paid_at ?? now,
      periodStart: row.period_start ?? row.current_period_start,
      periodEnd: row.period_end ?? row.current_period_end,
      orderId: row.order_id,
    }),
  });
}
