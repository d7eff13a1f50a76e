import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { isServableImageType, type CaughtMessage, type InlinePart, type StoredMessage } from './message.ts';

/** What the SMTP transaction said, as opposed to the headers: who really receives the message. */
export interface Envelope {
  mailFrom: string | null;
  rcptTo: string[];
}

export const newMessageId = (): string => `msg_${randomBytes(12).toString('base64url')}`;

/**
 * A decoded header value where mailparser gives one as text (subjects with encoded words,
 * address lists), else undefined (dates, content types), where the raw line reads better.
 */
function decodedHeader(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.map(decodedHeader);
    return parts.every((part) => part !== undefined) ? parts.join('\n') : undefined;
  }
  if (typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string') return value.text;
  return undefined;
}

function headersOf(parsed: ParsedMail): Record<string, string> {
  const raw = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    raw.set(key, [...(raw.get(key) ?? []), value]);
  }
  // fromEntries defines own properties, so a header named `__proto__` stays a plain key.
  return Object.fromEntries([...raw].map(([key, values]) => [key, decodedHeader(parsed.headers.get(key)) ?? values.join('\n')]));
}

/** The images an HTML body may show by `cid:`; the first part wins when two share a Content-ID. */
function inlinePartsOf(parsed: ParsedMail): InlinePart[] {
  const parts: InlinePart[] = [];
  for (const attachment of parsed.attachments) {
    const { cid, contentType } = attachment;
    if (!cid || !isServableImageType(contentType) || parts.some((part) => part.cid === cid)) continue;
    parts.push({ cid, contentType, content: attachment.content });
  }
  return parts;
}

/** Parses one accepted message; `cid:` links stay as they are (the HTTP side rewrites them to its parts route). */
export async function parseMessage(raw: Buffer, envelope: Envelope, receivedAt: Date): Promise<StoredMessage> {
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true });
  const message: CaughtMessage = {
    id: newMessageId(),
    from: parsed.from?.value[0]?.address ?? envelope.mailFrom ?? '',
    to: envelope.rcptTo,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    received_at: receivedAt.toISOString(),
    message_id: parsed.messageId ?? null,
    headers: headersOf(parsed),
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, content_type: a.contentType, cid: a.cid ?? null, size: a.size })),
  };
  return { message, inlineParts: inlinePartsOf(parsed) };
}
