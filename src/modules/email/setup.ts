import type { Config } from '../../config.ts';
import { startMailCatcher, type MailCatcher } from '../../mail-catcher/index.ts';
import { smtpTransport, type MailTransport } from './transport.ts';

export interface MailSetup {
  /** Undefined: email is off (production without SMTP_URL); nothing is queued. */
  transport: MailTransport | undefined;
  /** Present in development without SMTP_URL: the local catcher we started and send to. */
  catcher?: MailCatcher;
  /** One line for the start banner (never the SMTP credentials). */
  banner: string;
}

/**
 * SMTP_URL when set; otherwise, outside production, a local mail catcher (real SMTP on
 * MAIL_CATCHER_PORT, its inbox on MAIL_CATCHER_HTTP_PORT, both on 127.0.0.1) so `npm start`
 * works offline like the Midtrans simulator; in production without SMTP_URL, no email.
 */
export async function setUpMail(config: Config): Promise<MailSetup> {
  const { mail } = config;
  if (mail.smtpUrl) {
    const url = new URL(mail.smtpUrl);
    return { transport: smtpTransport(mail.smtpUrl), banner: `SMTP ${url.protocol}//${url.host} as ${mail.from}` };
  }
  if (config.env === 'production') {
    return { transport: undefined, banner: 'off: SMTP_URL is not set, so no customer email is queued or sent' };
  }
  const catcher = await startMailCatcher({ smtpPort: mail.catcherPort, httpPort: mail.catcherHttpPort });
  return {
    transport: smtpTransport(catcher.smtpUrl),
    catcher,
    banner: `mail catcher, inbox ${catcher.httpUrl} (SMTP on ${catcher.smtpUrl}; no SMTP_URL set)`,
  };
}
