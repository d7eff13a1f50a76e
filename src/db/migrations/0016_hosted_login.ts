import { sql, type Kysely } from 'kysely';

/**
 * The hosted login page (docs/hosted-login.md): customers reach their portal by themselves
 * at `/portal/login?project=<slug>`, with a code sent to their email.
 *
 * - `projects.slug`: the short public name in that URL, unique. Existing projects get one
 *   from their name plus a piece of their id (so two projects with the same name differ);
 *   new projects get one from their name (projects.service.ts).
 * - `hosted_login_enabled`: off by default; the integrator turns it on.
 * - `login_codes`: one live code per (project, email); a new request replaces it. Only
 *   hashes are stored: the 6-digit code's and the one-click link's. `attempts` counts wrong
 *   codes (at most 5). After a code verifies for an email several accounts share,
 *   `picker_hash` is the hash of the secret in the browser's cookie that lets it pick one.
 * - End users are found by email case-insensitively, per project.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects
      add column slug text,
      add column hosted_login_enabled boolean not null default false
  `.execute(db);
  await sql`
    update projects set slug =
      coalesce(nullif(left(trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), 30), ''), 'project')
      || '-' || regexp_replace(lower(right(id, 8)), '[^a-z0-9]', '0', 'g')
  `.execute(db);
  await sql`
    alter table projects alter column slug set not null;
    alter table projects add constraint projects_slug_format check (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$');
    create unique index projects_slug on projects (slug);
    create index end_users_by_email on end_users (project_id, lower(email)) where email is not null;

    create table login_codes (
      project_id   text not null references projects (id),
      email        text not null,
      code_hash    bytea not null,
      link_hash    bytea not null unique,
      attempts     integer not null default 0,
      flow         text,
      locale       text check (locale in ('en', 'id')),
      expires_at   timestamptz not null,
      used_at      timestamptz,
      picker_hash  bytea,
      created_at   timestamptz not null,
      primary key (project_id, email)
    );
    create index login_codes_expiry on login_codes (expires_at);
  `.execute(db);
}
