import { sql, type Kysely } from 'kysely';

/**
 * Dashboard accounts: people who sign in at /dashboard, their per-project roles, their
 * sessions and the audit log of what they did.
 * - Passwords are Argon2id PHC strings; recovery codes, invitation and session secrets are
 *   random and stored as SHA-256 only.
 * - A TOTP secret must be read back to check codes, so it is stored as is (like webhook
 *   signing secrets) and never shown again after enrolment; `totp_last_step` makes each
 *   code usable once.
 * - A session is `mfa` (password right, second factor pending; minutes) or `full`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id                   text primary key,
      email                text not null,
      name                 text not null,
      password_hash        text,
      instance_admin       boolean not null default false,
      totp_secret          text,
      totp_pending_secret  text,
      totp_enabled_at      timestamptz,
      totp_last_step       bigint,
      password_changed_at  timestamptz,
      created_at           timestamptz not null,
      updated_at           timestamptz not null
    );
    create unique index users_email on users (email);

    create table user_recovery_codes (
      user_id    text not null references users (id) on delete cascade,
      code_hash  bytea not null,
      used_at    timestamptz,
      primary key (user_id, code_hash)
    );

    create table user_invitations (
      token_hash  bytea primary key,
      user_id     text not null references users (id) on delete cascade,
      created_by  text,
      expires_at  timestamptz not null,
      used_at     timestamptz,
      created_at  timestamptz not null
    );

    create table project_members (
      project_id  text not null references projects (id),
      user_id     text not null references users (id) on delete cascade,
      role        text not null check (role in ('owner', 'admin', 'finance', 'viewer')),
      created_at  timestamptz not null,
      updated_at  timestamptz not null,
      primary key (project_id, user_id)
    );
    create index project_members_user on project_members (user_id);

    create table dashboard_sessions (
      id            text primary key,
      user_id       text not null references users (id) on delete cascade,
      secret_hash   bytea not null unique,
      stage         text not null check (stage in ('mfa', 'full')),
      user_agent    text,
      ip            text,
      created_at    timestamptz not null,
      last_seen_at  timestamptz not null,
      expires_at    timestamptz not null,
      ended_at      timestamptz,
      ended_reason  text
    );
    create index dashboard_sessions_user on dashboard_sessions (user_id) where ended_at is null;

    create table dashboard_actions (
      session_id  text not null references dashboard_sessions (id) on delete cascade,
      action_id   text not null,
      outcome     text,
      created_at  timestamptz not null,
      primary key (session_id, action_id)
    );

    create table audit_log (
      id             text primary key,
      at             timestamptz not null,
      actor_user_id  text references users (id) on delete set null,
      project_id     text references projects (id),
      action         text not null,
      subject_id     text,
      ip             text,
      data           jsonb not null default '{}'
    );
    create index audit_log_project on audit_log (project_id, at desc);
    create index audit_log_actor on audit_log (actor_user_id, at desc);
  `.execute(db);
}
