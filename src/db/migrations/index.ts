import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.ts';

/**
 * Forward-only migrations, in order. Names sort lexically; never edit a shipped one,
 * add the next number instead.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
