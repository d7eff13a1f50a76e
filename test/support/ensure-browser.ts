/**
 * Run by `npm test` before the suite: make sure the browser tests have a browser. Uses the one
 * `findBrowser` finds; as root on Debian with none, installs `chromium` with apt-get; otherwise
 * stops at once with one sentence saying how to get one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowser, isExecutableFile, planBrowser } from './find-browser.ts';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

const search = findBrowser(process.env, isExecutableFile);
const plan = planBrowser(search, {
  isRoot: process.getuid?.() === 0,
  isDebian: existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get'),
  chromiumPathSet: Boolean(process.env.CHROMIUM_PATH?.trim()),
});

if (plan.action === 'stop') {
  console.error(plan.message);
  process.exit(1);
}
if (plan.action === 'install') {
  console.log('No Chromium found: installing Debian\'s chromium for the browser tests (apt-get).');
  const installed = run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', 'chromium']);
  const after = findBrowser(process.env, isExecutableFile);
  if (!installed || !after.found) {
    console.error('Installing chromium with apt-get failed: install it by hand (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.');
    process.exit(1);
  }
}
