import { openDatabase } from '../../src/db/database.ts';
import { startTestApp, type TestApp } from './app.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from './database.ts';

export interface TwoInstances {
  a: TestApp;
  b: TestApp;
  /** The one database both serve. */
  shared: TestDatabase;
  close(): Promise<void>;
}

/**
 * Two instances of the app over one database, as behind a load balancer: on PostgreSQL
 * each has its own connection pool; PGlite is in-process, so there they share it.
 */
export async function startTwoInstances(options: { env?: Record<string, string> } = {}): Promise<TwoInstances> {
  const shared = await createTestDatabase();
  const a = await startTestApp({ database: shared, ...(options.env && { env: options.env }) });
  const second = onPostgres ? await openDatabase({ url: shared.url }) : shared;
  const b = await startTestApp({ database: { ...second, url: shared.url, destroy: () => second.close() }, ...(options.env && { env: options.env }) });
  return {
    a,
    b,
    shared,
    async close() {
      await b.close();
      await a.close();
      if (onPostgres) await b.database.close();
      await shared.destroy();
    },
  };
}
