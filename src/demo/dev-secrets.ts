import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '../lib/crypto.ts';

/**
 * Development only: the secrets a newcomer copies from the start banner (the admin key, the
 * demo project's client secret, the demo owner's password) stay the same across restarts,
 * so saved curl commands, the /docs "Authorize" value and the dashboard sign-in keep
 * working. They live in `DATA_DIR/dev-secrets.json` (mode 0600), next to the embedded
 * database they belong to. Production never reads or writes this file.
 */
export interface DevSecrets {
  adminApiKey: string;
  demoClientSecret: string;
  demoOwnerPassword: string;
}

export function devSecretsFile(dataDir: string): string {
  return join(dataDir, 'dev-secrets.json');
}

export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = devSecretsFile(dataDir);
  let stored: Partial<DevSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  } catch {
    // First start (or an unreadable file): make new ones below.
  }
  const secrets: DevSecrets = {
    adminApiKey: valid(stored.adminApiKey, /^adm_[A-Za-z0-9_-]{32}$/) ?? `adm_${randomToken(24)}`,
    demoClientSecret: valid(stored.demoClientSecret, /^lgs_[A-Za-z0-9_-]{43}$/) ?? `lgs_${randomToken(32)}`,
    demoOwnerPassword: valid(stored.demoOwnerPassword, /^[A-Za-z0-9_-]{16,64}$/) ?? randomToken(12),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    try {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      // Not writable: these secrets last for this run only (the banner still shows them).
      console.warn(`Could not keep development secrets in ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return secrets;
}

function valid(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}
