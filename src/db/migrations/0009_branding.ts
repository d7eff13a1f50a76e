import { sql, type Kysely } from 'kysely';

/**
 * The branding editor (dashboard):
 * - `projects.theme_draft`: the theme being edited, shown only in the dashboard's preview
 *   until it is published into `theme_config` (null: no draft, the editor starts from
 *   what is published);
 * - `project_logos`: uploaded logo images, validated PNG, JPEG or WebP, keyed by the SHA-256
 *   of their bytes (a theme refers to one by that id); served from our own origin.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects add column theme_draft jsonb;

    create table project_logos (
      project_id    text not null references projects (id) on delete cascade,
      id            text not null check (id ~ '^[0-9a-f]{64}$'),
      content_type  text not null check (content_type in ('image/png', 'image/jpeg', 'image/webp')),
      width         integer not null check (width > 0),
      height        integer not null check (height > 0),
      bytes         bytea not null,
      created_at    timestamptz not null,
      primary key (project_id, id)
    );
    create index project_logos_by_id on project_logos (id);
  `.execute(db);
}
