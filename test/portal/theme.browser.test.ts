import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contrastRatio } from '../../src/theme/contrast.ts';
import { checkPortalPage, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, subscribe, type World } from './support/world.ts';

/**
 * A project with a dark theme whose configured text colour is unreadable on its own
 * background: the portal renders it dark, with the project's radius and font, and lifts
 * the text colour to WCAG AA — axe finds nothing on any page.
 */
let w: World;
const records: PageRecord[] = [];
const THEME = {
  mode: 'dark',
  colors: { primary: '#22d3ee', background: '#0b1020', text: '#4b5263' },
  font_family: 'serif',
  border_radius: 16,
};

beforeAll(async () => {
  w = await startWorld({ projectName: 'Nightowl Studio', theme: THEME });
});
afterAll(async () => {
  writeRecords('portal-pages-theme.json', records);
  await w?.close();
});

function rgbToHex(rgb: string): string {
  const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
  return `#${[r, g, b].map((c) => c!.toString(16).padStart(2, '0')).join('')}`;
}

async function computed(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`);
}

it('renders every page of a dark-themed project readable, branded and free of axe violations', { timeout: 120_000 }, async () => {
  await subscribe(w, 'owl', 'pro');
  const { context, page, watch } = await w.newPage();
  await w.openBilling(page, 'owl');

  const background = rgbToHex(await computed(page, 'body', 'background-color'));
  const textColour = rgbToHex(await computed(page, 'body', 'color'));
  expect(background).toBe('#0b1020');
  expect(textColour).not.toBe('#4b5263');
  expect(contrastRatio(textColour, background)).toBeGreaterThanOrEqual(4.5);
  expect(await computed(page, '.card', 'border-top-left-radius')).toBe('16px');
  expect(await computed(page, 'body', 'font-family')).toMatch(/^ui-serif, Georgia/);
  expect(await computed(page, ':root', 'color-scheme')).toBe('dark');
  await checkPortalPage(page, 'dark-overview', watch, records);

  await page.getByRole('link', { name: 'Plans', exact: true }).click();
  await checkPortalPage(page, 'dark-plans', watch, records);
  await page.getByRole('link', { name: 'Upgrade to Business' }).click();
  await checkPortalPage(page, 'dark-confirm', watch, records);
  await page.getByRole('button', { name: /^Continue to payment/ }).click();
  await page.waitForURL((url) => url.origin === w.t.simulator.url);
  await page.goto(`${w.publicUrl}/portal`);
  await page.getByRole('link', { name: 'Continue payment' }).click();
  await checkPortalPage(page, 'dark-payment-ready', watch, records);
  await page.getByRole('link', { name: 'Payment history' }).click();
  await checkPortalPage(page, 'dark-history', watch, records);
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await page.getByRole('link', { name: 'Cancel subscription' }).click();
  await checkPortalPage(page, 'dark-cancel', watch, records);

  // Focus is visible on the dark background too.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = rgbToHex(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineColor'));
  expect(contrastRatio(outline, background)).toBeGreaterThanOrEqual(3);
  await context.close();
});
