import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schema.ts';
import { DEFAULT_TIME_ZONE } from '../../lib/time-zones.ts';
import { ThemeConfigSchema } from '../../theme/schema.ts';

export function RedirectUri(description?: string) {
  return Type.String({
    format: 'uri',
    maxLength: 2000,
    pattern: '^https?://[^/?#\\s]+[^#]*$',
    errorMessage: 'must be an absolute http(s) URL without a fragment',
    examples: ['https://myapp.com/dashboard'],
    ...(description && { description }),
  });
}

const RedirectUris = Type.Array(RedirectUri(), {
  maxItems: 20,
  uniqueItems: true,
  description: 'The only URLs the portal will send users back to (an OAuth-style allowlist).',
});

const ProjectName = Type.String({ minLength: 1, maxLength: 100, examples: ['Acme Notes'] });
const Currency = StringEnum(['IDR'] as const, { description: 'Midtrans settles in IDR; the only supported currency.' });
const Locale = StringEnum(['en', 'id'] as const, { description: 'English or Bahasa Indonesia' });
const GraceDays = Type.Integer({ minimum: 0, maximum: 60, description: 'Days a renewal may stay unpaid before the subscription ends.' });
const TimeZone = Type.String({
  format: 'time-zone',
  maxLength: 64,
  errorMessage: 'must be an IANA time zone name, such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura',
  description: `IANA time zone in which dates on the project's dashboard pages are shown. Default ${DEFAULT_TIME_ZONE} (WIB).`,
  examples: [DEFAULT_TIME_ZONE],
});

/** The email types a project can switch off. */
export const EMAIL_TYPES = ['payment_receipt', 'payment_instructions', 'payment_failed', 'renewal_reminder', 'past_due', 'subscription_ended', 'cancellation_scheduled', 'plan_changed'] as const;
/** …and every type Langgan sends: the hosted login page's code always goes (its switch is `hosted_login_enabled`). */
/** With the emails only sent when someone asks (never switched off by the project). */
export const ALL_EMAIL_TYPES = [...EMAIL_TYPES, 'sign_in_code', 'payment_link', 'member_invitation'] as const;
const EmailSenderName = Type.Union([Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\r\\n<>"]+$', errorMessage: 'must be 1–100 characters without line breaks, <, > or "' }), Type.Null()], {
  description: 'Display name customers see email from (the address is the operator\'s MAIL_FROM). Null: the project\'s name.',
});
const EmailReplyTo = Type.Union([Type.String({ format: 'email', maxLength: 254, errorMessage: 'must be an email address' }), Type.Null()], {
  description: 'Where customers\' replies to Langgan\'s email go (e.g. your support address). Null: no Reply-To.',
});
const EmailDisabledTypes = Type.Array(StringEnum(EMAIL_TYPES), {
  uniqueItems: true,
  description: `Customer email types this project has switched off (none by default): ${EMAIL_TYPES.map((type) => `\`${type}\``).join(', ')}. docs/email.md says when each is sent. The hosted login page's sign-in code cannot be switched off (turn off \`hosted_login_enabled\` instead).`,
});

export const Slug = Type.String({
  minLength: 3,
  maxLength: 40,
  pattern: '^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$',
  errorMessage: 'must be 3–40 lower-case letters, digits or hyphens, starting and ending with a letter or digit',
  description: 'The project\'s short public name, in its hosted login page\'s URL: `/portal/login?project=<slug>`. Unique. Default: made from the name.',
  examples: ['acme-notes'],
});
const RenewalReminderDays = Type.Integer({
  minimum: 0,
  maximum: 7,
  description:
    'Days before a period ends that a customer who pays each period themselves (no saved card) is sent the renewal — a `renewal_reminder` email whose "Pay now" opens it — so they can pay before anything lapses. 0: none (the renewal opens at the period end). At most 7. Default 3.',
  examples: [3],
});
const HostedLoginEnabled = Type.Boolean({
  description: 'Whether customers can sign in to the portal by themselves at `/portal/login?project=<slug>` with a code sent to the email your backend gave Langgan. Off by default.',
});

export const CreateProjectBody = Type.Object(
  {
    name: ProjectName,
    redirect_uris: RedirectUris,
    currency: Type.Optional(Currency),
    default_locale: Type.Optional(Locale),
    time_zone: Type.Optional(TimeZone),
    theme_config: Type.Optional(ThemeConfigSchema),
    grace_period_days: Type.Optional(GraceDays),
    renewal_reminder_days: Type.Optional(RenewalReminderDays),
    development_mode: Type.Optional(
      Type.Boolean({ description: 'Allows webhooks to private addresses; for local integrations only.' }),
    ),
    email_sender_name: Type.Optional(EmailSenderName),
    email_reply_to: Type.Optional(EmailReplyTo),
    email_disabled_types: Type.Optional(EmailDisabledTypes),
    slug: Type.Optional(Slug),
    hosted_login_enabled: Type.Optional(HostedLoginEnabled),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Acme Notes',
        redirect_uris: ['https://myapp.com/dashboard'],
        theme_config: { colors: { primary: '#4f46e5' }, font_family: 'system', border_radius: 8, mode: 'light' },
      },
    ],
  },
);
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(ProjectName),
    redirect_uris: Type.Optional(RedirectUris),
    default_locale: Type.Optional(Locale),
    time_zone: Type.Optional(TimeZone),
    theme_config: Type.Optional(ThemeConfigSchema),
    grace_period_days: Type.Optional(GraceDays),
    renewal_reminder_days: Type.Optional(RenewalReminderDays),
    development_mode: Type.Optional(Type.Boolean()),
    email_sender_name: Type.Optional(EmailSenderName),
    email_reply_to: Type.Optional(EmailReplyTo),
    email_disabled_types: Type.Optional(EmailDisabledTypes),
    slug: Type.Optional(Slug),
    hosted_login_enabled: Type.Optional(HostedLoginEnabled),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ redirect_uris: ['https://myapp.com/dashboard', 'http://localhost:5173/billing'] }] },
);
export type UpdateProjectBody = Static<typeof UpdateProjectBody>;

export const ProjectParams = Type.Object(
  { id: Type.String({ pattern: '^prj_[A-Za-z0-9_-]{1,64}$', errorMessage: 'must be a project id (prj_…)' }) },
  { additionalProperties: false },
);

const DateTime = Type.String({ format: 'date-time' });

export const ProjectResponse = Type.Object(
  {
    id: Type.String({ examples: ['prj_3kTMd9zQ0m1xYbq8Wv2c1A'] }),
    name: Type.String(),
    client_id: Type.String({ examples: ['cli_Xs8d0PqW2r9LmZ1bVt7u3g'] }),
    redirect_uris: Type.Array(Type.String()),
    theme_config: ThemeConfigSchema,
    currency: Type.String(),
    default_locale: Type.String(),
    time_zone: Type.String({ description: 'IANA time zone of dates on the project\'s dashboard pages.' }),
    grace_period_days: Type.Integer(),
    renewal_reminder_days: Type.Integer(),
    development_mode: Type.Boolean(),
    email_sender_name: EmailSenderName,
    email_reply_to: EmailReplyTo,
    email_disabled_types: EmailDisabledTypes,
    slug: Slug,
    hosted_login_enabled: HostedLoginEnabled,
    previous_secret_expires_at: Type.Union([DateTime, Type.Null()], {
      description: 'After a rotation with a grace window: until when the previous client secret works alongside the current one (a past time: it has stopped; null: rotated without a grace window, or never rotated).',
    }),
    secret_last_used_at: Type.Union([DateTime, Type.Null()], {
      description: 'When the current client secret last authenticated a call (to the minute; null: never).',
    }),
    previous_secret_last_used_at: Type.Union([DateTime, Type.Null()], {
      description: 'When the previous client secret last authenticated a call (to the minute; null: never, or no previous secret).',
    }),
    created_at: DateTime,
    updated_at: DateTime,
    warnings: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'In answers to creating or updating a project, present only when theme_config has colours below WCAG AA contrast: each names the colour and the readable one the portal shows instead.',
      }),
    ),
  },
  { $id: 'Project', examples: [projectExample()] },
);

function projectExample() {
  return {
    id: 'prj_3kTMd9zQ0m1xYbq8Wv2c1A',
    name: 'Acme Notes',
    client_id: 'cli_Xs8d0PqW2r9LmZ1bVt7u3g',
    redirect_uris: ['https://myapp.com/dashboard'],
    theme_config: { colors: { primary: '#4f46e5' }, font_family: 'system', border_radius: 8, mode: 'light' },
    currency: 'IDR',
    default_locale: 'en',
    time_zone: 'Asia/Jakarta',
    grace_period_days: 3,
    renewal_reminder_days: 3,
    development_mode: false,
    email_sender_name: 'Acme Notes Billing',
    email_reply_to: 'support@myapp.com',
    email_disabled_types: [],
    slug: 'acme-notes',
    hosted_login_enabled: true,
    previous_secret_expires_at: null,
    secret_last_used_at: '2026-11-24T02:15:00.000Z',
    previous_secret_last_used_at: null,
    created_at: '2026-11-24T01:00:00.000Z',
    updated_at: '2026-11-24T01:00:00.000Z',
  };
}
export type ProjectResponse = Static<typeof ProjectResponse>;

export const ProjectWithSecretResponse = Type.Composite(
  [
    Type.Omit(ProjectResponse, []),
    Type.Object({
      client_secret: Type.String({ description: 'Shown this once; Langgan keeps only its SHA-256 hash.' }),
    }),
  ],
  {
    examples: [
      {
        ...projectExample(),
        previous_secret_expires_at: '2026-11-24T03:15:00.000Z',
        secret_last_used_at: null,
        previous_secret_last_used_at: '2026-11-24T02:15:00.000Z',
        client_secret: 'lgs_q0V8hH2Zr6c1Jm9XwTt3bPnA5uYk7eLsD4fG8iO2aQ',
      },
    ],
  },
);

/** The longest grace window a rotated client secret may have: 24 hours. */
export const MAX_SECRET_GRACE_SECONDS = 86_400;

export const RotateClientSecretBody = Type.Object(
  {
    previous_secret_expires_in: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_SECRET_GRACE_SECONDS,
        default: 0,
        description:
          'Seconds the old client secret keeps working alongside the new one, so you can deploy the new one first (both are valid meanwhile). Default 0: the old secret stops at once. At most 86400 (24 h). Rotating again drops any earlier previous secret at once.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ previous_secret_expires_in: 3600 }] },
);
export type RotateClientSecretBody = Static<typeof RotateClientSecretBody>;

export const ProjectListResponse = Type.Object({ data: Type.Array(Type.Ref('Project')) }, { examples: [{ data: [projectExample()] }] });
