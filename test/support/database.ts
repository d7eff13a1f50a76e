import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new
 * database on the PostgreSQL server named by TEST_DATABASE_URL (dropped afterwards).
 */
export interface TestDatabase extends DatabaseHandle {
  /** Connection URL when on PostgreSQL (for tests that need a second pool or process). */
  url: string | undefined;
  destroy(): Promise<void>;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `langgan_test_${randomBytes(6).toString('hex')}`;
    await withAdmin(serverUrl, (c) => c.query(`create database ${name}`));
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = () => withAdmin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {});
  }
  const handle = await openDatabase({ url, poolSize: 10 });
  if (options.migrate !== false) await migrate(handle.db);
  return {
    ...handle,
    url,
    async destroy() {
      await handle.close();
      await dropDatabase();
    },
  };
}

async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
