import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, saveScreenshot } from '../support/browser.ts';
import { insertClosedPayment } from './support/closed-payments.ts';
import { checkPortalPage, tabTo, writeRecords, type PageRecord } from './support/page-checks.ts';
import { startWorld, subscribe, type World } from './support/world.ts';

/**
 * Every portal page at 1280, 390 and 320 px, in English and Bahasa Indonesia: no horizontal
 * scrolling, payment tables as stacked cards on phones with date, description, amount and
 * status in view, the current plan first on phones and prices in line on wide screens, an
 * unclipped focus ring on the tabs; axe-core clean, under the weight budget, screenshots kept.
 */
let w: World;
const records: PageRecord[] = [];
const USER = 'sekar';
let canceledPaymentId = '';

beforeAll(async () => {
  w = await startWorld();
  const { endUserId } = await subscribe(w, USER, 'pro');
  const sub = await w.t.database.db.selectFrom('subscriptions').select('id').where('end_user_id', '=', endUserId).executeTakeFirstOrThrow();
  const owner = { endUserId, subscriptionId: sub.id };
  canceledPaymentId = await insertClosedPayment(w.t, w.project, owner, { status: 'failed', gatewayStatus: 'cancel', daysAgo: 3, amount: 450_000, plan: 'business' });
  await insertClosedPayment(w.t, w.project, owner, { status: 'expired', gatewayStatus: 'expire', daysAgo: 5, amount: 450_000, plan: 'business', method: 'bank_transfer' });
  await insertClosedPayment(w.t, w.project, owner, { status: 'refunded', gatewayStatus: 'refund', daysAgo: 9, amount: 1_234_567_890, method: 'credit_card' });
}, 120_000);
afterAll(async () => {
  writeRecords('portal-pages-small-screens.json', records);
  await w?.close();
});

const WIDTHS = [1280, 390, 320] as const;
const LOCALES = ['en', 'id'] as const;

function pages(): Array<[name: string, path: string]> {
  return [
    ['overview', '/portal'],
    ['plans', '/portal/plans'],
    ['confirm-upgrade', `/portal/plans/${w.project.plans.business!.id}`],
    ['history', '/portal/payments'],
    ['payment-canceled', `/portal/payments/${canceledPaymentId}`],
    ['cancel', '/portal/cancel'],
  ];
}

/** How far the page, or any scrolling table inside it, is wider than its box (0 or less: nothing to scroll sideways). */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(`Math.max(
    document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ...[...document.querySelectorAll('.table-wrap')].map((wrap) => wrap.scrollWidth - wrap.clientWidth))`);
}

/** For each body row of `table`: whether each cell, and everything in it, is rendered inside the viewport and the cell. */
async function cellsInView(page: Page, table: string): Promise<Array<Array<{ label: string; inView: boolean }>>> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${table} tbody tr`)})].map((row) =>
    [...row.cells].map((cell) => {
      const r = cell.getBoundingClientRect();
      const contentFits = cell.scrollWidth <= cell.clientWidth && [...cell.querySelectorAll('*')].every((e) => e.getBoundingClientRect().right <= r.right + 0.5);
      return { label: cell.dataset.label || '', inView: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth && contentFits };
    }))`);
}

describe.each(LOCALES)('in %s', (locale) => {
  it.each(WIDTHS)('every page at %i px: no horizontal scroll, axe-clean, within budget', { timeout: 240_000 }, async (width) => {
    const { context, page, watch } = await w.newPage({ locale: locale === 'id' ? 'id-ID' : 'en-US', viewport: { width, height: 900 } });
    await w.openBilling(page, USER, { locale });
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    for (const [name, path] of pages()) {
      await page.goto(`${w.publicUrl}${path}`);
      expect(await horizontalOverflow(page), `${name} scrolls sideways at ${width} px (${locale})`).toBeLessThanOrEqual(0);
      if (width === 320) await saveScreenshot(page, { path: artifactPath(`portal-${name}-${width}-${locale}.png`), fullPage: true });
      else await checkPortalPage(page, `${name}-${width}-${locale}`, watch, records);
    }
    await context.close();
  });
});

describe('payment tables', () => {
  it.each([390, 320])('are stacked cards at %i px with date, description, amount and status in view', { timeout: 120_000 }, async (width) => {
    const { context, page } = await w.newPage({ viewport: { width, height: 900 } });
    await w.openBilling(page, USER);
    await page.goto(`${w.publicUrl}/portal/payments`);
    const rows = await cellsInView(page, 'table.records');
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.map((c) => c.label)).toEqual(['Date', 'Description', 'Amount', 'Method', 'Status']);
      expect(row.every((c) => c.inView), JSON.stringify(row)).toBe(true);
    }
    // The column names are in each card, and the header row is hidden (but still read out).
    expect(await page.locator('table.records thead').boundingBox()).toMatchObject({ width: 1 });
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('table.records tbody td'), '::before').content`)).toMatch(/^attr\(data-label\)|^"Date"/);

    await page.goto(`${w.publicUrl}/portal`);
    const recent = await cellsInView(page, 'table.records');
    expect(recent.length).toBeGreaterThan(0);
    for (const row of recent) expect(row.every((c) => c.inView), JSON.stringify(row)).toBe(true);
    await context.close();
  });

  it.each([390, 320])('grow a cell to fit a column name that wraps at %i px, never overlapping the next', async (width) => {
    const { context, page } = await w.newPage({ locale: 'id-ID', viewport: { width, height: 900 } });
    await w.openBilling(page, USER, { locale: 'id' });
    await page.goto(`${w.publicUrl}/portal/payments`);
    const cells = `document.querySelector('table.records tbody tr').cells`;
    const boxes = () => page.evaluate<Array<{ top: number; bottom: number }>>(`[...${cells}].map((c) => { const r = c.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; })`);
    const before = await boxes();
    // A column name far longer than its column (as a translation can be) wraps onto several lines:
    // its cell grows to hold it, and the next cell starts below it.
    await page.evaluate(`${cells}[0].dataset.label = 'Tanggal dan waktu pembayaran dibuat oleh pelanggan'`);
    const after = await boxes();
    expect(after[0]!.bottom - after[0]!.top).toBeGreaterThan(before[0]!.bottom - before[0]!.top + 30);
    for (let i = 1; i < after.length; i++) expect(after[i]!.top).toBeGreaterThanOrEqual(after[i - 1]!.bottom - 0.5);
    await saveScreenshot(page.locator('table.records'), { path: artifactPath(`portal-history-long-label-${width}-id.png`) });
    await context.close();
  });

  it('stay tables at 1280 px', async () => {
    const { context, page } = await w.newPage({ viewport: { width: 1280, height: 900 } });
    await w.openBilling(page, USER);
    await page.goto(`${w.publicUrl}/portal/payments`);
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('table.records tr')).display`)).toBe('table-row');
    await context.close();
  });
});

describe('plans', () => {
  async function planBoxes(page: Page) {
    return page.evaluate<Array<{ name: string; current: boolean; top: number; priceTop: number }>>(`[...document.querySelectorAll('.plan')].map((plan) => ({
      name: plan.querySelector('h2').textContent,
      current: plan.classList.contains('current'),
      top: plan.getBoundingClientRect().top,
      priceTop: plan.querySelector('.price').getBoundingClientRect().top,
    }))`);
  }

  it('lines the prices up on a wide screen, the current plan badge included', async () => {
    const { context, page } = await w.newPage({ viewport: { width: 1280, height: 900 } });
    await w.openBilling(page, USER);
    await page.goto(`${w.publicUrl}/portal/plans`);
    const boxes = await planBoxes(page);
    expect(boxes.map((b) => b.current)).toEqual([false, true, false]);
    expect(new Set(boxes.map((b) => Math.round(b.priceTop))).size).toBe(1);
    await context.close();
  });

  it('lists the current plan first on a phone', async () => {
    const { context, page } = await w.newPage({ viewport: { width: 390, height: 900 } });
    await w.openBilling(page, USER);
    await page.goto(`${w.publicUrl}/portal/plans`);
    const boxes = (await planBoxes(page)).sort((a, b) => a.top - b.top);
    expect(boxes.map((b) => b.name)).toEqual(['Pro', 'Free', 'Business']);
    expect(boxes[0]!.current).toBe(true);
    await context.close();
  });
});

describe('the section tabs', () => {
  it.each([1280, 390])('show the whole focus ring at %i px: nothing around them clips it', async (width) => {
    const { context, page } = await w.newPage({ viewport: { width, height: 900 } });
    await w.openBilling(page, USER);
    await tabTo(page, /^Plans$/);
    const clipping = await page.evaluate<string[]>(`(() => {
      const found = [];
      for (let el = document.activeElement.parentElement; el && el !== document.documentElement; el = el.parentElement) {
        const s = getComputedStyle(el);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') found.push(el.tagName + '.' + el.className);
      }
      return found;
    })()`);
    expect(clipping).toEqual([]);
    await saveScreenshot(page, { path: artifactPath(`portal-tab-focus-${width}.png`), clip: { x: 0, y: 0, width, height: 200 } });
    await context.close();
  });
});
