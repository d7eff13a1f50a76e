import { TEST_ADMIN_KEY } from './app.ts';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body string (sent as-is); use with `contentType`. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  admin?: boolean;
  basic?: { clientId: string; clientSecret: string };
}

/** A real HTTP request (Node's fetch) with JSON parsing of the answer. */
export async function http<T = any>(base: string, method: string, path: string, o: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...o.headers };
  let body: string | undefined;
  if (o.raw !== undefined) {
    body = o.raw;
    headers['content-type'] = o.contentType ?? 'application/json';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  if (o.admin) headers.authorization = `Bearer ${TEST_ADMIN_KEY}`;
  if (o.basic) headers.authorization = `Basic ${Buffer.from(`${o.basic.clientId}:${o.basic.clientSecret}`).toString('base64')}`;
  const response = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * A request through node:http, for headers Node's fetch would overwrite (it forces
 * `sec-fetch-mode: cors`).
 */
export async function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
