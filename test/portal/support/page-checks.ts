import { AxeBuilder } from '@axe-core/playwright';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ASSET_BYTES } from '../../../src/apps/portal/http/assets.ts';
import { artifactPath, saveScreenshot } from '../../support/browser.ts';

/** The portal's page-weight budget: HTML + CSS + JS (+ icon) of one page. */
export const PAGE_BUDGET_BYTES = 50 * 1024;

/**
 * Watches one browser page: every subresource a portal page loads must be same-origin,
 * and no Content-Security-Policy violation may be reported. Navigations (to the simulator,
 * to the integrator) are not subresources and are allowed.
 */
export function watchPage(page: Page, publicUrl: string) {
  const origin = new URL(publicUrl).origin;
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest()) return;
    const frameUrl = request.frame().url();
    if (frameUrl.startsWith(`${origin}/portal`) && new URL(request.url()).origin !== origin) foreign.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { foreign, cspViolations };
}

export interface PageRecord {
  name: string;
  url: string;
  htmlBytes: number;
  totalBytes: number;
  axeViolations: number;
}

/**
 * Checks the portal page the browser shows now and keeps a screenshot of it:
 * zero axe-core violations (every rule axe runs by default), HTML + assets under 50 KB,
 * nothing loaded from another origin, no CSP report.
 */
export async function checkPortalPage(page: Page, name: string, watch: ReturnType<typeof watchPage>, records: PageRecord[]): Promise<PageRecord> {
  await page.waitForLoadState('load');
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(violations, `axe on ${name}`).toEqual([]);

  // The HTML as the server sent it (the navigation entry's decoded body size).
  const htmlBytes = await page.evaluate<number>(
    `(() => { const nav = performance.getEntriesByType('navigation')[0]; return nav ? nav.decodedBodySize : document.documentElement.outerHTML.length; })()`,
  );
  const record: PageRecord = { name, url: page.url(), htmlBytes, totalBytes: htmlBytes + ASSET_BYTES, axeViolations: violations.length };
  expect(record.totalBytes, `${name} weighs ${record.totalBytes} bytes`).toBeLessThan(PAGE_BUDGET_BYTES);
  expect(watch.foreign, `other-origin requests on ${name}`).toEqual([]);
  expect(watch.cspViolations, `CSP reports on ${name}`).toEqual([]);
  await saveScreenshot(page, { path: artifactPath(`portal-${name}.png`), fullPage: true });
  records.push(record);
  return record;
}

export function writeRecords(file: string, records: PageRecord[]): void {
  writeFileSync(artifactPath(file), JSON.stringify(records, null, 2));
}

/**
 * Presses Tab until the focused element's accessible text matches, asserting at every stop
 * that focus is visible (an outline of at least 2px). Fails after `max` presses.
 */
export async function tabTo(page: Page, name: RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ text: string; outline: boolean; tag: string } | null>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : null;
      return {
        text: (el.getAttribute('aria-label') || label || el.textContent || el.value || '').trim().replace(/\\s+/g, ' '),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        tag: el.tagName,
      };
    })()`);
    if (!focused) continue;
    expect(focused.outline, `visible focus on <${focused.tag}> "${focused.text}"`).toBe(true);
    if (name.test(focused.text)) return;
  }
  throw new Error(`could not reach ${name} with ${max} presses of Tab`);
}
