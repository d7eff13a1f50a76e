/**
 * Opting one hot statement into server-side preparation. Kysely sends every query as an
 * unnamed statement, which PostgreSQL parses, analyses and plans again each time; a
 * statement whose text starts with this marker is sent by the pg pool as a *named* one
 * instead (`{ name, text, values }`), so each connection prepares it once (db/pg-pool.ts).
 *
 * Only a short, fixed list of names, written in code, ever uses it: auto-naming every
 * query would grow each connection's statement cache with every dynamic query shape.
 * `DB_PREPARED_STATEMENTS=false` turns it off — needed behind a transaction-mode pooler
 * that cannot carry named statements (PgBouncer before 1.21; docs/scaling.md).
 */
export type PreparedName = 'mint_portal_token';

const MARKER = /^\/\* prepared:([a-z_]+) \*\/ /;

/** The comment that starts such a statement's text (`/* prepared:name *\/ select …`). */
export function preparedMarker(name: PreparedName): string {
  return `/* prepared:${name} */`;
}

/** The statement name a query's text asks for, if any (cheap for the other queries: one char test). */
export function preparedNameOf(text: string): string | undefined {
  if (text.charCodeAt(0) !== 47 /* '/' */) return undefined;
  return MARKER.exec(text)?.[1];
}
