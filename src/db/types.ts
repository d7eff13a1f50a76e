import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PaymentInstructions } from '../payments/gateway.ts';

/** Table types, mirroring migrations/. Timestamps are Date; money is number (bigint parsed). */
type Timestamp = ColumnType<Date, Date, Date>;
type Json<T> = ColumnType<T, string, string>;

export type ThemePalette = Partial<Record<'primary' | 'background' | 'surface' | 'text' | 'muted' | 'danger', string>>;

/** A project's branding (validated by src/theme/schema.ts; read defensively by src/theme/resolve.ts). */
export interface ThemeConfig {
  colors?: ThemePalette;
  dark_colors?: ThemePalette;
  font_family?: string;
  border_radius?: number;
  mode?: 'light' | 'dark' | 'system';
  /** SHA-256 (hex) of a row of project_logos. */
  logo?: string;
}

export type Locale = 'en' | 'id';
export type PlanInterval = 'month' | 'year';
export type SubscriptionStatus = 'incomplete' | 'active' | 'past_due' | 'canceled';
export type PaymentStatusColumn = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';
export type EventSource = 'portal' | 'api' | 'admin' | 'scheduler' | 'gateway' | 'system';

export interface ProjectsTable {
  id: string;
  name: string;
  client_id: string;
  client_secret_hash: Buffer;
  /** After a rotation with a grace window: the old secret's hash, valid until `previous_secret_expires_at`. */
  previous_client_secret_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  previous_secret_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Written at most once a minute per credential (see projects.repository#recordCredentialUse). */
  client_secret_last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  previous_secret_last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** IANA name (lib/time-zones.ts), for dates shown on the project's pages. */
  time_zone: ColumnType<string, string | undefined, string>;
  redirect_uris: Json<string[]>;
  theme_config: Json<ThemeConfig>;
  /** The branding editor's unpublished theme (null: none). */
  theme_draft: ColumnType<ThemeConfig | null, string | null | undefined, string | null>;
  currency: string;
  default_locale: Locale;
  grace_period_days: ColumnType<number, number | undefined, number>;
  /** Days before a period end that a customer without a saved card is sent the renewal (0–7; 0: none). Migration 0022. */
  renewal_reminder_days: ColumnType<number, number | undefined, number>;
  development_mode: ColumnType<boolean, boolean | undefined, boolean>;
  /** Customer email (migration 0015): the From display name (null: the project's name)… */
  email_sender_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** …where replies go (null: no Reply-To), and the types switched off. */
  email_reply_to: ColumnType<string | null, string | null | undefined, string | null>;
  email_disabled_types: ColumnType<EmailType[], string | undefined, string>;
  /** The hosted login page (migration 0016): `/portal/login?project=<slug>`, on or off. */
  slug: string;
  hosted_login_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PlanText {
  name?: string;
  description?: string;
  features?: string[];
}
export type PlanTranslations = Partial<Record<Locale, PlanText>>;

export interface PlansTable {
  id: string;
  project_id: string;
  code: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  interval: PlanInterval;
  features: Json<string[]>;
  /** Customer-facing text per language; missing parts fall back to the fields above (migration 0013). */
  translations: ColumnType<PlanTranslations, string | undefined, string>;
  sort_order: number;
  is_default: boolean;
  archived_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EndUsersTable {
  id: string;
  project_id: string;
  external_id: string;
  email: string | null;
  name: string | null;
  locale: Locale | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionsTable {
  id: string;
  project_id: string;
  end_user_id: string;
  plan_id: string | null;
  status: SubscriptionStatus;
  current_period_start: Timestamp | null;
  current_period_end: Timestamp | null;
  scheduled_plan_id: string | null;
  cancel_at_period_end: ColumnType<boolean, boolean | undefined, boolean>;
  cancel_reason: string | null;
  canceled_at: Timestamp | null;
  grace_ends_at: Timestamp | null;
  saved_card_token: string | null;
  /** Last four digits of the saved card, for the portal's renewal sentence (migration 0012). */
  saved_card_last4: string | null;
  /** The period end an early renewal was opened (and the customer reminded) for. Migration 0022. */
  renewal_reminded_for: ColumnType<Date | null, Date | null | undefined, Date | null>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A refund asked for on a paid payment (migration 0017). */
export interface PaymentRefundsTable {
  id: string;
  project_id: string;
  payment_id: string;
  /** Unique; the idempotency key sent to Midtrans. */
  refund_key: string;
  amount: number;
  reason: string;
  /** Where the money went back: through Midtrans, or outside it (bank transfer; see `note`). */
  channel: 'midtrans' | 'outside';
  status: 'pending' | 'succeeded' | 'failed';
  note: string | null;
  failure_reason: string | null;
  /** The dashboard user who asked for it. */
  created_by: string | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface PaymentsTable {
  id: string;
  project_id: string;
  subscription_id: string;
  end_user_id: string;
  purpose: 'new' | 'upgrade' | 'renewal';
  plan_id: string;
  description: string;
  amount: number;
  currency: string;
  item_details: Json<Array<{ id: string; name: string; price: number; quantity: number }>>;
  period_start: Timestamp | null;
  period_end: Timestamp | null;
  status: PaymentStatusColumn;
  order_id: string;
  gateway: string;
  gateway_token: string | null;
  redirect_url: string | null;
  gateway_status: string | null;
  gateway_transaction_id: string | null;
  payment_method: string | null;
  /** How to pay while pending, as the gateway said (migration 0011). */
  payment_instructions: Json<PaymentInstructions> | null;
  expires_at: Timestamp;
  paid_at: Timestamp | null;
  source: ColumnType<PaymentSource, PaymentSource | undefined, PaymentSource>;
  next_check_at: Timestamp | null;
  failure_reason: string | null;
  /** Why money the gateway took must go back (set once; see migration 0006). */
  refund_due_reason: RefundDueReason | null;
  refund_due_at: Timestamp | null;
  /** The sum of its succeeded refunds (migration 0017); status `refunded` when it is the whole amount. */
  refunded_amount: Generated<number>;
  /** The card it was paid with, from the gateway's masked number (migration 0018). */
  card_brand: ColumnType<CardBrand | null, CardBrand | null | undefined, CardBrand | null>;
  card_last4: ColumnType<string | null, string | null | undefined, string | null>;
  checkout_attempts: Generated<number>;
  /** When the payment page may next be (re)opened; null when there is one or none is wanted. */
  checkout_retry_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * - `settled_after_expiry` / `settled_after_failure`: paid at the gateway after we had
 *   expired, superseded or failed the payment (the customer was told it was over);
 * - `period_ended`: an upgrade priced for a period that ended before it settled;
 * - `plan_no_longer_applies`: what it bought no longer fits the subscription (e.g. it ended).
 */
export type RefundDueReason = 'settled_after_expiry' | 'settled_after_failure' | 'period_ended' | 'plan_no_longer_applies';

export type PaymentSource = 'portal' | 'api' | 'admin' | 'scheduler';
export type CardBrand = 'visa' | 'mastercard' | 'jcb' | 'amex';

export interface PortalTokensTable {
  token_hash: Buffer;
  project_id: string;
  end_user_id: string;
  redirect_uri: string | null;
  locale: Locale | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface PortalSessionsTable {
  id: string;
  secret_hash: Buffer;
  project_id: string;
  end_user_id: string;
  redirect_uri: string | null;
  locale: Locale | null;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  created_at: Timestamp;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  type: string;
  subject_id: string;
  source: EventSource;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
  /** Publication order (gap-free, see modules/webhooks/publish.ts); null until published. */
  published_seq: ColumnType<number | null, never, number | null>;
  /** The public JSON (webhook body, /api/platform/events item); null for internal types. */
  payload: ColumnType<string | null, never, string | null>;
  /** The integrator's end_user_id the public payload names, set at publication (migration 0020). */
  end_user_external_id: ColumnType<string | null, never, string | null>;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpointsTable {
  id: string;
  project_id: string;
  url: string;
  description: string;
  /** null: every public event type. */
  event_types: ColumnType<string[] | null, string | null, string | null>;
  /** `whsec_…`, kept as is because it must sign; never returned after creation/rotation. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  project_id: string;
  endpoint_id: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  next_attempt_at: Timestamp | null;
  attempts_in_window: ColumnType<number, number | undefined, number>;
  claim_token: string | null;
  window_started_at: Timestamp;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The body of a delivery without a published event (a test `webhook.ping`); null: the event's payload (migration 0020). */
  payload: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempted_at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: Timestamp | null;
  /** The first 2 KB of the receiver's answer, "…" when cut (migration 0020). */
  response_excerpt: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One claimed form submission of a portal session (see migrations/0005_portal.ts). */
export interface PortalActionsTable {
  session_id: string;
  action_id: string;
  /** Where the first submission led (a portal path); null while it runs. */
  outcome: string | null;
  created_at: Timestamp;
}

export interface ProjectLogosTable {
  project_id: string;
  /** SHA-256 (hex) of `bytes`. */
  id: string;
  content_type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  bytes: Buffer;
  created_at: Timestamp;
}

export interface Database {
  projects: ProjectsTable;
  plans: PlansTable;
  end_users: EndUsersTable;
  subscriptions: SubscriptionsTable;
  payments: PaymentsTable;
  portal_tokens: PortalTokensTable;
  portal_sessions: PortalSessionsTable;
  portal_actions: PortalActionsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  users: UsersTable;
  user_recovery_codes: UserRecoveryCodesTable;
  user_invitations: UserInvitationsTable;
  project_members: ProjectMembersTable;
  dashboard_sessions: DashboardSessionsTable;
  dashboard_actions: DashboardActionsTable;
  audit_log: AuditLogTable;
  project_logos: ProjectLogosTable;
  email_outbox: EmailOutboxTable;
  login_codes: LoginCodesTable;
  payment_refunds: PaymentRefundsTable;
}

export type EmailType = 'payment_receipt' | 'payment_instructions' | 'sign_in_code' | 'payment_failed' | 'renewal_reminder' | 'past_due' | 'subscription_ended' | 'cancellation_scheduled' | 'plan_changed' | 'payment_link' | 'member_invitation';
export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Customer email waiting to be sent, or the record that it was (migration 0015). */
/** One live sign-in code per (project, email) of the hosted login page (migration 0016). */
export interface LoginCodesTable {
  project_id: string;
  /** Lower-cased. */
  email: string;
  code_hash: Buffer;
  link_hash: Buffer;
  attempts: ColumnType<number, number | undefined, number>;
  /** Where the customer lands after signing in (portal-sessions/flow.ts), or null: the overview. */
  flow: string | null;
  locale: Locale | null;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  picker_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  created_at: Timestamp;
}

export interface EmailOutboxTable {
  id: string;
  project_id: string;
  end_user_id: string | null;
  type: EmailType;
  /** Unique per project: the cause (`payment_receipt:<payment id>`), so it is queued once. */
  idempotency_key: string;
  to_address: string;
  locale: Locale;
  subject: string;
  /** Null once purged (RETENTION_EMAIL_BODIES_DAYS). */
  text_body: string | null;
  html_body: string | null;
  /** The Message-ID header, the same on every attempt. */
  message_id: string;
  status: ColumnType<EmailStatus, EmailStatus | undefined, EmailStatus>;
  attempts: Generated<number>;
  /** When it is due; while `sending`, when the claim's lease ends. */
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  body_purged_at: Timestamp | null;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  /** Argon2id PHC string; null until an invitation is accepted. */
  password_hash: string | null;
  instance_admin: Generated<boolean>;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  password_changed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRecoveryCodesTable {
  user_id: string;
  code_hash: Buffer;
  used_at: Timestamp | null;
}

export interface UserInvitationsTable {
  token_hash: Buffer;
  user_id: string;
  created_by: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export type Role = 'owner' | 'admin' | 'finance' | 'viewer';

export interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  role: Role;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DashboardSessionsTable {
  id: string;
  user_id: string;
  secret_hash: Buffer;
  stage: 'mfa' | 'full';
  user_agent: string | null;
  ip: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
  ended_reason: string | null;
}

export interface DashboardActionsTable {
  session_id: string;
  action_id: string;
  outcome: string | null;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  at: Timestamp;
  actor_user_id: string | null;
  project_id: string | null;
  action: string;
  subject_id: string | null;
  ip: string | null;
  data: Json<Record<string, unknown>>;
}

export type Project = Selectable<ProjectsTable>;
export type Plan = Selectable<PlansTable>;
export type EndUser = Selectable<EndUsersTable>;
export type Subscription = Selectable<SubscriptionsTable>;
export type Payment = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type SubscriptionUpdate = Updateable<SubscriptionsTable>;
export type PortalSession = Selectable<PortalSessionsTable>;
export type Event = Selectable<EventsTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type WebhookAttempt = Selectable<WebhookAttemptsTable>;
export type User = Selectable<UsersTable>;
export type DashboardSession = Selectable<DashboardSessionsTable>;
export type ProjectMember = Selectable<ProjectMembersTable>;
export type AuditEntry = Selectable<AuditLogTable>;
