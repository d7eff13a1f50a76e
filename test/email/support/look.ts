import type { Browser } from 'playwright-core';
import type { MailCatcher } from '../../../src/mail-catcher/index.ts';
import type { TestApp } from '../../support/app.ts';
import { launchBrowser } from '../../support/browser.ts';
import { createProject, type TestProject } from '../../support/factories.ts';
import { startMailApp } from '../../support/mail.ts';

/** What the email look tests share: an app with its own mail catcher, a themed project, Chromium. */
export interface EmailLook {
  t: TestApp;
  catcher: MailCatcher;
  project: TestProject;
  browser: Browser;
  close(): Promise<void>;
}

export async function startEmailLook(): Promise<EmailLook> {
  const mail = await startMailApp();
  const project = await createProject(mail.t.url, { name: 'Warung Awan', theme: { colors: { primary: '#0f766e', background: '#f0fdfa' }, border_radius: 12 } });
  const browser = await launchBrowser();
  return {
    t: mail.t,
    catcher: mail.catcher,
    project,
    browser,
    async close() {
      await browser.close();
      await mail.close();
    },
  };
}
