import type { IncomingHttpHeaders } from 'node:http';
import { isHttpUrl } from './validation.ts';

export const maxNotificationUrls = 3;

export type NotificationUrlsResult = { ok: true; urls: string[] } | { ok: false; error: string };

function headerUrls(headers: IncomingHttpHeaders, name: string): NotificationUrlsResult | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const urls = (Array.isArray(raw) ? raw.join(',') : raw).split(',').map((url) => url.trim()).filter((url) => url !== '');
  if (urls.length > maxNotificationUrls || !urls.every(isHttpUrl)) {
    return { ok: false, error: `${name} must hold at most ${maxNotificationUrls} comma-separated http(s) URLs` };
  }
  return { ok: true, urls };
}

/**
 * Where this transaction's notifications go: `X-Override-Notification` replaces the default
 * ("dashboard") URL; `X-Append-Notification` adds to it.
 */
export function notificationUrlsFor(headers: IncomingHttpHeaders, defaultUrl: string | undefined): NotificationUrlsResult {
  const override = headerUrls(headers, 'x-override-notification');
  if (override) return override;
  const append = headerUrls(headers, 'x-append-notification');
  if (append && !append.ok) return append;
  const urls = [...(defaultUrl ? [defaultUrl] : []), ...(append?.urls ?? [])];
  return { ok: true, urls: [...new Set(urls)] };
}
