import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';

/**
 * Platform endpoints take a client_secret and must never be called from an integrator's
 * frontend. Browsers label every request with Fetch Metadata (`Sec-Fetch-Site`, and
 * `Sec-Fetch-Mode` values such as navigate/no-cors) and cross-origin ones with `Origin`;
 * such requests are refused, and no CORS header is ever sent.
 *
 * Two deliberate exceptions:
 * - `Sec-Fetch-Mode: cors` alone is not a browser signal: Node's own fetch (undici)
 *   sends it on every request, and the seed's Express snippet uses Node's fetch.
 * - A request the browser itself attests as same-origin (`Sec-Fetch-Site: same-origin`,
 *   Origin matching Host) comes from Langgan's own pages — the /docs playground, where a
 *   developer types credentials into Langgan's UI, not into a third-party frontend.
 */
export async function refuseBrowserRequests(request: FastifyRequest): Promise<void> {
  const h = request.headers;
  const site = h['sec-fetch-site'];
  const mode = h['sec-fetch-mode'];
  const origin = h.origin;
  const sameOrigin = site === 'same-origin' && (origin === undefined || originHost(origin) === h.host);
  if (sameOrigin && (mode === undefined || mode === 'cors' || mode === 'same-origin')) return;
  const browserMode = mode !== undefined && mode !== 'cors';
  if (browserMode || site !== undefined || h['sec-fetch-dest'] !== undefined || origin !== undefined) {
    throw new AppError(
      'browser_request_forbidden',
      'This endpoint takes your client_secret and must be called from your backend, never from a browser; no CORS is offered',
    );
  }
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** For action endpoints that take no input: an absent or empty JSON object body only. */
export async function requireNoBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new AppError('invalid_request', 'This endpoint takes no request body');
}

/** For action endpoints whose JSON body is optional: none at all is validated as `{}`. */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
