/** One message as the catcher shows it: the JSON API's shape, also what `messages()` and `waitFor` return. */
export interface CaughtMessage {
  /** `msg_` + random; the key of `/api/messages/:id` and `/messages/:id`. */
  id: string;
  /** The address of the From header (the envelope's MAIL FROM when there is none); the display name is in `headers.from`. */
  from: string;
  /** The envelope's recipients (RCPT TO, so Cc and Bcc too), as the client sent them. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** ISO 8601, when the catcher accepted the message. */
  received_at: string;
  message_id: string | null;
  /** Lower-case header name → decoded value; a header given several times has its values joined by newlines. */
  headers: Record<string, string>;
  attachments: Array<{ filename: string | null; content_type: string; cid: string | null; size: number }>;
}

/** An inline image kept with its message so `/messages/:id/parts/:cid` can serve it. */
export interface InlinePart {
  cid: string;
  contentType: ServableImageType;
  content: Buffer;
}

export interface StoredMessage {
  message: CaughtMessage;
  /** Only images of a type in SERVABLE_IMAGE_TYPES: nothing a browser could run as a document. */
  inlineParts: InlinePart[];
}

/** Image types the parts route serves; never SVG (it can carry script) nor anything a browser renders as a page. */
export const SERVABLE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ServableImageType = (typeof SERVABLE_IMAGE_TYPES)[number];

export function isServableImageType(type: string): type is ServableImageType {
  return (SERVABLE_IMAGE_TYPES as readonly string[]).includes(type);
}
