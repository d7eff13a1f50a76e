import { sql, type Kysely } from 'kysely';

/**
 * The initial schema. Money is bigint rupiah (IDR has no minor unit at Midtrans);
 * every timestamp is timestamptz; ids are prefixed random text (src/lib/ids.ts).
 * Secrets and tokens are stored only as SHA-256 digests (bytea).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projects (
      id                  text primary key,
      name                text not null,
      client_id           text not null unique,
      client_secret_hash  bytea not null,
      redirect_uris       jsonb not null default '[]',
      theme_config        jsonb not null default '{}',
      currency            text not null default 'IDR',
      default_locale      text not null default 'en' check (default_locale in ('en', 'id')),
      grace_period_days   integer not null default 3 check (grace_period_days between 0 and 60),
      development_mode    boolean not null default false,
      created_at          timestamptz not null,
      updated_at          timestamptz not null
    );

    create table plans (
      id           text primary key,
      project_id   text not null references projects (id),
      code         text not null,
      name         text not null,
      description  text not null default '',
      price        bigint not null check (price >= 0),
      currency     text not null,
      interval     text not null check (interval in ('month', 'year')),
      features     jsonb not null default '[]',
      sort_order   integer not null default 0,
      is_default   boolean not null default false,
      archived_at  timestamptz,
      created_at   timestamptz not null,
      updated_at   timestamptz not null,
      unique (project_id, code)
    );
    -- At most one live default plan per project (the plan new end users start on).
    create unique index plans_one_default_per_project on plans (project_id)
      where is_default and archived_at is null;

    create table end_users (
      id           text primary key,
      project_id   text not null references projects (id),
      external_id  text not null,
      email        text,
      name         text,
      locale       text check (locale in ('en', 'id')),
      created_at   timestamptz not null,
      updated_at   timestamptz not null,
      unique (project_id, external_id)
    );

    -- One subscription row per end user; its plan changes over time (history lives in events).
    create table subscriptions (
      id                    text primary key,
      project_id            text not null references projects (id),
      end_user_id           text not null unique references end_users (id),
      plan_id               text references plans (id),
      status                text not null check (status in ('active', 'past_due', 'canceled')),
      current_period_start  timestamptz,
      current_period_end    timestamptz,
      -- Downgrades wait for the end of the paid period.
      scheduled_plan_id     text references plans (id),
      cancel_at_period_end  boolean not null default false,
      cancel_reason         text,
      canceled_at           timestamptz,
      grace_ends_at         timestamptz,
      -- Card token from Midtrans (save_card) for merchant-initiated renewals.
      saved_card_token      text,
      -- Bumped on every change; carried by events so receivers can drop stale ones.
      version               integer not null default 1,
      created_at            timestamptz not null,
      updated_at            timestamptz not null
    );
    create index subscriptions_period_end on subscriptions (current_period_end) where status <> 'canceled';

    create table payments (
      id                      text primary key,
      project_id              text not null references projects (id),
      subscription_id         text not null references subscriptions (id),
      end_user_id             text not null references end_users (id),
      purpose                 text not null check (purpose in ('new', 'upgrade', 'renewal')),
      plan_id                 text not null references plans (id),
      description             text not null,
      amount                  bigint not null check (amount > 0),
      currency                text not null,
      item_details            jsonb not null default '[]',
      period_start            timestamptz,
      period_end              timestamptz,
      status                  text not null check (status in ('pending', 'paid', 'failed', 'expired', 'refunded')),
      order_id                text not null unique check (order_id ~ '^[A-Za-z0-9_.~-]{1,50}$'),
      gateway                 text not null,
      gateway_token           text,
      redirect_url            text,
      gateway_status          text,
      gateway_transaction_id  text,
      payment_method          text,
      expires_at              timestamptz not null,
      paid_at                 timestamptz,
      created_at              timestamptz not null,
      updated_at              timestamptz not null
    );
    -- Only one payment-backed change can be open per subscription at a time.
    create unique index payments_one_pending_per_subscription on payments (subscription_id)
      where status = 'pending';
    create index payments_history on payments (end_user_id, created_at desc);
    create index payments_pending_expiry on payments (expires_at) where status = 'pending';

    -- Single-use, 5-minute tokens minted by POST /api/platform/portal/sessions.
    create table portal_tokens (
      token_hash    bytea primary key,
      project_id    text not null references projects (id),
      end_user_id   text not null references end_users (id),
      redirect_uri  text,
      locale        text,
      expires_at    timestamptz not null,
      used_at       timestamptz,
      created_at    timestamptz not null
    );
    create index portal_tokens_expiry on portal_tokens (expires_at);

    -- Server-side portal sessions behind the httpOnly cookie; the cookie holds the secret,
    -- this table only its digest. 'id' is a public handle for listing and revoking.
    create table portal_sessions (
      id            text primary key,
      secret_hash   bytea not null unique,
      project_id    text not null references projects (id),
      end_user_id   text not null references end_users (id),
      redirect_uri  text,
      locale        text,
      expires_at    timestamptz not null,
      ended_at      timestamptz,
      created_at    timestamptz not null
    );
    create index portal_sessions_by_user on portal_sessions (project_id, end_user_id, created_at desc);

    -- Audit and event log: every state change writes one row in the same transaction.
    create table events (
      seq          bigserial primary key,
      id           text not null unique,
      project_id   text not null references projects (id),
      type         text not null,
      subject_id   text not null,
      source       text not null check (source in ('portal', 'api', 'admin', 'scheduler', 'gateway', 'system')),
      data         jsonb not null default '{}',
      created_at   timestamptz not null
    );
    create index events_by_project on events (project_id, seq);
  `.execute(db);
}
