import type { Locale, Role } from '../../../db/types.ts';
import { formatDateTime } from '../../../web/format.ts';
import { renderMessage, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface MemberInvitationData {
  locale: Locale;
  /** The project's zone: the link's end is shown in it, named. */
  timeZone: string;
  projectName: string;
  inviterName: string;
  inviteeName: string;
  inviteeEmail: string;
  role: Role;
  /** The single-use invitation link, and until when it works. */
  link: { url: string; until: Date };
}

/**
 * "Join <project> on Langgan": a person invited to a project's dashboard, with the link where
 * they set their password. Not a customer email: Langgan's own look (no project theme), and a
 * footer that says who entered the address.
 */
export function renderMemberInvitation(d: MemberInvitationData): RenderedEmail {
  const m = emailMessages[d.locale].memberInvitation;
  return renderMessage(
    { locale: d.locale, timeZone: d.timeZone, projectName: 'Langgan', theme: null, customerName: d.inviteeName },
    {
      subject: m.subject(d.projectName),
      heading: m.heading(d.projectName),
      lead: [m.intro(d.inviterName, d.projectName)],
      rows: [
        [m.project, d.projectName],
        [m.role, m.roles[d.role]],
        [m.signInAs, d.inviteeEmail],
      ],
      link: { label: m.button, href: d.link.url },
      after: [m.until(formatDateTime(d.link.until, d.locale, d.timeZone)), m.ignore],
      footer: m.footer(d.inviterName, d.projectName),
    },
  );
}
