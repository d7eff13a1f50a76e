import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type LocatorScreenshotOptions, type Page, type PageScreenshotOptions } from 'playwright-core';
import { browserPath } from './find-browser.ts';

/** The machine's Chromium or Chrome (see find-browser.ts), driven by playwright-core (no downloaded browsers). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: browserPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Screenshots are test artifacts (git-ignored), for people to look at. */
export function artifactPath(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/**
 * Saves a screenshot artifact. Chromium on a loaded machine now and then answers
 * "Unable to capture screenshot" (no frame from the compositor in time): the page is
 * fine and a second try takes it, so that one error is retried twice; any other fails.
 */
export async function saveScreenshot(target: Page | Locator, options: PageScreenshotOptions & LocatorScreenshotOptions & { path: string }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.screenshot(options);
      return;
    } catch (err) {
      if (attempt >= 3 || !/Unable to capture screenshot/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
