import type { Db } from '../../db/database.ts';
import type { EmailType, Payment, Subscription } from '../../db/types.ts';
import { planInLocale } from '../plans/plans.service.ts';
import { ABANDONED } from '../payments/payment-records.ts';
import { planText, queueCustomerEmail, signInButton, type EmailDeps } from './customer-email.ts';
import type { PaymentEmailBase, RenderedEmail } from './templates/layout.ts';
import { renderPaymentFailed } from './templates/payment-failed.ts';
import { renderPaymentInstructions } from './templates/payment-instructions.ts';
import { renderPaymentLink } from './templates/payment-link.ts';
import { renderReceipt } from './templates/receipt.ts';

/**
 * Emails about one payment, queued in the transaction that changed it (called from the
 * settlement, whichever path saw the gateway's answer first: notification, reconciliation
 * or the return URL). Each is queued once per payment — the payment id is the cause — and
 * not at all when email is off, the project switched that type off, or the customer has no
 * address on file.
 */

/** The receipt, when a payment was just applied as paid. */
export async function queuePaymentReceipt(trx: Db, deps: EmailDeps, paymentId: string, now: Date): Promise<void> {
  await queueAboutPayment(trx, deps, paymentId, 'payment_receipt', now, async (p, base) =>
    renderReceipt({
      ...base,
      // "View in billing": signs the customer in on this payment (a week at most).
      view: await signInButton(trx, deps, { projectId: p.project_id, endUserId: p.end_user_id, locale: base.locale, flow: `pay:${p.id}`, until: new Date(now.getTime() + 7 * 86_400_000), now }),
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
export async function queuePaymentInstructions(trx: Db, deps: EmailDeps, paymentId: string, now: Date): Promise<void> {
  await queueAboutPayment(trx, deps, paymentId, 'payment_instructions', now, (p, base) =>
    p.payment_instructions ? renderPaymentInstructions({ ...base, deadline: p.expires_at, how: p.payment_instructions }) : undefined,
  );
}

/**
 * That a payment just failed or expired at the gateway, and what happens next; `sub` is the
 * subscription as the change left it. Not for:
 * - a payment the customer abandoned (`abandon.ts` marks it before asking the gateway, so
 *   Midtrans' notification of our own expire, should it arrive first, is covered too);
 * - a payment we closed ourselves because a newer one superseded or replaced it: those are
 *   closed by `closePayment`, which never comes here;
 * - a renewal, unless it failed while the grace period lasts (a fresh renewal payment takes
 *   its place in the same commit, so "Pay now" still works). The period end's news is
 *   `past_due`, the end of grace's `subscription_ended` (subscription-emails.ts), and a
 *   renewal link lapses with the grace period: one email for one event.
 */
export async function queuePaymentFailed(
  trx: Db,
  deps: EmailDeps,
  payment: Payment,
  sub: Subscription,
  now: Date,
  /** The renewal opened in the failed one's place (same transaction): "Pay now" opens it. */
  replacement?: Payment,
): Promise<void> {
  if (payment.failure_reason === ABANDONED) return;
  const renewal = payment.purpose === 'renewal';
  const graceEndsAt = sub.status === 'past_due' && sub.grace_ends_at && sub.grace_ends_at > now ? sub.grace_ends_at : undefined;
  if (renewal && !(graceEndsAt && payment.status === 'failed')) return;
  const live = sub.status === 'active' || sub.status === 'past_due';
  await queueAboutPayment(trx, deps, payment.id, 'payment_failed', now, async (p, base) =>
    renderPaymentFailed({
      ...base,
      outcome: p.status === 'expired' ? 'expired' : 'failed',
      method: p.payment_method,
      orderId: p.order_id,
      next: graceEndsAt
        ? {
            pastDueUntil: graceEndsAt,
            ...(replacement && {
              pay: await signInButton(trx, deps, { projectId: sub.project_id, endUserId: sub.end_user_id, locale: base.locale, flow: `pay:${replacement.id}`, until: graceEndsAt, now }),
            }),
          }
        : { currentPlan: live ? ((await planText(trx, sub.project_id, sub.plan_id, base.locale))?.name ?? null) : null },
    }),
  );
}

/**
 * An open payment, emailed to its customer because someone at the project asked (the
 * dashboard's "Email the payment link"): "Pay now" signs them in on it, until the payment
 * expires and a week at most. `cause` tells one request from another (each is sent).
 * Returns whether it was queued: false when email is off or the customer has no address.
 */
export async function queuePaymentLink(trx: Db, deps: EmailDeps, paymentId: string, cause: string, now: Date): Promise<boolean> {
  const render = async (p: PaymentContext, base: PaymentEmailBase) =>
    p.status === 'pending'
      ? renderPaymentLink({
          ...base,
          purpose: p.purpose,
          pay: await signInButton(trx, deps, { projectId: p.project_id, endUserId: p.end_user_id, locale: base.locale, flow: `pay:${p.id}`, until: p.expires_at, now }),
        })
      : undefined;
  return queueAboutPayment(trx, deps, paymentId, 'payment_link', now, render, cause);
}

type PaymentContext = NonNullable<Awaited<ReturnType<typeof loadPaymentContext>>>;

async function queueAboutPayment(
  trx: Db,
  deps: EmailDeps,
  paymentId: string,
  type: EmailType,
  now: Date,
  render: (p: PaymentContext, base: PaymentEmailBase) => Promise<RenderedEmail | undefined> | RenderedEmail | undefined,
  cause = paymentId,
): Promise<boolean> {
  if (!deps.mail) return false;
  const p = await loadPaymentContext(trx, paymentId);
  if (!p) return false;
  return queueCustomerEmail(trx, deps, { projectId: p.project_id, endUserId: p.end_user_id, type, cause, now }, (base) => {
    const plan = planInLocale({ name: p.plan_name, description: p.plan_description, features: p.plan_features, translations: p.plan_translations }, base.locale);
    return render(p, { ...base, planName: plan.name, amount: p.amount, currency: p.currency });
  });
}

/** The payment with its plan and subscription, as the emails need them. */
function loadPaymentContext(trx: Db, paymentId: string) {
  return trx
    .selectFrom('payments')
    .innerJoin('plans', 'plans.id', 'payments.plan_id')
    .innerJoin('subscriptions', 'subscriptions.id', 'payments.subscription_id')
    .select([
      'payments.id',
      'payments.project_id',
      'payments.end_user_id',
      'payments.status',
      'payments.purpose',
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
      'plans.name as plan_name',
      'plans.description as plan_description',
      'plans.features as plan_features',
      'plans.translations as plan_translations',
    ])
    .where('payments.id', '=', paymentId)
    .executeTakeFirst();
}
