import { smtpTransport, type MailTransport } from '../../src/modules/email/transport.ts';
import { startMailCatcher, type MailCatcher } from '../../src/mail-catcher/index.ts';
import { startTestApp, type TestApp } from './app.ts';

export interface MailWorld {
  catcher: MailCatcher;
  transport: MailTransport;
  t: TestApp;
  close(): Promise<void>;
}

/** A running app whose customer email goes over real SMTP to a mail catcher of its own. */
export async function startMailApp(): Promise<MailWorld> {
  const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  const transport = smtpTransport(catcher.smtpUrl);
  const t = await startTestApp({ mail: transport });
  return {
    catcher,
    transport,
    t,
    async close() {
      await t.close();
      transport.close();
      await catcher.close();
    },
  };
}
