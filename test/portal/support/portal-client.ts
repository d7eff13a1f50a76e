import { request } from 'node:http';
import type { TestApp } from '../../support/app.ts';
import { createSession, type TestProject } from '../../support/factories.ts';

export interface PortalResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  location: string | undefined;
  setCookies: string[];
}

/**
 * A cookie-carrying HTTP client for the portal (node:http, so every header is ours to
 * set: Origin, Sec-Fetch-Site). Requests go to the listener (`base`, 127.0.0.1) while the
 * Origin of form posts is the portal's public origin, as a browser on PUBLIC_URL sends it.
 */
export class PortalClient {
  readonly jar = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly publicUrl: string,
  ) {}

  /** Follows a portal_url minted for PUBLIC_URL, against the listener. */
  toListener(url: string): string {
    return url.startsWith(this.publicUrl) ? url.slice(this.publicUrl.length) : url;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PortalResponse> {
    return this.send('GET', this.toListener(path), headers);
  }

  /** A form post as the portal's own page sends it (same origin) unless headers say otherwise. */
  post(path: string, form: Record<string, string | readonly string[]>, headers: Record<string, string> = {}): Promise<PortalResponse> {
    // A list is one field given several times, as ticked checkboxes of one name are sent.
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const one of [value].flat()) params.append(name, one);
    const body = params.toString();
    return this.send(
      'POST',
      path,
      { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.publicUrl).origin, 'sec-fetch-site': 'same-origin', ...headers },
      body,
    );
  }

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<PortalResponse> {
    const all: Record<string, string> = { ...headers };
    if (this.jar.size && !('cookie' in all)) all.cookie = this.cookieHeader();
    for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
    return new Promise((resolve, reject) => {
      const req = request(this.base + path, { method, headers: all }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const setCookies = res.headers['set-cookie'] ?? [];
          for (const line of setCookies) {
            const [pair] = line.split(';');
            const [name, ...rest] = pair!.split('=');
            const value = rest.join('=');
            if (/max-age=0/i.test(line) || value === '') this.jar.delete(name!.trim());
            else this.jar.set(name!.trim(), value);
          }
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, location, setCookies });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** The hidden fields of the form posting to `action` on a rendered page. */
export function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  return fields;
}

/** A client that has opened the portal for `externalId` (minted link, exchanged for the cookie), with who it is. */
export async function openPortal(
  t: TestApp,
  project: TestProject,
  externalId: string,
  extra: Record<string, unknown> = {},
): Promise<{ client: PortalClient; endUserId: string; subscriptionId: string }> {
  const minted = await createSession(t.url, project, externalId, extra);
  if (minted.status !== 200) throw new Error(`minting a portal link failed: ${minted.status} ${minted.text}`);
  const client = new PortalClient(t.url, t.deps.config.publicUrl);
  const exchange = await client.get(minted.body.portal_url);
  if (exchange.status !== 303) throw new Error(`exchanging the portal link answered ${exchange.status}`);
  const db = t.database.db;
  const user = await db.selectFrom('end_users').select('id').where('project_id', '=', project.id).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const sub = await db.selectFrom('subscriptions').select('id').where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
  return { client, endUserId: user.id, subscriptionId: sub.id };
}
