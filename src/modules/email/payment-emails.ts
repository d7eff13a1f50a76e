import type { Db } from '../../db/database.ts';
import type { EmailType } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { planInLocale } from '../plans/plans.service.ts';
import { queueEmail } from './queue-email.ts';
import type { PaymentEmailBase, RenderedEmail } from './templates/layout.ts';
import { renderPaymentInstructions } from './templates/payment-instructions.ts';
import { renderReceipt } from './templates/receipt.ts';

/**
 * Emails about one payment, queued in the transaction that changed it (called from the
 * settlement, whichever path saw the gateway's answer first: notification, reconciliation
 * or the return URL). Each is queued once per payment — the payment id is the cause — and
 * not at all when email is off, the project switched that type off, or the customer has no
 * address on file.
 */

/** The receipt, when a payment was just applied as paid. */
export async function queuePaymentReceipt(trx: Db, deps: Pick<Deps, 'mail' | 'config'>, paymentId: string, now: Date): Promise<void> {
  await queueAboutPayment(trx, deps, paymentId, 'payment_receipt', now, (p, base) =>
    renderReceipt({
      ...base,
      amount: p.amount,
      currency: p.currency,
      method: p.payment_method,
      paidAt: p.paid_at ?? now,
      // A first purchase's period starts when it is paid: the subscription has it now.
      periodStart: p.period_start ?? p.current_period_start,
      periodEnd: p.period_end ?? p.current_period_end,
      orderId: p.order_id,
    }),
  );
}

/** How to pay, when a pending payment just got its bank transfer, bill, store or QR details. */
export async function queuePaymentInstructions(trx: Db, deps: Pick<Deps, 'mail' | 'config'>, paymentId: string, now: Date): Promise<void> {
  await queueAboutPayment(trx, deps, paymentId, 'payment_instructions', now, (p, base) =>
    p.payment_instructions ? renderPaymentInstructions({ ...base, amount: p.amount, currency: p.currency, deadline: p.expires_at, how: p.payment_instructions }) : undefined,
  );
}

type PaymentContext = NonNullable<Awaited<ReturnType<typeof loadPaymentContext>>>;
type BaseData = Omit<PaymentEmailBase, 'amount' | 'currency'>;

async function queueAboutPayment(
  trx: Db,
  deps: Pick<Deps, 'mail' | 'config'>,
  paymentId: string,
  type: EmailType,
  now: Date,
  render: (p: PaymentContext, base: BaseData) => RenderedEmail | undefined,
): Promise<void> {
  if (!deps.mail) return;
  const p = await loadPaymentContext(trx, paymentId);
  if (!p?.email || p.email_disabled_types.includes(type)) return;
  const locale = p.locale ?? p.default_locale;
  const plan = planInLocale({ name: p.plan_name, description: p.plan_description, features: p.plan_features, translations: p.plan_translations }, locale);
  const rendered = render(p, { locale, timeZone: p.time_zone, projectName: p.project_name, theme: p.theme_config, customerName: p.customer_name, planName: plan.name });
  if (!rendered) return;
  await queueEmail(trx, {
    projectId: p.project_id,
    endUserId: p.end_user_id,
    type,
    cause: p.id,
    to: p.email,
    locale,
    domain: deps.config.mail.from.split('@')[1]!,
    now,
    rendered,
  });
}

/** The payment with its customer, project, plan and subscription, as the emails need them. */
function loadPaymentContext(trx: Db, paymentId: string) {
  return trx
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
      'payments.payment_instructions',
      'payments.expires_at',
      'payments.paid_at',
      'payments.period_start',
      'payments.period_end',
      'payments.order_id',
      'subscriptions.current_period_start',
      'subscriptions.current_period_end',
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
}
