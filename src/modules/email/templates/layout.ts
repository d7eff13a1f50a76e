import type { Locale, ThemeConfig } from '../../../db/types.ts';
import { resolveTheme } from '../../../theme/resolve.ts';
import { html, type SafeHtml } from '../../../web/html.ts';
import { emailMessages } from './messages.ts';

/** A rendered email: both parts, ready for the outbox. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What every customer email knows: who it is for, in which language and zone, from which project. */
export interface EmailBase {
  locale: Locale;
  /** The project's IANA zone: every date-time is shown in it, named. */
  timeZone: string;
  projectName: string;
  theme: ThemeConfig | null;
  customerName: string | null;
}

/** …and an email about a payment: what plan, how much. */
export interface PaymentEmailBase extends EmailBase {
  planName: string;
  amount: number;
  currency: string;
}

/** What one email says, in the order the customer reads it; `renderMessage` writes both parts. */
export interface EmailContent {
  subject: string;
  heading: string;
  /** Paragraphs after the greeting, before the details. */
  lead: string[];
  /** Label–value rows (amounts and dates already formatted). */
  rows?: ReadonlyArray<[string, string]>;
  /** An address to open (already checked with `safeUrl`): a button, and a line in the text part. */
  link?: { label: string; href: string };
  /** Paragraphs after the details. */
  after?: string[];
  /** Why the reader gets this email, when it is not a customer's subscription (the default footer). */
  footer?: string;
}

export interface EmailFrame {
  locale: Locale;
  projectName: string;
  theme: ThemeConfig | null;
  subject: string;
  heading: string;
  /** The HTML body (escaped by `html`); `text` is the same content as plain text. */
  body: SafeHtml;
  text: string[];
  footer?: string;
}

/**
 * One frame for every customer email, in the project's colours (its light palette, with
 * the portal's contrast corrections) and font stack. Inline styles and a single table,
 * because mail clients drop `<style>` and most of CSS layout; no remote images (a remote
 * image is a tracking pixel and is blocked by most clients anyway).
 */
/**
 * The project's logo, never a remote image: it is attached to the message itself, and the
 * HTML refers to it by Content-ID (`cid:`). The id names the uploaded logo (its SHA-256), so
 * the sender attaches exactly the logo the email was written with (deliver-emails.ts).
 */
export const LOGO_CID = /cid:(logo-([0-9a-f]{64})@langgan)/;

function logoImage(theme: ThemeConfig | null): SafeHtml | '' {
  const id = theme?.logo;
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) return '';
  return html`<img src="cid:logo-${id}@langgan" alt="" height="32" style="display:block;height:32px;width:auto;max-width:200px;margin:0 0 8px;border:0;">`;
}

export function renderEmail(frame: EmailFrame): RenderedEmail {
  const t = emailMessages[frame.locale];
  const footer = frame.footer ?? t.footer(frame.projectName);
  const v = resolveTheme(frame.theme, 'light').vars;
  const page = html`<!doctype html>
<html lang="${frame.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${frame.subject}</title></head>
<body style="margin:0;padding:0;background:${v['--bg']};color:${v['--text']};font-family:${v['--font']};">
<main>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${v['--bg']};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:${v['--surface']};border:1px solid ${v['--border']};border-radius:${v['--radius']};">
<tr><td style="padding:20px 24px;border-bottom:4px solid ${v['--primary']};font-size:18px;font-weight:700;">${logoImage(frame.theme)}${frame.projectName}</td></tr>
<tr><td style="padding:24px;font-size:16px;line-height:1.5;">
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;">${frame.heading}</h1>
${frame.body}
</td></tr>
<tr><td style="padding:16px 24px;font-size:13px;line-height:1.5;color:${v['--muted']};border-top:1px solid ${v['--border']};">${footer}</td></tr>
</table>
</td></tr>
</table>
</main>
</body>
</html>`;
  const text = [frame.projectName, '', frame.heading, '', ...frame.text, '', '--', footer, ''].join('\n');
  return { subject: frame.subject, text, html: page.toString() };
}

/** Label–value rows, in both forms. */
export function detailRows(rows: ReadonlyArray<[string, string]>, v: { muted: string; border: string }): { html: SafeHtml; text: string[] } {
  return {
    html: html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:16px 0;border-collapse:collapse;">
${rows.map(([label, value]) => html`<tr><td style="padding:8px 12px 8px 0;border-top:1px solid ${v.border};color:${v.muted};vertical-align:top;">${label}</td><td align="right" style="padding:8px 0;border-top:1px solid ${v.border};font-weight:600;overflow-wrap:anywhere;word-break:break-word;">${value}</td></tr>`)}
</table>`,
    text: rows.map(([label, value]) => `${label}: ${value}`),
  };
}

/**
 * The body every customer email shares — greeting, lead paragraphs, details, an optional
 * button, closing paragraphs — in the frame, as HTML and the same content as plain text.
 */
export function renderMessage(base: EmailBase, c: EmailContent): RenderedEmail {
  const v = resolveTheme(base.theme, 'light').vars;
  const greeting = emailMessages[base.locale].greeting(base.customerName);
  const details = c.rows ? detailRows(c.rows, { muted: v['--muted']!, border: v['--border']! }) : undefined;
  const after = c.after ?? [];
  const paragraph = (text: string, last: boolean) => html`<p style="margin:${last ? '0' : '0 0 12px'};">${text}</p>`;
  const button = c.link
    ? html`<p style="margin:16px 0;"><a href="${c.link.href}" style="display:inline-block;padding:10px 16px;background:${v['--primary']};color:${v['--on-primary']};border-radius:${v['--radius']};text-decoration:none;font-weight:600;">${c.link.label}</a></p>`
    : '';
  return renderEmail({
    locale: base.locale,
    projectName: base.projectName,
    theme: base.theme,
    subject: c.subject,
    heading: c.heading,
    ...(c.footer !== undefined && { footer: c.footer }),
    body: html`${[greeting, ...c.lead].map((p) => paragraph(p, false))}${details?.html}${button}${after.map((p, i) => paragraph(p, i === after.length - 1))}`,
    text: [
      ...[greeting, ...c.lead].flatMap((p, i) => (i ? ['', p] : [p])),
      ...(details ? ['', ...details.text] : []),
      ...(c.link ? ['', `${c.link.label}: ${c.link.href}`] : []),
      ...after.flatMap((p) => ['', p]),
    ],
  });
}
