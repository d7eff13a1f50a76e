import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';

/**
 * Platform endpoints take a client_secret and must never be called from a browser.
 * Browsers mark every request with Fetch Metadata (`Sec-Fetch-Site`, `Sec-Fetch-Dest`)
 * and cross-origin ones with `Origin`; a request carrying any of them is refused.
 * `Sec-Fetch-Mode: cors` alone is not a browser signal: Node's own fetch (undici)
 * sends it on every request, and the seed's Express snippet uses Node's fetch. Any other
 * Sec-Fetch-Mode value (navigate, no-cors, same-origin) only comes from browsers.
 */
export async function refuseBrowserRequests(request: FastifyRequest): Promise<void> {
  const h = request.headers;
  const mode = h['sec-fetch-mode'];
  const browserMode = mode !== undefined && mode !== 'cors';
  if (browserMode || h['sec-fetch-site'] !== undefined || h['sec-fetch-dest'] !== undefined || h.origin !== undefined) {
    throw new AppError(
      'browser_request_forbidden',
      'This endpoint takes your client_secret and must be called from your backend, never from a browser; no CORS is offered',
    );
  }
}

/** For action endpoints that take no input: an absent or empty JSON object body only. */
export async function requireNoBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new AppError('invalid_request', 'This endpoint takes no request body');
}
