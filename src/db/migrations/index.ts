import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_payments_lifecycle.ts';

/**
 * Forward-only migrations, in order. Names sort lexically; never edit a shipped one,
 * add the next number instead.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_payments_lifecycle': m0002,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
