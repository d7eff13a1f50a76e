import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { hostOf, isPublicAddress } from './address-policy.ts';

/** Resolves a host name to every address it has (the system resolver unless a test injects one). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export interface SendInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Development mode: private and loopback destinations are allowed. */
  allowPrivate: boolean;
  resolve?: Resolver;
}

export interface SendOutcome {
  /** The receiver's HTTP status; null when no response came (refused, timeout, network). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer for the delivery log (see `excerptOf`); null when none came. */
  responseExcerpt?: string | null;
}

/** We read at most this much of a response (only its status matters) before hanging up. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** …and keep this much of it, for the integrator to see why their app refused a delivery. */
export const RESPONSE_EXCERPT_BYTES = 2048;

/**
 * The first `RESPONSE_EXCERPT_BYTES` of a response as text for the delivery log: UTF-8
 * (a character cut at the end becomes U+FFFD), control characters other than tab and line
 * breaks dropped (PostgreSQL text cannot hold NUL), "…" appended when there was more. It
 * is the receiver's text: pages escape it like any other value.
 */
export function excerptOf(bytes: Buffer, cut: boolean): string {
  // eslint-disable-next-line no-control-regex
  const text = bytes.subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return cut ? `${text}…` : text;
}

/**
 * One POST to a receiver. Never throws: every failure is an outcome with an error sentence
 * for the delivery log. Redirects are not followed (a 3xx is a failed attempt), and the
 * whole exchange — DNS, connect, TLS, response — is bounded by `timeoutMs`.
 */
export async function send(input: SendInput): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { statusCode: null, error: 'invalid URL', durationMs: 0 };
  }
  const host = hostOf(url);
  if (!input.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
    return { statusCode: null, error: `refused: ${host} is not a public address (allowed only in development mode)`, durationMs: 0 };
  }

  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    let statusCode: number | null = null;
    const kept: Buffer[] = [];
    let received = 0;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      const responseExcerpt = statusCode === null ? null : excerptOf(Buffer.concat(kept), received > RESPONSE_EXCERPT_BYTES);
      resolve({ statusCode, error: statusCode === null ? error : null, durationMs: elapsed(), responseExcerpt });
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
        lookup: guardedLookup(input.resolve ?? systemResolver, input.allowPrivate),
        agent: false,
      },
      (response) => {
        statusCode = response.statusCode ?? null;
        response.on('data', (chunk: Buffer) => {
          if (received < RESPONSE_EXCERPT_BYTES) kept.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - received));
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) finish(null);
        });
        response.on('end', () => finish(null));
        response.on('error', () => finish(null));
      },
    );
    // Once the status is known a slow body no longer matters: the status is the answer.
    const timer = setTimeout(() => finish(`timed out after ${input.timeoutMs / 1000} s`), input.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => finish(describe(err)));
    request.end(input.body);
  });
}

/**
 * A `lookup` for http.request that resolves every address of the host and refuses the
 * connection if any of them is not public. The socket then connects to an address this
 * function returned, so what was checked is what is used (no DNS-rebinding window).
 */
export function guardedLookup(resolver: Resolver, allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: { family?: number | string; all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolver(hostname)
      .then((found) => {
        if (found.length === 0) throw Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' });
        if (!allowPrivate) {
          const bad = found.find((a) => !isPublicAddress(a.address));
          if (bad) {
            throw Object.assign(
              new Error(`refused: ${hostname} resolves to ${bad.address}, which is not a public address (allowed only in development mode)`),
              { code: 'EREFUSED_PRIVATE' },
            );
          }
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
        const usable = family === 4 || family === 6 ? found.filter((a) => a.family === family) : found;
        if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' });
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((err: Error) => callback(err));
  }) as LookupFunction;
}

function describe(err: NodeJS.ErrnoException): string {
  const text = err.code === 'EREFUSED_PRIVATE' || !err.code ? err.message : `${err.code}: ${err.message}`;
  return text.slice(0, 500);
}
