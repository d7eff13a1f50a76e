import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { Clock } from './lib/clock.ts';
import { ClientCredentialCache } from './http/auth/client-credentials.ts';

/**
 * Everything a route, service or job needs, wired once. Tests build their own with a
 * frozen clock and their own database; nothing reaches for a module-level singleton.
 */
export interface Deps {
  config: Config;
  db: Db;
  dbKind: 'postgres' | 'pglite';
  clock: Clock;
  credentials: ClientCredentialCache;
}

export function createDeps(input: { config: Config; db: Db; dbKind: Deps['dbKind']; clock: Clock }): Deps {
  return { ...input, credentials: new ClientCredentialCache(input.db) };
}

export type Logger = FastifyBaseLogger;
