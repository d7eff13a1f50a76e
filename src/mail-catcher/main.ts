/** Standalone entry: `npm run mail-catcher` (ports: see env.ts). */
import { startMailCatcher } from './catcher.ts';
import { mailCatcherConfigFromEnv } from './env.ts';

const catcher = await startMailCatcher(mailCatcherConfigFromEnv(process.env));
console.log(`Mail catcher: SMTP ${catcher.smtpUrl}, inbox ${catcher.httpUrl}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void catcher.close().then(() => process.exit(0));
  });
}
