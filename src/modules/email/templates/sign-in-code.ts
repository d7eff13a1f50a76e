import { renderMessage, type EmailBase, type RenderedEmail } from './layout.ts';
import { emailMessages } from './messages.ts';

export interface SignInCodeData extends EmailBase {
  code: string;
  /** The one-click link (`/portal/login/link?token=…`), valid as long as the code. */
  link: string;
  validMinutes: number;
}

/** The hosted login page's code: the six digits, how long they work, and a one-click button. */
export function renderSignInCode(d: SignInCodeData): RenderedEmail {
  const m = emailMessages[d.locale].signIn;
  return renderMessage(d, {
    subject: m.subject(d.projectName),
    heading: m.heading,
    lead: [m.intro(d.projectName)],
    rows: [[m.code, d.code]],
    link: { label: m.button, href: d.link },
    after: [m.validFor(d.validMinutes), m.ignore],
  });
}
