import type { Db } from '../../db/database.ts';
import type { Locale, Role } from '../../db/types.ts';
import { sha256 } from '../../lib/crypto.ts';
import type { EmailDeps } from './customer-email.ts';
import { queueEmail } from './queue-email.ts';
import { renderMemberInvitation } from './templates/member-invitation.ts';

export interface MemberInvitation {
  project: { id: string; name: string; timeZone: string };
  inviterName: string;
  invitee: { name: string; email: string };
  role: Role;
  /** The inviter's language: the invitee has none on file yet. */
  locale: Locale;
  link: { url: string; until: Date };
  now: Date;
}

/**
 * Queues the invitation to a project's dashboard in the outbox, under the project (it is
 * listed with its email, `end_user_id` null). Returns false when this instance sends no email
 * (the inviter then sends the link shown on the page). One email per link: the cause is the
 * link's hash, never the link.
 */
export async function queueMemberInvitation(db: Db, deps: EmailDeps, i: MemberInvitation): Promise<boolean> {
  if (!deps.mail) return false;
  return queueEmail(db, {
    projectId: i.project.id,
    endUserId: null,
    type: 'member_invitation',
    cause: sha256(i.link.url).toString('hex'),
    to: i.invitee.email,
    locale: i.locale,
    domain: deps.config.mail.from.split('@')[1]!,
    now: i.now,
    rendered: renderMemberInvitation({
      locale: i.locale,
      timeZone: i.project.timeZone,
      projectName: i.project.name,
      inviterName: i.inviterName,
      inviteeName: i.invitee.name,
      inviteeEmail: i.invitee.email,
      role: i.role,
      link: i.link,
    }),
  });
}
