import type { Db } from '../../db/database.ts';
import type { EmailType, Locale } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { insertEmail } from './email.repository.ts';
import type { RenderedEmail } from './templates/layout.ts';

export interface EmailToQueue {
  projectId: string;
  endUserId: string | null;
  type: EmailType;
  /** What caused it, unique per project: the same cause is queued once, whoever asks. */
  cause: string;
  to: string;
  locale: Locale;
  rendered: RenderedEmail;
  /** The domain of MAIL_FROM, for the Message-ID. */
  domain: string;
  now: Date;
}

/**
 * Writes an email to the outbox in the caller's transaction, so it exists exactly when the
 * state change that causes it commits. Returns false when its cause was already queued.
 */
export async function queueEmail(trx: Db, e: EmailToQueue): Promise<boolean> {
  const id = newId('eml');
  return insertEmail(trx, {
    id,
    projectId: e.projectId,
    endUserId: e.endUserId,
    type: e.type,
    idempotencyKey: `${e.type}:${e.cause}`,
    to: e.to,
    locale: e.locale,
    subject: e.rendered.subject,
    text: e.rendered.text,
    html: e.rendered.html,
    messageId: `<${id}@${e.domain}>`,
    now: e.now,
  });
}
