/**
 * `record[key]` for a key that came from outside (a request, a stored config): only the
 * record's own entries count, so `constructor`, `__proto__` or `toString` find nothing
 * instead of Object.prototype's members.
 */
export function ownEntry<V>(record: Readonly<Record<string, V>>, key: string | null | undefined): V | undefined {
  return typeof key === 'string' && Object.hasOwn(record, key) ? record[key] : undefined;
}
