import { planInLocale } from '../../modules/plans/plans.service.ts';
import type { Locale, Payment, Plan, Subscription } from '../../db/types.ts';
import type { ThemeStyle } from '../../theme/css.ts';
import type { SafeHtml } from '../../web/html.ts';
import { messagesFor } from './i18n/messages.ts';
import type { AccountState } from './portal.service.ts';
import type { Chrome } from './views/layout.ts';
import { emailPage } from './views/login.view.ts';
import { messagePage } from './views/message.view.ts';
import { overviewPage } from './views/overview.view.ts';
import { paymentPage } from './views/payments.view.ts';
import { plansPage } from './views/plans.view.ts';

/**
 * Portal pages as a customer would see them, for the dashboard's branding preview: the same
 * views as production, fed sample data (one customer on the project's own plans, a payment)
 * and the theme being edited. Nothing here reads or writes a customer's data.
 */
export const PREVIEW_PAGES = ['overview', 'plans', 'payment', 'login', 'error'] as const;
export type PreviewPage = (typeof PREVIEW_PAGES)[number];

export interface PreviewInput {
  page: PreviewPage;
  theme: ThemeStyle;
  locale: Locale;
  projectName: string;
  /** The project's time zone (dates are shown in it, as on the real portal). */
  timeZone: string;
  /** The project's plans on offer (sample ones when it has none yet). */
  plans: Plan[];
  now: Date;
}

const DAY = 86_400_000;

function samplePlans(projectId: string, now: Date): Plan[] {
  const plan = (code: string, name: string, price: number, sort: number, features: string[]): Plan => ({
    id: `pln_preview_${code}`,
    project_id: projectId,
    code,
    name,
    description: '',
    price,
    currency: 'IDR',
    interval: 'month',
    features,
    translations: {},
    sort_order: sort,
    is_default: price === 0,
    archived_at: null,
    created_at: now,
    updated_at: now,
  });
  return [plan('free', 'Free', 0, 0, ['1 project']), plan('pro', 'Pro', 99_000, 1, ['10 projects', 'Email support']), plan('business', 'Business', 299_000, 2, ['Unlimited projects', 'Priority support'])];
}

export function renderPreviewPage(input: PreviewInput): SafeHtml {
  const t = messagesFor(input.locale);
  const plans = (input.plans.length ? input.plans : samplePlans('prj_preview', input.now)).map((p) => planInLocale(p, input.locale));
  // The customer is on the cheapest paid plan (or the only one), so the plans page shows both directions.
  const current = plans.find((p) => p.price > 0) ?? plans[0]!;
  const periodStart = new Date(input.now.getTime() - 10 * DAY);
  const periodEnd = new Date(input.now.getTime() + 20 * DAY);
  const subscription: Subscription = {
    id: 'sub_preview',
    project_id: current.project_id,
    end_user_id: 'usr_preview',
    plan_id: current.id,
    status: 'active',
    current_period_start: periodStart,
    current_period_end: periodEnd,
    scheduled_plan_id: null,
    cancel_at_period_end: false,
    cancel_reason: null,
    canceled_at: null,
    grace_ends_at: null,
    saved_card_token: null,
    saved_card_last4: null,
    renewal_reminded_for: null,
    version: 1,
    created_at: periodStart,
    updated_at: periodStart,
  };
  const payment: Payment = {
    id: 'pay_preview',
    project_id: current.project_id,
    subscription_id: subscription.id,
    end_user_id: subscription.end_user_id,
    purpose: 'new',
    plan_id: current.id,
    description: current.name,
    amount: current.price,
    currency: current.currency,
    item_details: [],
    period_start: periodStart,
    period_end: periodEnd,
    status: 'paid',
    order_id: 'preview',
    gateway: 'midtrans',
    gateway_token: null,
    redirect_url: null,
    gateway_status: 'settlement',
    gateway_transaction_id: null,
    payment_method: 'bank_transfer',
    payment_instructions: { va: { bank: 'bca', number: '12345678901' } },
    expires_at: periodStart,
    paid_at: periodStart,
    source: 'portal',
    next_check_at: null,
    failure_reason: null,
    refund_due_reason: null,
    refund_due_at: null,
    refunded_amount: 0,
    card_brand: null,
    card_last4: null,
    checkout_attempts: 1,
    checkout_retry_at: null,
    created_at: periodStart,
    updated_at: periodStart,
  };
  const account: AccountState = {
    subscription,
    plansById: new Map(plans.map((p) => [p.id, p])),
    offered: plans,
    current,
    scheduled: undefined,
    openPayment: undefined,
    status: 'active',
  };
  const chrome = (section?: Chrome['section']): Chrome => ({
    t,
    locale: input.locale,
    timeZone: input.timeZone,
    theme: input.theme,
    projectName: input.projectName,
    session: { csrf: 'preview', hasApp: true, path: '/portal' },
    ...(section && { section }),
  });
  switch (input.page) {
    case 'overview':
      return overviewPage({ chrome: chrome('overview'), now: input.now, account, recent: [payment], notice: undefined, csrf: 'preview', actionId: () => 'preview' });
    case 'plans':
      return plansPage({ chrome: chrome('plans'), now: input.now, account, csrf: 'preview', actionId: () => 'preview' });
    case 'payment':
      return paymentPage({ chrome: chrome('payments'), now: input.now, payment, plansById: account.plansById, currentPlanId: current.id, renewalDue: false, csrf: 'preview', actionId: 'preview' });
    case 'login':
      // The hosted login page wears the same theme: shown without a session, as a customer arrives.
      return emailPage({ chrome: { ...chrome(), session: undefined }, slug: 'preview', flow: undefined });
    case 'error':
      return messagePage({ chrome: chrome(), title: t.notFoundTitle, explain: t.planNotFoundExplain, link: { href: '/portal', label: t.backToOverview } });
  }
}
