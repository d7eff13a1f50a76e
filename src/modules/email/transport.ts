import nodemailer from 'nodemailer';

/** One email as the transport sends it. */
export interface OutgoingEmail {
  from: { name: string; address: string };
  replyTo?: string | undefined;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@domain>`: the same on every attempt, so a receiver can tell a re-send. */
  messageId: string;
  headers: Record<string, string>;
  /** Images the HTML shows by Content-ID (the project's logo). */
  inline?: Array<{ cid: string; contentType: string; content: Buffer }>;
}

/** Where customer email goes: SMTP in production, the local mail catcher in development. */
export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Raised for an answer that will not change on retry (SMTP 5xx: no such mailbox, refused). */
export class PermanentMailError extends Error {}

/**
 * nodemailer over SMTP_URL. Bounded at every step, so a silent server costs one attempt,
 * not a stuck job: 10 s to connect, 10 s for the greeting, 30 s of socket silence.
 */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(email) {
      try {
        await transporter.sendMail({
          from: email.from,
          ...(email.replyTo && { replyTo: email.replyTo }),
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          headers: email.headers,
          ...(email.inline?.length && {
            attachments: email.inline.map((image) => ({ cid: image.cid, content: image.content, contentType: image.contentType, filename: `logo.${image.contentType.split('/')[1]}`, contentDisposition: 'inline' as const })),
          }),
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentMailError(describe(err), { cause: err });
        throw err;
      }
    },
    close: () => transporter.close(),
  };
}

/** An error as stored with the email: the server's answer, never the URL (it may hold a password). */
export function describe(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = e.response ?? e.message ?? String(err);
  return [e.responseCode, e.code, text].filter(Boolean).join(' ').slice(0, 500);
}
