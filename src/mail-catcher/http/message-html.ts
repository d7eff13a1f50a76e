import type { CaughtMessage, InlinePart } from '../message.ts';

/**
 * The policy of `/messages/:id/html`, where a message's own HTML — untrusted markup — is
 * served from the inbox's origin: no script, no remote anything (only our inline images and
 * data: URIs), no forms, shown only inside the inbox's own pages. `sandbox` gives the
 * document an opaque origin even when it is opened directly rather than through the
 * inbox's sandboxed iframe, so it can never read the inbox.
 */
export const MESSAGE_HTML_CSP =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

export const partPath = (messageId: string, cid: string) => `/messages/${encodeURIComponent(messageId)}/parts/${encodeURIComponent(cid)}`;

/**
 * Points `cid:` references at the parts route. Only references to a part we serve are
 * rewritten; any other `cid:` stays and loads nothing (the CSP allows no such scheme).
 */
export function rewriteCidLinks(message: CaughtMessage, parts: readonly InlinePart[]): string {
  const served = new Set(parts.map((part) => part.cid));
  return (message.html ?? '').replace(/cid:([^\s"'<>()]+)/gi, (reference, encoded: string) => {
    let cid: string;
    try {
      cid = decodeURIComponent(encoded);
    } catch {
      return reference;
    }
    return served.has(cid) ? partPath(message.id, cid) : reference;
  });
}
