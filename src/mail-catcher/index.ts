export { startMailCatcher, DEFAULT_MAX_MESSAGES, DEFAULT_WAIT_TIMEOUT_MS } from './catcher.ts';
export type { MailCatcher, MailCatcherOptions } from './catcher.ts';
export type { CaughtMessage } from './message.ts';
export { MAX_MESSAGE_BYTES } from './smtp.ts';
export { mailCatcherConfigFromEnv, defaultMailCatcherSmtpPort, defaultMailCatcherHttpPort } from './env.ts';
