import autocannon from 'autocannon';
import type { CpuShare } from './cpu.ts';

/** What one autocannon phase measured, reduced to the figures the report prints. */
export interface LoadResult {
  /** Requests per second, the average of autocannon's one-second samples. */
  rps: number;
  /** Latency percentiles in milliseconds (autocannon records whole milliseconds). */
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
  /** Requests handed to autocannon's connections, answered or not (sessions only). */
  sent?: number;
  /** CPU milliseconds per request by process (Linux only). */
  cpu?: CpuShare;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

function fire(options: autocannon.Options): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, ...options }, (err, result) => {
      if (err) return reject(err);
      const statusCodes: Record<string, number> = {};
      for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stat.count);
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes,
        durationSeconds: result.duration,
      });
    });
  });
}

function pacing(options: LoadOptions): Partial<autocannon.Options> {
  return { connections: options.connections, duration: options.durationSeconds };
}

/** `GET /healthz`: the framework's ceiling on this machine (no database, no auth). */
export function loadHealthz(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  return fire({ url: `${baseUrl}/healthz`, ...pacing(options) });
}

export interface SessionLoad {
  clientId: string;
  clientSecret: string;
  /** end_user_id values cycle over `${prefix}${0..poolSize-1}`: the first pass creates them, later passes reuse them. */
  endUserPrefix: string;
  poolSize: number;
}

/**
 * `POST /api/platform/portal/sessions` with end_user_id cycling over a pool, so the run
 * mixes first calls (new end user + default-plan subscription + event) with repeat calls.
 * One counter is shared by all connections: 50 in-flight requests never share an id
 * while the pool is larger than the connection count.
 */
export async function loadSessions(baseUrl: string, session: SessionLoad, options: LoadOptions): Promise<LoadResult> {
  const bodies = Array.from({ length: session.poolSize }, (_, n) =>
    JSON.stringify({ client_id: session.clientId, client_secret: session.clientSecret, end_user_id: `${session.endUserPrefix}${n}` }),
  );
  let next = 0;
  const result = await fire({
    url: baseUrl,
    ...pacing(options),
    requests: [
      {
        method: 'POST',
        path: '/api/platform/portal/sessions',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const body = bodies[next++ % bodies.length];
          return { ...request, body };
        },
      },
    ],
  });
  return { ...result, sent: next };
}
