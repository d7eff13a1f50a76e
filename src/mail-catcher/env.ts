export const defaultMailCatcherSmtpPort = 3002;
export const defaultMailCatcherHttpPort = 3003;

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 65_535) throw new Error(`${name} must be a TCP port number (0 picks a free one)`);
  return value;
}

/** The standalone catcher's ports: MAIL_CATCHER_PORT (SMTP, 3002) and MAIL_CATCHER_HTTP_PORT (inbox, 3003). */
export function mailCatcherConfigFromEnv(env: NodeJS.ProcessEnv): { smtpPort: number; httpPort: number } {
  return {
    smtpPort: port(env, 'MAIL_CATCHER_PORT', defaultMailCatcherSmtpPort),
    httpPort: port(env, 'MAIL_CATCHER_HTTP_PORT', defaultMailCatcherHttpPort),
  };
}
