import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** What one request under fault got back. */
export interface Outcome {
  kind: 'api' | 'portal';
  status: number;  // 0: no answer at all (connection refused or our client-side bound)
  code: string | undefined;
  retryAfter: string | null;
  contentType: string | null;
  ms: number;
  endUserId?: string;
  token?: string;
}

/** Longest any request may take while the database misbehaves (connect + statement timeouts, plus slack). */
export const REQUEST_BOUND_MS = 7_000;

/** Service env for the fault tests: short database timeouts so "fail fast" is seconds, not the defaults. */
export const FAULT_ENV = {
  DB_CONNECT_TIMEOUT_MS: '2000',
  DB_STATEMENT_TIMEOUT_MS: '3000',
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5000',
  SCHEDULER_INTERVAL_SECONDS: '1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_SESSIONS_PER_IP: '1000000',
  RATE_LIMIT_SESSIONS_PER_CLIENT: '1000000',
};

/**
 * Keeps `concurrency` callers busy against the service until stopped: each either mints a
 * portal token (JSON API, a multi-row write) or opens a portal link (HTML page).
 */
export function startLoad(base: string, creds: { clientId: string; clientSecret: string }, concurrency = 6) {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const one = async (kind: 'api' | 'portal'): Promise<Outcome> => {
    const started = Date.now();
    const endUserId = `fault-${n++}-${randomBytes(3).toString('hex')}`;
    try {
      const res =
        kind === 'api'
          ? await fetch(`${base}/api/platform/portal/sessions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ client_id: creds.clientId, client_secret: creds.clientSecret, end_user_id: endUserId }),
              signal: AbortSignal.timeout(REQUEST_BOUND_MS * 2),
            })
          : await fetch(`${base}/portal?session=${randomBytes(32).toString('base64url')}`, {
              redirect: 'manual',
              signal: AbortSignal.timeout(REQUEST_BOUND_MS * 2),
            });
      const text = await res.text();
      let code: string | undefined;
      let token: string | undefined;
      try {
        const body = JSON.parse(text) as { error?: { code: string }; session_token?: string };
        code = body.error?.code;
        token = body.session_token;
      } catch {
        code = undefined;
      }
      return {
        kind, status: res.status, code, token, endUserId,
        retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), ms: Date.now() - started,
      };
    } catch {
      return { kind, status: 0, code: undefined, retryAfter: null, contentType: null, ms: Date.now() - started, endUserId };
    }
  };
  const workers = Array.from({ length: concurrency }, async (_, i) => {
    while (running) outcomes.push(await one(i % 3 === 2 ? 'portal' : 'api'));
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

/**
 * The contract while the database is away: a prompt 2xx/4xx as usual, or a 503
 * database_unavailable with Retry-After (JSON from the API, an HTML page from the portal).
 * Never a 500, never a hang past the timeouts.
 */
export function expectOnlyCleanOutcomes(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    expect(o.status, JSON.stringify(o)).not.toBe(0);
    expect(o.status, JSON.stringify(o)).not.toBe(500);
    expect(o.ms, JSON.stringify(o)).toBeLessThan(REQUEST_BOUND_MS);
    if (o.status === 503) {
      expect(o.retryAfter, JSON.stringify(o)).toBe('5');
      if (o.kind === 'api') expect(o.code, JSON.stringify(o)).toBe('database_unavailable');
      else expect(o.contentType, JSON.stringify(o)).toMatch(/^text\/html/);
    } else if (o.kind === 'api') {
      expect(o.status, JSON.stringify(o)).toBe(200);
    } else {
      expect(o.status, JSON.stringify(o)).toBeLessThan(500);
    }
  }
}

/** Polls until `check` holds, at most `timeoutMs`; returns how long it took. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

export const readyStatus = (base: string, timeoutMs = 5000) =>
  fetch(`${base}/readyz`, { signal: AbortSignal.timeout(timeoutMs) }).then((r) => r.status, () => 0);
