import type { Deps } from '../../deps.ts';
import type { Locale, Payment, Plan, Subscription } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import * as payments from '../../modules/payments/payments.repository.ts';
import { recordGatewayState } from '../../modules/payments/payments.service.ts';
import { listPlans } from '../../modules/plans/plans.repository.ts';
import { planInLocale } from '../../modules/plans/plans.service.ts';
import { annualised } from '../../modules/subscriptions/plan-change.ts';
import { displayStatus, type DisplayStatus } from '../../modules/subscriptions/display-status.ts';
import { findSubscriptionOfEndUser } from '../../modules/subscriptions/subscriptions.repository.ts';
import type { Messages } from './i18n/messages.ts';

/**
 * What the portal pages read, composed from the billing modules' repositories. Every
 * function takes the `owner` from the portal session — never an id from the request —
 * so a session can only ever see its own end user's data.
 */
export interface Owner {
  projectId: string;
  endUserId: string;
}

export interface AccountState {
  subscription: Subscription | undefined;
  /** Every plan of the project, archived ones included (a subscription may still be on one). */
  plansById: Map<string, Plan>;
  /** The plans offered now, in the project's order. */
  offered: Plan[];
  /** The plan the subscription is live on (active or past due), if any. */
  current: Plan | undefined;
  scheduled: Plan | undefined;
  openPayment: Payment | undefined;
  status: DisplayStatus;
}

/**
 * What the pages read about the session's customer. Plans come in the reader's language
 * (their translation where the integrator gave one, the plan's own text elsewhere).
 */
export async function loadAccount(deps: Deps, owner: Owner, locale: Locale): Promise<AccountState> {
  const [subscription, stored] = await Promise.all([
    findSubscriptionOfEndUser(deps.db, owner.projectId, owner.endUserId),
    listPlans(deps.db, owner.projectId, { includeArchived: true }),
  ]);
  const plans = stored.map((p) => planInLocale(p, locale));
  const openPayment = subscription ? await payments.findOpenPayment(deps.db, subscription.id) : undefined;
  const plansById = new Map(plans.map((p) => [p.id, p]));
  const live = subscription && (subscription.status === 'active' || subscription.status === 'past_due');
  return {
    subscription,
    plansById,
    offered: plans.filter((p) => !p.archived_at),
    current: live && subscription.plan_id ? plansById.get(subscription.plan_id) : undefined,
    scheduled: subscription?.scheduled_plan_id ? plansById.get(subscription.scheduled_plan_id) : undefined,
    openPayment,
    status: displayStatus(subscription, openPayment),
  };
}

export type Direction = 'upgrade' | 'downgrade' | 'switch' | 'choose';

/** How a move from the current plan to `target` is labelled (pricing per year decides). */
export function planDirection(current: Plan | undefined, target: Plan): Direction {
  if (!current) return 'choose';
  const diff = annualised(target) - annualised(current);
  return diff > 0 ? 'upgrade' : diff < 0 ? 'downgrade' : 'switch';
}

/** Every payment, newest first: the payment history. */
export function paymentHistory(deps: Deps, owner: Owner, limit: number, offset: number): Promise<Payment[]> {
  return payments.listPaymentsOfEndUser(deps.db, owner.projectId, owner.endUserId, limit, offset);
}

/**
 * The overview's "Recent payments": what was paid, refunded or is still open. Attempts that
 * failed, were canceled or expired took no money; they stay in the history only.
 */
export function recentPayments(deps: Deps, owner: Owner, limit: number): Promise<Payment[]> {
  return payments.listPaymentsOfEndUser(deps.db, owner.projectId, owner.endUserId, limit, 0, ['failed', 'expired']);
}

export async function paymentOf(deps: Deps, owner: Owner, by: { id: string } | { orderId: string }): Promise<Payment> {
  const payment = await payments.findPaymentOfEndUser(deps.db, owner, by);
  // 404 whether the payment does not exist or belongs to someone else: nothing leaks.
  if (!payment) throw new AppError('payment_not_found', 'No such payment for this end user');
  return payment;
}

/** A payment's line in the history, in the reader's language. */
export function describePayment(payment: Payment, plansById: Map<string, Plan>, t: Messages): string {
  const plan = plansById.get(payment.plan_id)?.name ?? payment.description;
  return t.describePayment[payment.purpose](plan);
}

const REFRESH_WAIT_MS = 1500;
/** At most one status-API call per payment per this interval, per instance (pages poll). */
const REFRESH_EVERY_MS = 10_000;
/**
 * Forced checks (the gateway has just sent the browser back) per payment: at most
 * FORCED_BURST in FORCED_WINDOW_MS. A customer may come back twice in a few seconds
 * (left pending, then paid or expired it); reloading the return URL stays bounded.
 */
const FORCED_BURST = 3;
const FORCED_WINDOW_MS = 10_000;
const lastRefresh = new Map<string, number>();
const recentForced = new Map<string, number[]>();

/**
 * For the return page: a pending payment may already be settled at the gateway while its
 * notification is still on the way. Ask the gateway (never the browser's query string) and
 * record what it says through the same path webhooks and reconciliation use. Waits at most
 * REFRESH_WAIT_MS; a slow gateway finishes in the background and the page shows the
 * database's status meanwhile. Throttled per payment: a polling page at most once per
 * REFRESH_EVERY_MS; `force` ignores the polling but has its own bound (FORCED_BURST), so
 * reloading the return URL cannot make us call the gateway without limit.
 */
export async function refreshPendingPayment(deps: Deps, payment: Payment, options: { force?: boolean } = {}): Promise<Payment> {
  if (payment.status !== 'pending' || !payment.gateway_token) return payment;
  const now = Date.now();
  if (options.force) {
    const recent = (recentForced.get(payment.id) ?? []).filter((at) => now - at < FORCED_WINDOW_MS);
    if (recent.length >= FORCED_BURST) return payment;
    if (recentForced.size > 10_000) recentForced.clear();
    recentForced.set(payment.id, [...recent, now]);
  } else if (now - (lastRefresh.get(payment.id) ?? 0) < REFRESH_EVERY_MS) {
    return payment;
  }
  if (lastRefresh.size > 10_000) lastRefresh.clear();
  lastRefresh.set(payment.id, now);
  const check = (async () => {
    const state = await deps.gateway.getStatus(payment.order_id);
    // Nothing new: still pending with the method we already know (or none chosen yet).
    if (!state || (state.status === 'pending' && (!state.paymentType || state.paymentType === payment.payment_method))) return payment;
    const result = await recordGatewayState(deps, state);
    return result.payment ?? payment;
  })().catch((err: unknown) => {
    deps.logger.warn({ err, payment_id: payment.id }, 'portal: could not refresh a pending payment from the gateway');
    return payment;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Payment>((resolve) => {
    timer = setTimeout(() => resolve(payment), REFRESH_WAIT_MS);
  });
  const result = await Promise.race([check, timeout]);
  clearTimeout(timer);
  return result;
}

/** Whether a pending payment can still be paid on the gateway's page. */
export function canContinue(payment: Payment, now: Date): boolean {
  return payment.status === 'pending' && Boolean(payment.redirect_url) && payment.expires_at > now;
}
