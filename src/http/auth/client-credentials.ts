import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { safeEqual, sha256 } from '../../lib/crypto.ts';
import type { Clock } from '../../lib/clock.ts';
import { findProjectByClientId, LAST_USED_PRECISION_MS, recordCredentialUse } from '../../modules/projects/projects.repository.ts';
import type { AuthFailureLimit } from './failure-limit.ts';

/** The single message for every credential failure: unknown client and wrong secret look alike. */
export const INVALID_CREDENTIALS = 'Invalid client credentials';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AuthenticatedClient {
  projectId: string;
  clientId: string;
  /** SHA-256 of the presented secret; hot-path SQL re-checks it against the row. */
  secretHash: Buffer;
}

interface CachedClient {
  projectId: string;
  secretHash: Buffer;
  /** After a rotation with a grace window: the old secret's hash, valid until `previousExpiresAt` (ms). */
  previousHash: Buffer | null;
  previousExpiresAt: number;
  /** When each secret's use was last written (ms; 0: never), so it is written once a minute at most. */
  currentUsedAt: number;
  previousUsedAt: number;
  cachedAt: number;
}

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * Verifies client credentials against the stored SHA-256 hashes in constant time: the
 * current secret, and during a rotation's grace window the previous one (until it expires,
 * on the injected clock).
 *
 * The hashes are cached per instance so the session hot path skips a round trip. A cached
 * hash can be stale on another instance right after a secret rotation, so the cache may
 * only *reject* on its own: callers that accept must re-assert the hash in their own SQL
 * (`verify(…, { fresh: true })` reads the row for paths without such a statement).
 */
export class ClientCredentialCache {
  readonly #cache = new Map<string, CachedClient>();
  /** One database read per client at a time, however many requests miss the cache together. */
  readonly #loading = new Map<string, Promise<CachedClient | undefined>>();
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async verify(creds: ClientCredentials, options: { fresh?: boolean } = {}): Promise<AuthenticatedClient> {
    const presented = sha256(creds.clientSecret);
    const now = this.clock.now().getTime();
    let entry = options.fresh ? undefined : this.#cache.get(creds.clientId);
    if (entry && now - entry.cachedAt > CACHE_TTL_MS) entry = undefined;
    if (!entry || !accepts(entry, presented, now)) entry = await this.#load(creds.clientId);
    // Compare even when the client is unknown, against a dummy, so both paths cost the same.
    if (!accepts(entry, presented, now) || !entry) throw new AppError('invalid_credentials', INVALID_CREDENTIALS);
    return { projectId: entry.projectId, clientId: creds.clientId, secretHash: presented };
  }

  /**
   * Notes that `client`'s secret authenticated a call: written to the project's row when
   * this instance has not seen it written in the last minute (call after the caller's own
   * SQL accepted the secret, or after a fresh `verify`).
   */
  async recordUse(client: AuthenticatedClient): Promise<void> {
    const now = this.clock.now();
    const entry = this.#cache.get(client.clientId);
    const which = entry && safeEqual(entry.secretHash, client.secretHash) ? 'currentUsedAt' : entry?.previousHash && safeEqual(entry.previousHash, client.secretHash) ? 'previousUsedAt' : undefined;
    if (entry && which && now.getTime() - entry[which] < LAST_USED_PRECISION_MS) return;
    await recordCredentialUse(this.db, client.projectId, client.secretHash, now);
    if (entry && which) entry[which] = now.getTime();
  }

  /** Forget a client (after rotation here, or when SQL found the cached hash stale). */
  invalidate(clientId: string): void {
    this.#cache.delete(clientId);
  }

  #load(clientId: string): Promise<CachedClient | undefined> {
    let pending = this.#loading.get(clientId);
    if (!pending) {
      pending = this.#read(clientId).finally(() => this.#loading.delete(clientId));
      this.#loading.set(clientId, pending);
    }
    return pending;
  }

  async #read(clientId: string): Promise<CachedClient | undefined> {
    const row = await findProjectByClientId(this.db, clientId);
    if (!row) {
      this.#cache.delete(clientId);
      return undefined;
    }
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    const entry: CachedClient = {
      projectId: row.id,
      secretHash: row.client_secret_hash,
      previousHash: row.previous_client_secret_hash,
      previousExpiresAt: row.previous_secret_expires_at?.getTime() ?? 0,
      currentUsedAt: row.client_secret_last_used_at?.getTime() ?? 0,
      previousUsedAt: row.previous_secret_last_used_at?.getTime() ?? 0,
      cachedAt: this.clock.now().getTime(),
    };
    this.#cache.set(clientId, entry);
    return entry;
  }
}

/**
 * Whether `presented` is the current secret's hash or the previous one's before it expires.
 * Both comparisons always run, each in constant time, whatever the entry holds.
 */
function accepts(entry: CachedClient | undefined, presented: Buffer, now: number): boolean {
  const current = safeEqual(entry?.secretHash ?? DUMMY_HASH, presented);
  const previous = safeEqual(entry?.previousHash ?? DUMMY_HASH, presented);
  if (!entry) return false;
  return current || (previous && entry.previousHash !== null && now < entry.previousExpiresAt);
}

const DUMMY_HASH = sha256('langgan-no-such-client');

/**
 * Credentials from HTTP Basic (`client_id:client_secret`) or, for the seed's endpoint,
 * from the JSON body. When both are present they must name the same client.
 */
export function credentialsFrom(request: FastifyRequest, body?: { client_id?: string; client_secret?: string }): ClientCredentials {
  const basic = parseBasic(request.headers.authorization);
  const fromBody =
    body?.client_id !== undefined || body?.client_secret !== undefined
      ? { clientId: body?.client_id ?? '', clientSecret: body?.client_secret ?? '' }
      : undefined;
  if (basic && fromBody && basic.clientId !== fromBody.clientId) {
    throw new AppError('invalid_request', 'Send client credentials either in the Authorization header or in the body, not both');
  }
  const creds = basic ?? fromBody;
  if (!creds || !creds.clientId || !creds.clientSecret) {
    throw new AppError('unauthorized', 'Client credentials are required: HTTP Basic client_id:client_secret, or client_id and client_secret in the body');
  }
  return creds;
}

function parseBasic(header: string | undefined): ClientCredentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) throw new AppError('unauthorized', 'The Authorization header must be HTTP Basic client_id:client_secret');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new AppError('unauthorized', 'The Authorization header must be HTTP Basic client_id:client_secret');
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

declare module 'fastify' {
  interface FastifyRequest {
    client?: AuthenticatedClient;
  }
}

/**
 * onRequest hook for platform endpoints: credentials from HTTP Basic, checked against the
 * database on every call (no cache), so a rotated secret stops working at once (or when
 * its grace window ends), and the secret's use is noted (once a minute at most). Wrong
 * credentials count toward the caller's failure limits (missing or malformed ones cannot
 * be a guess and are refused before the count).
 */
export function clientAuth(credentials: ClientCredentialCache, failures: AuthFailureLimit) {
  return async function authenticateClient(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const presented = credentialsFrom(request);
    request.client = await failures.attempt(request, reply, presented.clientId, () => credentials.verify(presented, { fresh: true }));
    await credentials.recordUse(request.client);
  };
}

/** The authenticated client of a route behind `clientAuth`. */
export function clientOf(request: FastifyRequest): AuthenticatedClient {
  if (!request.client) throw new AppError('unauthorized', 'Client credentials are required');
  return request.client;
}
