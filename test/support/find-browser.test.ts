import { describe, expect, it } from 'vitest';
import { BROWSER_PATHS, findBrowser, planBrowser } from './find-browser.ts';

const only = (...paths: string[]) => (path: string) => paths.includes(path);
const debianRoot = { isRoot: true, isDebian: true, chromiumPathSet: false };

describe('findBrowser', () => {
  it('uses CHROMIUM_PATH when it is an executable, before any installed browser', () => {
    expect(findBrowser({ CHROMIUM_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium')))
      .toEqual({ found: true, path: '/opt/chrome/chrome' });
  });

  it('reports a CHROMIUM_PATH that is not executable instead of falling back to another browser', () => {
    const search = findBrowser({ CHROMIUM_PATH: '/nowhere/chrome' }, only('/usr/bin/chromium'));
    expect(search).toEqual({ found: false, reason: expect.stringContaining('/nowhere/chrome') });
  });

  it("prefers Debian's chromium, then chromium-browser, then Google Chrome", () => {
    expect(findBrowser({}, only(...BROWSER_PATHS))).toEqual({ found: true, path: '/usr/bin/chromium' });
    expect(findBrowser({}, only('/usr/bin/chromium-browser', '/usr/bin/google-chrome')))
      .toEqual({ found: true, path: '/usr/bin/chromium-browser' });
    expect(findBrowser({ CHROMIUM_PATH: '  ' }, only('/opt/google/chrome/chrome')))
      .toEqual({ found: true, path: '/opt/google/chrome/chrome' });
  });

  it('finds nothing on a machine without a browser, naming where it looked', () => {
    const search = findBrowser({}, () => false);
    expect(search.found).toBe(false);
    if (!search.found) for (const path of BROWSER_PATHS) expect(search.reason).toContain(path);
  });
});

describe('planBrowser', () => {
  it('uses a browser that was found, installing nothing', () => {
    expect(planBrowser({ found: true, path: '/usr/bin/chromium' }, debianRoot)).toEqual({ action: 'use', path: '/usr/bin/chromium' });
  });

  it('installs chromium only as root on Debian', () => {
    const none = findBrowser({}, () => false);
    expect(planBrowser(none, debianRoot)).toEqual({ action: 'install' });
    expect(planBrowser(none, { ...debianRoot, isRoot: false }).action).toBe('stop');
    expect(planBrowser(none, { ...debianRoot, isDebian: false }).action).toBe('stop');
  });

  it('never installs over a wrong CHROMIUM_PATH: it says to fix the setting', () => {
    const wrong = findBrowser({ CHROMIUM_PATH: '/nowhere/chrome' }, () => false);
    const plan = planBrowser(wrong, { ...debianRoot, chromiumPathSet: true });
    expect(plan).toEqual({ action: 'stop', message: expect.stringContaining('CHROMIUM_PATH') });
  });

  it('stops with one sentence saying how to get a browser', () => {
    const plan = planBrowser(findBrowser({}, () => false), { isRoot: false, isDebian: true, chromiumPathSet: false });
    if (plan.action !== 'stop') throw new Error('expected stop');
    expect(plan.message).toContain('apt-get install -y chromium');
    expect(plan.message).toContain('CHROMIUM_PATH');
    // One sentence: a single full stop, at the end.
    expect(plan.message.match(/\.(\s|$)/g)).toHaveLength(1);
    expect(plan.message.endsWith('.')).toBe(true);
  });
});
