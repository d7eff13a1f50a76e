import type { Deps } from '../../deps.ts';
import { claimDueEmails, recordFailure, recordSent, type EmailRow } from './email.repository.ts';
import { findProjectLogo } from '../branding/branding.repository.ts';
import { LOGO_CID } from './templates/layout.ts';
import { describe, PermanentMailError } from './transport.ts';

/** Waits after the 1st, 2nd, … failed attempt: about 22 hours in all, then the email is given up. */
export const EMAIL_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000];

/**
 * A claim lasts `config.mail.leaseMs` (EMAIL_LEASE_SECONDS, default 2 minutes). One run
 * sends its whole batch concurrently, and every send is bounded (10 s connect + 10 s
 * greeting + 30 s of silence), so a live sender finishes well within it; a sender that died
 * leaves rows another instance re-claims when it ends.
 */
const BATCH = 10;

/**
 * The `deliver-emails` job: claims due emails with SKIP LOCKED (any number of instances),
 * sends each, and records the outcome under the claim's fencing token.
 *
 * At least once, and the edge is documented (docs/email.md): if an instance dies after the
 * SMTP server accepted a message but before `sent` was written, the message goes again
 * after the lease — with the same Message-ID, so receiving systems can collapse it.
 */
export async function deliverEmails(deps: Pick<Deps, 'db' | 'clock' | 'mail' | 'config' | 'logger'>): Promise<{ sent: number; retried: number; failed: number }> {
  const outcome = { sent: 0, retried: 0, failed: 0 };
  const mail = deps.mail;
  if (!mail) return outcome;
  const now = deps.clock.now();
  const claimed = await claimDueEmails(deps.db, now, new Date(now.getTime() + deps.config.mail.leaseMs), BATCH);
  if (claimed.length === 0) return outcome;
  const senders = await sendersOf(deps, claimed);

  // Settled, not all: one row's database trouble must not leave the others' outcomes unwritten.
  const results = await Promise.allSettled(
    claimed.map(async (email) => {
      try {
        if (email.text_body === null || email.html_body === null) throw new PermanentMailError('the body was purged before the email could be sent');
        const sender = senders.get(email.project_id);
        await mail.send({
          inline: await inlineImages(deps, email),
          from: { name: sender?.name ?? 'Langgan', address: deps.config.mail.from },
          replyTo: sender?.replyTo ?? undefined,
          to: email.to_address,
          subject: email.subject,
          text: email.text_body,
          html: email.html_body,
          messageId: email.message_id,
          headers: { 'X-Langgan-Email-Id': email.id, 'Auto-Submitted': 'auto-generated' },
        });
      } catch (err) {
        const giveUp = err instanceof PermanentMailError || email.attempts > EMAIL_RETRY_DELAYS_MS.length;
        const retryAt = giveUp ? null : new Date(deps.clock.now().getTime() + EMAIL_RETRY_DELAYS_MS[email.attempts - 1]!);
        deps.logger.warn({ email_id: email.id, attempts: email.attempts, retry_at: retryAt, error: describe(err) }, giveUp ? 'email given up' : 'email not sent; will retry');
        await recordFailure(deps.db, email, describe(err), retryAt);
        if (giveUp) outcome.failed++;
        else outcome.retried++;
        return;
      }
      // Sent. Should this write fail, the row stays claimed and goes again after the lease:
      // the documented at-least-once edge, never a retry scheduled for a sent email.
      await recordSent(deps.db, email, deps.clock.now());
      outcome.sent++;
    }),
  );
  for (const result of results) {
    if (result.status === 'rejected') deps.logger.error({ err: result.reason }, 'email delivery: could not record an outcome; the lease will hand it out again');
  }
  return outcome;
}

/** The logo the email's HTML refers to by Content-ID, if the project still has it (else the image is left out). */
async function inlineImages(deps: Pick<Deps, 'db'>, email: EmailRow): Promise<Array<{ cid: string; contentType: string; content: Buffer }>> {
  const match = email.html_body ? LOGO_CID.exec(email.html_body) : null;
  if (!match) return [];
  const logo = await findProjectLogo(deps.db, email.project_id, match[2]!);
  return logo ? [{ cid: match[1]!, contentType: logo.content_type, content: logo.bytes }] : [];
}

/** Each project's sender as it is set now: its display name (default: its own name) and Reply-To. */
async function sendersOf(deps: Pick<Deps, 'db'>, emails: EmailRow[]): Promise<Map<string, { name: string; replyTo: string | null }>> {
  const ids = [...new Set(emails.map((e) => e.project_id))];
  const rows = await deps.db.selectFrom('projects').select(['id', 'name', 'email_sender_name', 'email_reply_to']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { name: r.email_sender_name ?? r.name, replyTo: r.email_reply_to }]));
}

const soon = new WeakMap<object, { running: boolean; again: boolean }>();

/**
 * Runs the delivery job now, in the background, for an email someone is waiting for (a
 * sign-in code): not after the next scheduler tick. Runs of one instance never overlap: a
 * call during a run makes one more run after it. Claims are SKIP LOCKED, so this and the
 * scheduler (here or on another instance) never send one email twice. Errors are logged.
 */
export function deliverSoon(deps: Pick<Deps, 'db' | 'clock' | 'mail' | 'config' | 'logger'>): void {
  const state = soon.get(deps) ?? { running: false, again: false };
  soon.set(deps, state);
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        await deliverEmails(deps);
      } while (state.again);
    } catch (err) {
      deps.logger.warn({ err }, 'immediate email delivery failed; the scheduler will retry');
    } finally {
      state.running = false;
    }
  })();
}
