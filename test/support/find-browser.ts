import { accessSync, constants, existsSync, statSync } from 'node:fs';

/**
 * Where the browser tests look for Chromium or Chrome, in order: `CHROMIUM_PATH` when set
 * (then nothing else — a wrong setting is reported, not silently replaced), else Debian's
 * and Ubuntu's Chromium, then an installed Google Chrome.
 */
export const BROWSER_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
] as const;

export type BrowserSearch =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string };

/** Pure: `isExecutable` is the only look at the machine, so tests can describe any machine. */
export function findBrowser(
  env: Readonly<Record<string, string | undefined>>,
  isExecutable: (path: string) => boolean,
): BrowserSearch {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    return isExecutable(configured)
      ? { found: true, path: configured }
      : { found: false, reason: `CHROMIUM_PATH is ${configured}, which is not an executable file` };
  }
  const path = BROWSER_PATHS.find(isExecutable);
  return path
    ? { found: true, path }
    : { found: false, reason: `there is none at ${BROWSER_PATHS.join(', ')}` };
}

export type BrowserPlan =
  | { readonly action: 'use'; readonly path: string }
  | { readonly action: 'install' }
  | { readonly action: 'stop'; readonly message: string };

/**
 * What `npm test` does before the suite: use the browser found; install Debian's `chromium`
 * when it may (root on Debian, and `CHROMIUM_PATH` is not pointing elsewhere); otherwise
 * stop with one sentence saying how to get one.
 */
export function planBrowser(
  search: BrowserSearch,
  machine: { readonly isRoot: boolean; readonly isDebian: boolean; readonly chromiumPathSet: boolean },
): BrowserPlan {
  if (search.found) return { action: 'use', path: search.path };
  if (machine.isRoot && machine.isDebian && !machine.chromiumPathSet) return { action: 'install' };
  return {
    action: 'stop',
    message: machine.chromiumPathSet
      ? `The browser tests need Chromium or Chrome, but ${search.reason}: point CHROMIUM_PATH at one, or unset it to use an installed one.`
      : `The browser tests need Chromium or Chrome, but ${search.reason}: install one (on Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH to its executable.`,
  };
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser on this machine, for `launchBrowser`; throws the same sentence `npm test` prints. */
export function browserPath(): string {
  const search = findBrowser(process.env, isExecutableFile);
  if (search.found) return search.path;
  const plan = planBrowser(search, { isRoot: false, isDebian: false, chromiumPathSet: Boolean(process.env.CHROMIUM_PATH?.trim()) });
  throw new Error(plan.action === 'stop' ? plan.message : search.reason);
}
