const jakartaOffsetMs = 7 * 60 * 60 * 1000;

/** Midtrans' wall-clock format in Asia/Jakarta (GMT+7): `2026-01-09 18:27:19`. */
export function formatJakartaTime(date: Date): string {
  return new Date(date.getTime() + jakartaOffsetMs).toISOString().slice(0, 19).replace('T', ' ');
}
