/**
 * Where a form may send the reader back to: a path of the same app (`/portal…`,
 * `/dashboard…`), never another origin — so `back` and `next` fields open no redirect
 * (`//evil.example`, `/portal\\..`, whitespace tricks all fall back to the app's root).
 */
export function safeReturnPath(value: unknown, appPrefix: string): string {
  if (typeof value !== 'string' || value.startsWith('//')) return appPrefix;
  const pattern = new RegExp(`^${appPrefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:[/?#][^\\\\\\s]*)?$`);
  return pattern.test(value) ? value : appPrefix;
}
